/**
 * SigV4 presence and scope checks.
 *
 * Like LocalStack, the emulator does NOT verify signatures: any access key and
 * secret are accepted. It only requires a well-formed `AWS4-HMAC-SHA256`
 * Authorization header scoped to service `connect`, and takes the credential
 * scope's region as the region the request addresses (the regional endpoint
 * the client would have called).
 */
import { ApiError } from "./errors.ts";

export interface SigningScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

const AUTH_RE =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)$/;

/** Returns the credential scope, or throws the 403 AWS would send. */
export function checkSigV4(authorization: string | undefined): SigningScope {
  if (!authorization) {
    throw new ApiError("MissingAuthenticationTokenException", 403, "Missing Authentication Token");
  }
  const m = AUTH_RE.exec(authorization.trim());
  if (!m) {
    throw new ApiError(
      "IncompleteSignatureException",
      403,
      `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization=${authorization}`,
    );
  }
  const [, accessKeyId = "", date = "", region = "", service = ""] = m;
  if (service !== "connect") {
    throw new ApiError(
      "InvalidSignatureException",
      403,
      "Credential should be scoped to correct service: 'connect'.",
    );
  }
  return { accessKeyId, date, region, service };
}
