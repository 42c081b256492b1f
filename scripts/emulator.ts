// deno-lint-ignore-file no-console
/**
 * Standalone Amazon Connect emulator.
 *
 *   deno task emulator --seed FILE [--port N] [--quota-scale X] [--no-quotas] [--latency-ms N]
 *     [--quota OPERATION=RATE[/BURST]]… [--consistency-lag-ms N] [--search-omits-tags]
 *     [--delete-refuses-linked] [--flow-quick-connect-flow-type TYPE|ANY]
 *     [--refuse-archived-flows]
 *     [--names-ignore-case]
 *
 * The first stdout line is exactly `listening on http://127.0.0.1:PORT` so a
 * parent process can read the URL; it then serves until SIGINT/SIGTERM.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { baseDir } from "../lib/cli/paths.ts";
import { FixtureError } from "../emulator/fixture.ts";
import { CONTACT_FLOW_TYPES } from "../emulator/model.ts";
import { parseQuotaOverride, type Quota } from "../emulator/quotas.ts";
import { startEmulator } from "../emulator/server.ts";

const USAGE = `Usage: deno task emulator --seed FILE [options]

Runs the Amazon Connect emulator on 127.0.0.1 until interrupted.

Options:
  --seed FILE         seed fixture (JSON, the tests/fixtures format) [required]
  --port N            TCP port (default 0: pick a free one)
  --quota-scale X     multiply every default per-operation rate and burst (default 1)
  --no-quotas         disable the default per-operation buckets (--quota ones still apply)
  --quota OP=RATE[/BURST]
                      give one operation its own bucket: RATE calls/s (> 0), BURST
                      (>= 1; default max(1, RATE)), e.g. CreateQuickConnect=1/2;
                      not scaled by --quota-scale; repeatable, once per operation
  --latency-ms N      add N ms to every AWS call (default 0)
  --consistency-lag-ms N
                      eventual consistency: for N ms after a quick connect is created,
                      renamed or reconfigured, Search/ListQuickConnects/
                      ListQueueQuickConnects miss it (created) or show its previous
                      version (updated), and calls naming a new one by ID get
                      ResourceNotFoundException; a new queue link is listed only N ms
                      later; a taken name is refused at once (default 0)
  --search-omits-tags SearchQuickConnects results carry no Tags (Describe still does)
  --delete-refuses-linked  DeleteQuickConnect refuses a quick connect linked to a queue
  --flow-quick-connect-flow-type TYPE
                      the flow type a FLOW quick connect's flow must have (a
                      ContactFlowType, or ANY for no check; default CONTACT_FLOW)
  --refuse-archived-flows  a quick connect may not name an ARCHIVED flow
  --names-ignore-case quick connect names are unique regardless of case
  -h, --help          show this help

Control routes (no signing needed):
  GET  /__emulator/calls[?detail=1]   calls per operation (detail adds Throttled, Faulted)
  GET  /__emulator/throttled          quota-throttled calls per operation
  GET  /__emulator/log                answered calls in order of arrival (newest 100,000):
                                      [{"seq","at" (ms since start),"operation","status",
                                      "resource"?}], status 0 = response lost on purpose
  POST /__emulator/calls/reset        zero the counters and empty the log
  GET  /__emulator/state              current state in the seed format
  POST /__emulator/faults             {"Operation","Error","Count"?,"ResourceId"?,"DelayMs"?};
                                      Error is ThrottlingException, TooManyRequestsException,
                                      InternalServiceException, AccessDeniedException,
                                      ConnectionReset or SlowAnswer (applied, answer held
                                      DelayMs, default 40000)
  DELETE /__emulator/faults           clear faults
`;

function usageError(message: string): never {
  console.error(`error: ${message}\n\n${USAGE}`);
  Deno.exit(2);
}

function num(name: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) {
    usageError(`--${name} must be a number >= ${min}, got ${raw}`);
  }
  return n;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: Deno.args,
      options: {
        seed: { type: "string" },
        port: { type: "string" },
        "quota-scale": { type: "string" },
        "no-quotas": { type: "boolean" },
        "latency-ms": { type: "string" },
        quota: { type: "string", multiple: true },
        "consistency-lag-ms": { type: "string" },
        "search-omits-tags": { type: "boolean" },
        "delete-refuses-linked": { type: "boolean" },
        "flow-quick-connect-flow-type": { type: "string" },
        "refuse-archived-flows": { type: "boolean" },
        "names-ignore-case": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    usageError(e instanceof Error ? e.message : String(e));
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.seed) usageError("--seed FILE is required");
  const port = num("port", values.port, 0);
  if (port !== undefined && (!Number.isInteger(port) || port > 65535)) {
    usageError(`--port must be an integer 0-65535, got ${values.port}`);
  }
  const quotaScale = num("quota-scale", values["quota-scale"], Number.MIN_VALUE);
  const latencyMs = num("latency-ms", values["latency-ms"], 0);
  const consistencyLagMs = num("consistency-lag-ms", values["consistency-lag-ms"], 0);
  const flowTypeText = values["flow-quick-connect-flow-type"];
  const flowTypes = [...CONTACT_FLOW_TYPES, "ANY" as const];
  const flowType = flowTypes.find((t) => t === flowTypeText);
  if (flowTypeText !== undefined && flowType === undefined) {
    usageError(
      `--flow-quick-connect-flow-type must be one of ${flowTypes.join(", ")}, got ${flowTypeText}`,
    );
  }
  const quotaOverrides: Record<string, Quota> = {};
  for (const text of values.quota ?? []) {
    let parsed: [string, Quota];
    try {
      parsed = parseQuotaOverride(text);
    } catch (e) {
      usageError(`--quota ${e instanceof Error ? e.message : String(e)}`);
    }
    const [operation, quota] = parsed;
    if (Object.hasOwn(quotaOverrides, operation)) {
      usageError(`--quota ${operation} is given more than once`);
    }
    quotaOverrides[operation] = quota;
  }

  let emu;
  try {
    emu = await startEmulator({
      // `deno task` runs in the repository root: a relative seed is the caller's (as export's).
      seed: resolve(
        baseDir({ env: Deno.env.toObject(), cwd: Deno.cwd(), execPath: "" }),
        values.seed,
      ),
      port,
      quotas: !values["no-quotas"],
      quotaScale,
      quotaOverrides,
      latencyMs,
      consistencyLagMs,
      searchOmitsTags: values["search-omits-tags"] ?? false,
      deleteRefusesLinked: values["delete-refuses-linked"] ?? false,
      flowQuickConnectFlowType: flowType,
      refusesArchivedFlows: values["refuse-archived-flows"] ?? false,
      namesIgnoreCase: values["names-ignore-case"] ?? false,
    });
  } catch (e) {
    if (e instanceof FixtureError) {
      console.error(`error: ${e.message}`);
      Deno.exit(2);
    }
    throw e;
  }
  console.log(`listening on ${emu.url}`);

  const stop = async () => {
    await emu.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}

await main();
