/**
 * SigV4 presence and scope checks.
 *
 * Like LocalStack, the emulator does NOT verify signatures: any access key and
 * secret are accepted. It only requires a well-formed `AWS4-HMAC-SHA256`
 * Authorization header (Credential, SignedHeaders and Signature parts, else
 * IncompleteSignatureException; a non-hex Signature is InvalidSignatureException)
 * scoped to service `connect`, and takes the credential
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
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([^,\s]+)$/;

/** A SigV4 signature is lower-case hex (any length is accepted: it is not verified). */
const SIGNATURE_RE = /^[0-9a-f]+$/;

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
  const [, accessKeyId = "", date = "", region = "", service = "", , signature = ""] = m;
  // All parts are there, but the signature cannot be one AWS computes: it
  // mismatches, which AWS reports as InvalidSignatureException.
  if (!SIGNATURE_RE.test(signature)) {
    throw new ApiError(
      "InvalidSignatureException",
      403,
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    );
  }
  if (service !== "connect") {
    throw new ApiError(
      "InvalidSignatureException",
      403,
      "Credential should be scoped to correct service: 'connect'.",
    );
  }
  return { accessKeyId, date, region, service };
}
