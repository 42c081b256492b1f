/**
 * What every Connect call passes through: a gate around the whole call (retries included) that
 * records what its attempts told (lib/errors.ts answerOf), gives it up when the limiter is
 * abandoned and feeds the stall watch; the rate limiter before every attempt; and, for export,
 * the raw body of SearchQuickConnects and DescribeQuickConnect answers (rawJson).
 */
import type { ConnectClient, ServiceInputTypes, ServiceOutputTypes } from "@aws-sdk/client-connect";
import type {
  DeserializeHandler,
  DeserializeHandlerArguments,
  FinalizeHandler,
  FinalizeHandlerArguments,
  HandlerExecutionContext,
  InitializeHandler,
  InitializeHandlerArguments,
  MetadataBearer,
} from "@smithy/types";
import { httpStatusOf, markSent, type SentMark } from "../errors.ts";
import {
  type AwsLog,
  CallWatch,
  InterruptedError,
  type PendingCall,
  type RateLimiter,
  THROTTLING_ERRORS,
} from "./limiter.ts";

type Handler = FinalizeHandler<ServiceInputTypes, ServiceOutputTypes & MetadataBearer>;
type Args = FinalizeHandlerArguments<ServiceInputTypes>;
type Ctx = HandlerExecutionContext;

/** `ListUsersCommand` → `ListUsers`. */
const operationOf = (context: Ctx): string =>
  context.commandName?.replace(/Command$/, "") ?? "unknown";

/** Throttled by Connect: either name (docs/live-service.md §7), or any 429 that is not a quota. */
function isThrottled(err: unknown): boolean {
  const name = (err as { name?: string } | undefined)?.name ?? "";
  return THROTTLING_ERRORS.has(name) ||
    (httpStatusOf(err) === 429 && name !== "LimitExceededException");
}

/** One call across its attempts (what lib/errors.ts markSent records on its error). */
interface Call extends SentMark {
  /** Attempts handed to the HTTP layer and not answered yet. */
  inFlight: number;
  watched?: PendingCall;
  /** The raw body of a successful answer, where it is kept. */
  raw?: Uint8Array;
}

export interface CallOptions {
  limiter?: RateLimiter;
  /** Told of retries, and of a call pending `stallWarningMs` (10 s) while nothing was logged. */
  log?: AwsLog;
  stallWarningMs?: number;
  /** Told the operation of each failed attempt (for the retry lines). */
  failedIn: WeakMap<object, string>;
  /** Keep raw Search/Describe bodies (rawJson); only export needs them. */
  captureRawResponses?: boolean;
}

const CAPTURED = new Set(["SearchQuickConnectsCommand", "DescribeQuickConnectCommand"]);
const raws = new WeakMap<object, Uint8Array>();

/** The response's JSON as sent (the SDK drops members its model lacks), if it was captured. */
export function rawJson(output: object): unknown {
  const bytes = raws.get(output);
  if (!bytes) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}

/** Installs the gate, the per-attempt limiter and the "sent" mark on `client`. */
export function installCallMiddleware(client: ConnectClient, opts: CallOptions): void {
  const calls = new WeakMap<Ctx, Call>();
  const watch = opts.log ? new CallWatch(opts.log, opts.stallWarningMs) : undefined;
  const abandoned = opts.limiter?.abandoned;
  client.middlewareStack.add(
    <O extends MetadataBearer>(next: InitializeHandler<object, O>, context: Ctx) =>
    async (args: InitializeHandlerArguments<object>) => {
      const call: Call = {
        sent: false,
        landed: false,
        inFlight: 0,
        watched: watch?.start(operationOf(context)),
      };
      calls.set(context, call);
      try {
        if (abandoned?.aborted) throw new InterruptedError("interrupted");
        const result = await untilAbandoned(next(args), abandoned);
        if (call.raw && typeof result.output === "object" && result.output !== null) {
          raws.set(result.output, call.raw);
        }
        return result;
      } catch (err) {
        // Abandoned with an attempt in flight: it may have been applied.
        markSent(err, { ...call, landed: call.landed || call.inFlight > 0 });
        throw err;
      } finally {
        if (call.watched) watch?.end(call.watched);
      }
    },
    // Outermost: every error client.send rejects with passes here, retries are inside.
    { step: "initialize", priority: "high", name: "connectCallGate" },
  );
  // After the retry middleware, so every attempt (retries included) takes a token, and
  // the limiter learns of every throttled attempt.
  client.middlewareStack.addRelativeTo(
    (next: Handler, context: Ctx) => (args: Args) =>
      attempt(next, args, operationOf(context), calls.get(context), opts),
    { relation: "after", toMiddleware: "retryMiddleware", name: "connectRateLimiter" },
  );
  // Innermost: what gets here is handed to the HTTP handler (signed, past the limiter).
  client.middlewareStack.add(
    <O extends MetadataBearer>(next: DeserializeHandler<object, O>, context: Ctx) =>
    (args: DeserializeHandlerArguments<object>) =>
      sending(
        next,
        args,
        calls.get(context),
        opts.captureRawResponses && CAPTURED.has(context.commandName ?? ""),
      ),
    { step: "deserialize", priority: "low", name: "connectCallSent" },
  );
}

/**
 * An attempt handed to the HTTP layer: what its answer (or none) tells of the call. With
 * `capture`, a successful body is kept and handed on as bytes (the deserializer takes them).
 */
async function sending<O extends MetadataBearer>(
  next: DeserializeHandler<object, O>,
  args: DeserializeHandlerArguments<object>,
  call: Call | undefined,
  capture: boolean | undefined,
) {
  if (!call) return await next(args);
  call.sent = true;
  call.lastSentAt = Date.now();
  call.firstSentAt ??= call.lastSentAt;
  call.inFlight++;
  try {
    // The raw response: the service's errors are deserialized further out.
    const out = await next(args);
    const res = out.response as { statusCode?: number; body?: unknown } | undefined;
    const status = res?.statusCode;
    if (status === undefined || status >= 500) call.landed = true;
    if (capture && res && (status ?? 0) < 300 && res.body) {
      const bytes = await collect(res.body);
      if (bytes) call.raw = res.body = bytes;
    }
    return out;
  } catch (err) {
    call.landed = true;
    throw err;
  } finally {
    call.inFlight--;
  }
}

async function collect(body: unknown): Promise<Uint8Array | undefined> {
  if (body instanceof Uint8Array) return body;
  const chunks =
    body && typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function"
      ? await Array.fromAsync(body as AsyncIterable<Uint8Array | string>)
      : undefined;
  return chunks && await new Blob(chunks as BlobPart[]).bytes();
}

/** One attempt: a token first, then the limiter hears how it went. */
async function attempt(
  next: Handler,
  args: Args,
  op: string,
  call: Call | undefined,
  opts: CallOptions,
) {
  const watched = call?.watched;
  const limiter = opts.limiter;
  if (watched) watched.phase = "quota";
  if (limiter) await limiter.acquire(op);
  const sentAt = limiter?.now() ?? 0;
  if (watched) watched.phase = "sent";
  try {
    const result = await next(args);
    limiter?.succeeded(op);
    return result;
  } catch (err) {
    if (typeof err === "object" && err !== null) opts.failedIn.set(err, op);
    const name = (err as { name?: string } | undefined)?.name ?? "Error";
    if (limiter && isThrottled(err)) limiter.throttled(op, sentAt, name);
    if (watched) Object.assign(watched, { phase: "backoff", lastError: name });
    throw err;
  }
}

/**
 * `work`, or an InterruptedError as soon as `signal` aborts; the work goes on until its HTTP
 * request is aborted too (lib/aws/http.ts) or meets the closed limiter, its outcome dropped.
 */
function untilAbandoned<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () =>
      reject(new InterruptedError("abandoned: no answer before the interrupt's grace ran out"));
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
