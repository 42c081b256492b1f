/**
 * The emulator's HTTP server: AWS routes, control routes, counters, faults.
 *
 * emulator/ is a product of its own (`deno task emulator`, the demo, the bench and the
 * binaries' smoke test run on it), so it sits beside lib/ rather than inside tests/;
 * lib/ never imports it. Its tests stay in tests/ with all the others, by choice: one
 * test tree, one `deno task test`.
 *
 * It runs on `node:http` rather than `Deno.serve` for one reason: a
 * ConnectionReset fault must lose the response after the call was applied,
 * and `socket.destroy()` before any byte is written gives the client a true
 * ECONNRESET ("socket hang up") that the AWS SDK retries. With Deno.serve the
 * closest is erroring the body stream after a 200 status line was sent.
 *
 * Per AWS call, in order: route match (404 UnknownOperationException if none)
 * → count and log → SigV4 check → latency → throttle → fault → handler.
 */
import http from "node:http";
import { CallLog, type CallLogEntry, resourceNamed } from "./call_log.ts";
import { ApiError, serialization } from "./errors.ts";
import { type FaultInput, FaultRegistry, FaultSchema } from "./faults.ts";
import type { Fixture, FixtureInput } from "./fixture.ts";
import { loadFixture } from "./fixture.ts";
import { type ContactFlowType, DEFAULT_FLOW_QUICK_CONNECT_FLOW_TYPE } from "./model.ts";
import { type QuotaOverride, Throttler } from "./quotas.ts";
import { type Call, matchRoute, type Modes, UNIT } from "./routes.ts";
import { checkSigV4 } from "./sigv4.ts";
import { EmulatorState } from "./state.ts";
import type { Json } from "./validate.ts";

export interface EmulatorOptions {
  /** A fixture object (validated), or a path to a fixture JSON file. */
  seed: FixtureInput | Fixture | string;
  /** Enforce the per-operation token buckets (default true). */
  quotas?: boolean;
  /** Multiplies every default rate and burst (default 1); overrides are not scaled. */
  quotaScale?: number;
  /**
   * Per-operation buckets instead of the defaults, e.g.
   * `{ CreateQuickConnect: { rate: 1, burst: 2 } }` (burst defaults to max(1, rate)).
   * Absolute: quotaScale does not touch them, and they apply even with quotas off.
   * An unknown operation or a bad number throws RangeError.
   */
  quotaOverrides?: Record<string, QuotaOverride>;
  /**
   * Eventual consistency (default 0): for this many ms after a quick connect is
   * created, renamed or reconfigured, Search/List/ListQueueQuickConnects miss it
   * (created) or show its previous version (updated), and calls naming a created
   * one by ID get ResourceNotFoundException; a new queue link is listed only
   * after it. Names stay unique at once. See state.ts.
   */
  consistencyLagMs?: number;
  /** SearchQuickConnects results carry no `Tags` (DescribeQuickConnect still does). */
  searchOmitsTags?: boolean;
  /** DeleteQuickConnect refuses a quick connect still linked to a queue (default: unlinks it). */
  deleteRefusesLinked?: boolean;
  /**
   * The flow type a FLOW quick connect's flow must have, or "ANY" (default CONTACT_FLOW,
   * our reading of an unverified rule: model.ts DEFAULT_FLOW_QUICK_CONNECT_FLOW_TYPE).
   */
  flowQuickConnectFlowType?: ContactFlowType | "ANY";
  /** A quick connect may not name an ARCHIVED flow (default: it may; unverified). */
  refusesArchivedFlows?: boolean;
  /** Quick connect names are unique regardless of case (default: case tells them apart). */
  namesIgnoreCase?: boolean;
  /** Delay added to every AWS call, in milliseconds (default 0). */
  latencyMs?: number;
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
}

export type Counts = Record<string, number>;

export interface Emulator {
  /** `http://127.0.0.1:PORT`, for a client's `endpoint`. */
  readonly url: string;
  readonly port: number;
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
  /** AWS calls per operation, including throttled and faulted ones. */
  calls(): Counts;
  /** Calls per operation answered with the emulator's own ThrottlingException (quota). */
  throttled(): Counts;
  /** Calls per operation that hit an injected fault. */
  faulted(): Counts;
  /** AWS calls answered so far, in order of arrival (the newest 100,000). */
  callLog(): CallLogEntry[];
  /** Zeroes calls, throttled and faulted counts, and empties the call log. */
  resetCalls(): void;
  /** The current state in the seed fixture format (IDs filled in). */
  state(): Fixture;
  addFault(fault: FaultInput): void;
  clearFaults(): void;
  /** See EmulatorState.putUnvalidatedQuickConnect (in-process tests only). */
  putUnvalidatedQuickConnect: EmulatorState["putUnvalidatedQuickConnect"];
  [Symbol.asyncDispose](): Promise<void>;
}

function bump(counts: Counts, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  extra: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": String(new TextEncoder().encode(text).length),
    "x-amzn-RequestId": crypto.randomUUID(),
    ...extra,
  });
  res.end(text);
}

/** A `smithy.api#Unit` output: 200 with no body and no Content-Type (restJson1). */
function sendEmpty(res: http.ServerResponse): void {
  res.writeHead(200, { "Content-Length": "0", "x-amzn-RequestId": crypto.randomUUID() });
  res.end();
}

function sendError(res: http.ServerResponse, err: ApiError): void {
  sendJson(res, err.status, { Message: err.message, message: err.message }, {
    "X-Amzn-ErrorType": err.type,
  });
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    req.on("data", (c: Uint8Array) => chunks.push(c));
    req.on("end", () => {
      const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let off = 0;
      for (const c of chunks) {
        all.set(c, off);
        off += c.length;
      }
      resolve(new TextDecoder().decode(all));
    });
    req.on("error", reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts an emulator on 127.0.0.1. */
export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const lagMs = options.consistencyLagMs ?? 0;
  if (!Number.isFinite(lagMs) || lagMs < 0) {
    throw new RangeError(`consistencyLagMs must be a number >= 0, got ${lagMs}`);
  }
  const throttler = new Throttler({
    enabled: options.quotas ?? true,
    scale: options.quotaScale ?? 1,
    overrides: options.quotaOverrides,
  });
  const fixture = typeof options.seed === "string" ? await loadFixture(options.seed) : options.seed;
  const state = EmulatorState.fromFixture(fixture, { lagMs });
  const modes: Modes = {
    searchOmitsTags: options.searchOmitsTags ?? false,
    deleteRefusesLinked: options.deleteRefusesLinked ?? false,
    flowQuickConnectFlowType: options.flowQuickConnectFlowType ??
      DEFAULT_FLOW_QUICK_CONNECT_FLOW_TYPE,
    refusesArchivedFlows: options.refusesArchivedFlows ?? false,
    namesIgnoreCase: options.namesIgnoreCase ?? false,
  };
  const latencyMs = options.latencyMs ?? 0;
  const faults = new FaultRegistry();
  let calls: Counts = {};
  let throttledCounts: Counts = {};
  let faultedCounts: Counts = {};
  const log = new CallLog();
  const resetCalls = () => {
    calls = {};
    throttledCounts = {};
    faultedCounts = {};
    log.clear();
  };

  async function handleControl(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
  ): Promise<void> {
    const route = `${req.method} ${url.pathname}`;
    const text = await readBody(req);
    switch (route) {
      case "GET /__emulator/calls":
        return sendJson(
          res,
          200,
          url.searchParams.get("detail") === "1"
            ? { Calls: calls, Throttled: throttledCounts, Faulted: faultedCounts }
            : calls,
        );
      case "GET /__emulator/throttled":
        return sendJson(res, 200, throttledCounts);
      case "GET /__emulator/log":
        return sendJson(res, 200, log.entries());
      case "POST /__emulator/calls/reset":
        resetCalls();
        return sendJson(res, 200, {});
      case "GET /__emulator/state":
        return sendJson(res, 200, state.toFixture());
      case "GET /__emulator/faults":
        return sendJson(res, 200, faults.list());
      case "POST /__emulator/faults": {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          return sendJson(res, 400, { Message: "body is not JSON" });
        }
        const result = FaultSchema.safeParse(parsed);
        if (!result.success) {
          return sendJson(res, 400, { Message: result.error.message });
        }
        return sendJson(res, 200, faults.add(result.data));
      }
      case "DELETE /__emulator/faults":
        faults.clear();
        return sendJson(res, 200, {});
      default:
        return sendJson(res, 404, { Message: `unknown control route ${route}` });
    }
  }

  async function handleAws(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
  ): Promise<void> {
    const text = await readBody(req);
    const match = matchRoute(req.method ?? "", url.pathname);
    if (!match) {
      bump(calls, "UnknownOperation");
      log.arrive("UnknownOperation").status = 404;
      return sendError(
        res,
        new ApiError(
          "UnknownOperationException",
          404,
          `No route for ${req.method} ${url.pathname}`,
        ),
      );
    }
    const operation = match.route.operation;
    bump(calls, operation);
    const entry = log.arrive(operation, resourceNamed(match.labels, text));
    let reset = false;
    let holdMs = 0;
    try {
      const scope = checkSigV4(req.headers.authorization);
      if (latencyMs > 0) await sleep(latencyMs);
      if (!throttler.allow(scope.region, operation)) {
        bump(throttledCounts, operation);
        throw new ApiError("ThrottlingException", 429, "Rate exceeded");
      }
      const requestText = `${Object.values(match.labels).join("\n")}\n${text}`;
      const fault = faults.take(operation, requestText);
      if (fault) bump(faultedCounts, operation);
      if (fault?.kind === "error") throw fault.error;
      reset = fault?.kind === "reset";
      if (fault?.kind === "slow") holdMs = fault.ms;
      let body: Json = {};
      if (text.trim() !== "") {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          throw serialization("The request body is not valid JSON.");
        }
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
          throw serialization("The request body must be a JSON object.");
        }
        body = parsed as Json;
      }
      const call: Call = {
        operation,
        labels: match.labels,
        query: url.searchParams,
        body,
        region: scope.region,
        state,
        modes,
      };
      const out = match.route.handler(call);
      if (operation === "CreateQuickConnect" && out !== UNIT) {
        entry.resource = String(out.QuickConnectId);
      }
      entry.status = reset ? 0 : 200;
      if (reset) return void req.socket.destroy();
      if (await heldTooLong(holdMs)) return;
      if (out === UNIT) sendEmpty(res);
      else sendJson(res, 200, out);
    } catch (e) {
      const err = e instanceof ApiError
        ? e
        : new ApiError("InternalServiceException", 500, String(e));
      // A lost response is lost whether or not the call succeeded.
      entry.status = reset ? 0 : err.status;
      if (reset) return void req.socket.destroy();
      if (await heldTooLong(holdMs)) return;
      sendError(res, err);
    }

    /** A SlowAnswer holds the answer, error or not; a client that gave up meanwhile gets none. */
    async function heldTooLong(ms: number): Promise<boolean> {
      if (ms === 0) return false;
      await sleep(ms);
      return req.socket.destroyed;
    }
  }

  const server = http.createServer((req, res) => {
    // Prefixed rather than resolved against a base: a path starting with `//`
    // must stay a path, not become a protocol-relative URL naming a host.
    const target = req.url ?? "/";
    const url = new URL(`http://127.0.0.1${target.startsWith("/") ? "" : "/"}${target}`);
    const work = url.pathname.startsWith("/__emulator/")
      ? handleControl(req, res, url)
      : handleAws(req, res, url);
    work.catch((e) => {
      if (!res.headersSent) sendJson(res, 500, { Message: String(e) });
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr !== null ? addr.port : 0;
  let closed: Promise<void> | undefined;

  const close = () => {
    closed ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closed;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close,
    calls: () => ({ ...calls }),
    throttled: () => ({ ...throttledCounts }),
    faulted: () => ({ ...faultedCounts }),
    callLog: () => log.entries(),
    resetCalls,
    state: () => state.toFixture(),
    addFault: (f) => void faults.add(f),
    clearFaults: () => faults.clear(),
    putUnvalidatedQuickConnect: (id, qc) => state.putUnvalidatedQuickConnect(id, qc),
    [Symbol.asyncDispose]: close,
  };
}
