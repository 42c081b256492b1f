/**
 * The HTTP handler of every Connect call: a connect timeout, a read timeout, and the limiter's
 * "abandoned" signal, which aborts every request in flight. Measured on the SDK's
 * NodeHttpHandler under Deno (tests/aws_timeouts_test.ts): `connectionTimeout` stops a
 * connection never completed, `socketTimeout` (no byte for that long, as the AWS CLI's
 * --cli-read-timeout) a server that never answers; both are retried like a lost connection.
 * Its `requestTimeout` only logs a warning, so the SDK's defaults wait forever.
 */
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { HttpHandlerOptions } from "@smithy/types";
import { InterruptedError } from "./limiter.ts";

/** Milliseconds; 0 = no limit (as the AWS CLI's 0). */
export interface Timeouts {
  connectMs: number;
  readMs: number;
}

/**
 * A TCP (and TLS) handshake with a Regional endpoint takes well under a second; 10 s
 * covers three lost SYNs (Linux retransmits at 1, 3 and 7 s). Connect answers its small
 * JSON calls in well under a second; 30 s without a byte means the call is stuck, and with
 * 4 attempts a dead endpoint is reported within about 2½ minutes instead of never. The AWS
 * CLI uses 60 s for both.
 */
export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 10_000, readMs: 30_000 };

type Request = Parameters<NodeHttpHandler["handle"]>[0];

const seconds = (ms: number) => `${+(ms / 1000).toFixed(3)} s`;

/** A call's attempt ran out of time; `timeout` says which limit and where. */
class TimeoutError extends Error {
  override name = "TimeoutError";
  /** Like Node's: the SDK classifies it as a transient failure without a response. */
  readonly code = "ETIMEDOUT";
  constructor(
    readonly timeout: { kind: "connect" | "read"; ms: number },
    endpoint: string,
    options: ErrorOptions,
  ) {
    super(
      timeout.kind === "connect"
        ? `could not connect to ${endpoint} within the connect timeout (${seconds(timeout.ms)})`
        : `${endpoint} sent nothing for the read timeout (${seconds(timeout.ms)})`,
      options,
    );
  }
}

export class ConnectHttpHandler extends NodeHttpHandler {
  constructor(readonly timeouts: Timeouts, readonly abandoned?: AbortSignal) {
    super({ connectionTimeout: timeouts.connectMs, socketTimeout: timeouts.readMs });
  }

  override async handle(request: Request, options: HttpHandlerOptions = {}) {
    const signals = [options.abortSignal, this.abandoned].filter((s): s is AbortSignal =>
      s instanceof AbortSignal
    );
    const abortSignal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    try {
      return await super.handle(request, { ...options, abortSignal });
    } catch (err) {
      if (this.abandoned?.aborted) throw new InterruptedError("abandoned", { cause: err });
      // The handler also renames ECONNRESET and EPIPE to TimeoutError: only its own two
      // timeouts say so in their message.
      const message = (err as { message?: string } | undefined)?.message ?? "";
      const connect = /did not establish a connection .* within the configured timeout/.test(
        message,
      );
      if (!connect && !/socket timed out after \d+ ms of inactivity/.test(message)) throw err;
      const { protocol, hostname, port } = request;
      const kind = connect ? "connect" : "read";
      throw new TimeoutError(
        { kind, ms: connect ? this.timeouts.connectMs : this.timeouts.readMs },
        `${protocol}//${hostname}${port ? `:${port}` : ""}`,
        { cause: err },
      );
    }
  }
}
