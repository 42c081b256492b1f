// deno-lint-ignore-file no-console
/**
 * Standalone Amazon Connect emulator.
 *
 *   deno task emulator --seed FILE [--port N] [--quota-scale X] [--no-quotas] [--latency-ms N]
 *
 * The first stdout line is exactly `listening on http://127.0.0.1:PORT` so a
 * parent process can read the URL; it then serves until SIGINT/SIGTERM.
 */
import { parseArgs } from "node:util";
import { FixtureError } from "../tests/emulator/fixture.ts";
import { startEmulator } from "../tests/emulator/server.ts";

const USAGE = `Usage: deno task emulator --seed FILE [options]

Runs the Amazon Connect emulator on 127.0.0.1 until interrupted.

Options:
  --seed FILE         seed fixture (JSON, the tests/fixtures format) [required]
  --port N            TCP port (default 0: pick a free one)
  --quota-scale X     multiply every per-operation rate and burst (default 1)
  --no-quotas         disable throttling
  --latency-ms N      add N ms to every AWS call (default 0)
  -h, --help          show this help

Control routes (no signing needed):
  GET  /__emulator/calls[?detail=1]   calls per operation (detail adds Throttled, Faulted)
  GET  /__emulator/throttled          quota-throttled calls per operation
  POST /__emulator/calls/reset        zero the counters
  GET  /__emulator/state              current state in the seed format
  POST /__emulator/faults             {"Operation","Error","Count"?,"ResourceId"?}
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

  let emu;
  try {
    emu = await startEmulator({
      seed: values.seed,
      port,
      quotas: !values["no-quotas"],
      quotaScale,
      latencyMs,
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
