// deno-lint-ignore-file no-console
/**
 * deno task bench [--n 1000] [--queues 25] [--quota-scale 1] [--latency-ms 40]
 *                 [--memory-n 10000] [--links-n 100] [--lag-ms 0] [--skip-baseline] [--json]
 *
 * Seeds the emulator with a source instance of N quick connects (plus users, queues, flows
 * and queue links in realistic numbers) and an empty target, runs it at Connect's default
 * quotas (scaled by --quota-scale) with a per-call latency, and runs side by side:
 *   export (Search) · export (List + Describe fallback) · a guide-style baseline (List, then
 *   Describe and ListTagsForResource one by one) · import into the empty target · the same
 *   import again (everything skipped).
 *   Also: an import with links at --links-n (a typical instance: 84% USER/QUEUE/PHONE_NUMBER,
 *   16% FLOW, 26 queues, ~300 links), and with --lag-ms an import of N into a target that
 *   lists changes only after that lag (eventual consistency).
 * For each run: calls per operation, wall time, the quota floor (Σ over operations of
 * (calls − burst) ÷ rate: every operation one after the other), the busiest bucket (the
 * largest single (calls − burst) ÷ rate: the physical floor when operations overlap) and
 * the latency floor (Σ calls × latency ÷ calls in flight); the larger of quota and
 * latency floor is the run's floor. The CLIs run as subprocesses under the binaries' permissions,
 * and their peak RSS comes from GNU time (`%M`, MiB). --memory-n runs export and import
 * (with --report) once more at that size, quotas off, on a rich fixture (memorySeed: a
 * description and five tags on every quick connect, the four types, 50 links on every
 * queue) to measure peak memory, with the RSS after each phase (--verbose DEBUG lines);
 * the target is 120 MiB at N = 10,000.
 */
import { parseArgs } from "node:util";
import {
  ConnectClient,
  DescribeQuickConnectCommand,
  ListTagsForResourceCommand,
  paginateListQuickConnects,
} from "@aws-sdk/client-connect";
import { createConnectClient } from "../lib/aws/client.ts";
import { quotaFor, RateLimiter } from "../lib/aws/limiter.ts";
import { MigrationRetryStrategy } from "../lib/aws/retry.ts";
import { type Emulator, startEmulator } from "../emulator/testing.ts";
import { migrationFixture } from "../tests/support/generate.ts";
import { denoRunArgs, type Entrypoint } from "./permissions.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/** Calls a run keeps in flight per operation (lib/export.ts and lib/inventory.ts pools). */
const IN_FLIGHT: Record<string, number> = { DescribeQuickConnect: 4, ListQueueQuickConnects: 4 };

interface RunResult {
  name: string;
  exitCode: number;
  /** The whole process, Deno start-up included. */
  wallSeconds: number;
  /** From the run's first log line to its last: the work, without start-up (~0.3 s). */
  workSeconds: number;
  calls: Record<string, number>;
  totalCalls: number;
  throttled: number;
  quotaFloorSeconds: number;
  /** The busiest single bucket: no schedule can beat it. */
  busiestSeconds: number;
  busiestOperation: string;
  latencyFloorSeconds: number;
  floorSeconds: number;
  bound: "quota" | "latency";
  ratioToFloor: number;
  peakRssMb?: number;
}

function floors(calls: Record<string, number>, scale: number, latencyMs: number) {
  let quota = 0;
  let latency = 0;
  let busiest = 0;
  let busiestOperation = "-";
  for (const [op, n] of Object.entries(calls)) {
    const q = quotaFor(op, scale);
    const t = Math.max(0, n - q.burst) / q.rate;
    quota += t;
    if (t > busiest) [busiest, busiestOperation] = [t, op];
    latency += n * latencyMs / 1000 / (IN_FLIGHT[op] ?? 1);
  }
  return { quota, latency, busiest, busiestOperation };
}

/** Seconds between the first and the last line of a log in the seed format. */
async function logSpan(path: string): Promise<number | undefined> {
  const stamps = (await Deno.readTextFile(path).catch(() => "")).split("\n")
    .map((l) => /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d),(\d{3}) - /.exec(l))
    .filter((m) => m !== null)
    .map((m) => {
      const [y = 0, mo = 1, d = 0, h = 0, mi = 0, sec = 0, ms = 0] = m.slice(1).map(Number);
      return new Date(y, mo - 1, d, h, mi, sec, ms).getTime();
    });
  const first = stamps[0];
  const last = stamps.at(-1);
  return first !== undefined && last !== undefined ? (last - first) / 1000 : undefined;
}

const GNU_TIME = "/usr/bin/time";

/**
 * Runs an entrypoint as the binary would run. Its peak RSS comes from GNU time's `%M`
 * (Deno lets a process read /proc/PID/status only with --allow-all); without
 * /usr/bin/time it is not measured.
 */
async function cli(entry: Entrypoint, args: string[], cwd: string, scale: number) {
  const hasTime = await Deno.stat(GNU_TIME).then(() => true, () => false);
  const deno = [Deno.execPath(), ...denoRunArgs(entry, args, ROOT)];
  const argv = hasTime ? [GNU_TIME, "-f", "__PEAK_RSS_KB=%M", ...deno] : deno;
  const out = await new Deno.Command(argv[0] ?? "", {
    args: argv.slice(1),
    cwd,
    env: {
      AWS_ACCESS_KEY_ID: "AKIDBENCH",
      AWS_SECRET_ACCESS_KEY: "bench",
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_REGION: "us-east-1",
      CONNECT_QUOTA_SCALE: String(scale),
      NO_COLOR: "1",
      DENO_NO_UPDATE_CHECK: "1",
    },
    stdout: "null",
    stderr: "piped",
  }).output();
  const kb = /__PEAK_RSS_KB=(\d+)/.exec(new TextDecoder().decode(out.stderr))?.[1];
  return { code: out.code, peakRssMb: kb ? Number(kb) / 1024 : undefined };
}

async function measure(
  name: string,
  emu: Emulator,
  scale: number,
  latencyMs: number,
  body: () => Promise<{ code: number; peakRssMb?: number; workSeconds?: number }>,
): Promise<RunResult> {
  emu.resetCalls();
  const t0 = performance.now();
  const { code, peakRssMb, workSeconds: work } = await body();
  const wallSeconds = (performance.now() - t0) / 1000;
  const workSeconds = work ?? wallSeconds;
  const calls = emu.calls();
  const throttled = Object.values(emu.throttled()).reduce((a, b) => a + b, 0);
  const f = floors(calls, scale, latencyMs);
  const floorSeconds = Math.max(f.quota, f.latency);
  return {
    name,
    exitCode: code,
    wallSeconds,
    workSeconds,
    calls,
    totalCalls: Object.values(calls).reduce((a, b) => a + b, 0),
    throttled,
    quotaFloorSeconds: f.quota,
    busiestSeconds: f.busiest,
    busiestOperation: f.busiestOperation,
    latencyFloorSeconds: f.latency,
    floorSeconds,
    bound: f.quota >= f.latency ? "quota" : "latency",
    ratioToFloor: floorSeconds > 0 ? workSeconds / floorSeconds : 0,
    peakRssMb,
  };
}

/** What the seed guide's exporter does: list, then Describe and ListTagsForResource per item. */
async function baseline(client: ConnectClient, instanceId: string): Promise<number> {
  let n = 0;
  for await (const page of paginateListQuickConnects({ client }, { InstanceId: instanceId })) {
    for (const s of page.QuickConnectSummaryList ?? []) {
      const d = await client.send(
        new DescribeQuickConnectCommand({ InstanceId: instanceId, QuickConnectId: s.Id }),
      );
      await client.send(
        new ListTagsForResourceCommand({ resourceArn: d.QuickConnect?.QuickConnectARN }),
      );
      n++;
    }
  }
  return n;
}

/**
 * A user for every four quick connects, `queues` standard queues (20 by default: a
 * mid-size centre), each linked to 40 quick connects. Every queue costs the export one
 * ListQueueQuickConnects call per 100 links, a read the guide-style baseline never makes.
 */
function seedFor(n: number, queues: number) {
  return migrationFixture({
    quickConnects: n,
    users: Math.max(10, Math.round(n / 4)),
    queues,
    linksPerQueue: Math.min(n, 40),
  });
}

/**
 * The peak-memory fixture: every quick connect has a description and five tags, the four
 * types in turn, one user per four quick connects, a queue per 50 quick connects, and 50
 * links on every queue, spread so that they reach every quick connect (N links in all).
 */
function memorySeed(n: number) {
  return migrationFixture({
    quickConnects: n,
    users: Math.max(10, Math.round(n / 4)),
    queues: Math.max(1, Math.round(n / 50)),
    linksPerQueue: Math.min(n, 50),
    rich: true,
  });
}

/** The `Memory after …` DEBUG lines of a log: phase → RSS in MB. */
async function memoryPhases(path: string): Promise<Record<string, number>> {
  const text = await Deno.readTextFile(path).catch(() => "");
  return Object.fromEntries(
    [...text.matchAll(/ - DEBUG - Memory after (.+): RSS ([\d.]+) MB/g)].map((m) => [
      m[1] ?? "",
      Number(m[2]),
    ]),
  );
}

async function main() {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      n: { type: "string", default: "1000" },
      "quota-scale": { type: "string", default: "1" },
      "latency-ms": { type: "string", default: "40" },
      "memory-n": { type: "string", default: "10000" },
      queues: { type: "string", default: "25" },
      "links-n": { type: "string", default: "100" },
      "lag-ms": { type: "string", default: "0" },
      "skip-baseline": { type: "boolean" },
      json: { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log((await Deno.readTextFile(new URL(import.meta.url))).split("*/")[0]);
    return;
  }
  const n = Number(values.n);
  const scale = Number(values["quota-scale"]);
  const latencyMs = Number(values["latency-ms"]);
  const memoryN = Number(values["memory-n"]);
  const queues = Number(values.queues);
  const linksN = Number(values["links-n"]);
  const lagMs = Number(values["lag-ms"]);
  const work = await Deno.makeTempDir({ prefix: "qc-bench-" });
  const log = (m: string) => console.error(`[bench] ${m}`);

  const seed = seedFor(n, queues);
  const sourceId = seed.Instances?.[0]?.Id ?? "";
  const targetId = seed.Instances?.[1]?.Id ?? "";
  await using emu = await startEmulator({ seed, quotas: true, quotaScale: scale, latencyMs });
  const runs: RunResult[] = [];
  /** One CLI run, measured, with a log file of its own (its span is the work time). */
  const run = async (name: string, entry: Entrypoint, args: string[], on: Emulator = emu) => {
    // Connect's buckets belong to the account, so a run right after another starts with
    // the previous run's burst spent: let them refill, as between two commands by hand.
    await new Promise((r) => setTimeout(r, 3000));
    log(`${name}…`);
    const logFile = `${work}/${name.replace(/\W+/g, "-")}.log`;
    runs.push(
      await measure(name, on, scale, latencyMs, async () => {
        const r = await cli(
          entry,
          [...args, "--endpoint-url", on.url, "--log-file", logFile],
          work,
          scale,
        );
        return { ...r, workSeconds: await logSpan(logFile) };
      }),
    );
  };

  log(`N=${n}, ${queues} queues, quota scale ${scale}, latency ${latencyMs} ms, files in ${work}`);
  await run("export (Search)", "export", [
    "--instance-id",
    sourceId,
    "--output",
    `${work}/export.json`,
  ]);
  emu.addFault({ Operation: "SearchQuickConnects", Error: "AccessDeniedException", Count: -1 });
  await run("export (List+Describe)", "export", [
    "--instance-id",
    sourceId,
    "--output",
    `${work}/export-fallback.json`,
  ]);
  emu.clearFaults();
  if (!values["skip-baseline"]) {
    log("guide-style baseline (Describe + ListTagsForResource per item)…");
    const client = createConnectClient({
      region: "us-east-1",
      endpoint: emu.url,
      credentials: () => Promise.resolve({ accessKeyId: "AKIDBENCH", secretAccessKey: "bench" }),
      limiter: new RateLimiter({ scale }),
      retryStrategy: new MigrationRetryStrategy(),
    });
    runs.push(
      await measure("baseline (guide)", emu, scale, latencyMs, async () => {
        const got = await baseline(client, sourceId);
        return { code: got === n ? 0 : 1 };
      }),
    );
  }
  const importArgs = (report: string) => [
    "--instance-id",
    targetId,
    "--export-file",
    `${work}/export.json`,
    "--report",
    `${work}/${report}`,
  ];
  await run("import (empty target)", "import", importArgs("report.json"));
  await run("import (re-run)", "import", importArgs("report-rerun.json"));
  const rerun = JSON.parse(await Deno.readTextFile(`${work}/report-rerun.json`).catch(() => "{}"));

  // A typical instance (about 100 quick connects, the default quota), links and all.
  if (linksN > 0) {
    const typical = migrationFixture({
      quickConnects: linksN,
      users: Math.max(10, Math.round(linksN / 4)),
      queues: 26,
      linksPerQueue: 12,
      flowShare: 0.16,
    });
    await using small = await startEmulator({
      seed: typical,
      quotas: true,
      quotaScale: scale,
      latencyMs,
    });
    const [src, tgt] = [typical.Instances?.[0]?.Id ?? "", typical.Instances?.[1]?.Id ?? ""];
    await run("export (typical)", "export", [
      "--instance-id",
      src,
      "--output",
      `${work}/typical.json`,
    ], small);
    runs.pop(); // only there to make the file
    await run(`import with links (N=${linksN})`, "import", [
      "--instance-id",
      tgt,
      "--export-file",
      `${work}/typical.json`,
    ], small);
  }
  // The same N into a target that lists changes only after a lag.
  if (lagMs > 0) {
    await using lagged = await startEmulator({
      seed,
      quotas: true,
      quotaScale: scale,
      latencyMs,
      consistencyLagMs: lagMs,
    });
    await run(`import (lag ${lagMs} ms)`, "import", [
      ...importArgs("report-lag.json"),
      "--consistency-wait",
      String(Math.ceil(lagMs / 1000) * 4),
    ], lagged);
  }
  const targetCount = emu.state().Instances.find((i) => i.Id === targetId)?.QuickConnects.length ??
    0;

  let memory:
    | {
      n: number;
      exportPeakMb?: number;
      importPeakMb?: number;
      exportPhases: Record<string, number>;
      importPhases: Record<string, number>;
    }
    | undefined;
  if (memoryN > 0) {
    log(`peak memory at N=${memoryN} (rich fixture, quotas off)…`);
    const big = memorySeed(memoryN);
    await using memEmu = await startEmulator({ seed: big, quotas: false });
    const args = (name: string) => [
      "--endpoint-url",
      memEmu.url,
      "--log-file",
      `${work}/${name}.log`,
      "--verbose",
    ];
    const e = await cli(
      "export",
      [
        "--instance-id",
        big.Instances?.[0]?.Id ?? "",
        "--output",
        `${work}/big.json`,
        ...args("memory-export"),
      ],
      work,
      1000,
    );
    const i = await cli(
      "import",
      [
        "--instance-id",
        big.Instances?.[1]?.Id ?? "",
        "--export-file",
        `${work}/big.json`,
        "--report",
        `${work}/big-report.json`,
        ...args("memory-import"),
      ],
      work,
      1000,
    );
    memory = {
      n: memoryN,
      exportPeakMb: e.peakRssMb,
      importPeakMb: i.peakRssMb,
      exportPhases: await memoryPhases(`${work}/memory-export.log`),
      importPhases: await memoryPhases(`${work}/memory-import.log`),
    };
    if (e.code !== 0 || i.code !== 0) {
      log(`memory run exit codes: export ${e.code}, import ${i.code}`);
    }
  }

  const get = (name: string) => runs.find((r) => r.name === name);
  const search = get("export (Search)");
  const base = get("baseline (guide)");
  const timed = runs.filter((r) => r.name !== "baseline (guide)");
  const targets = {
    callReduction: search && base ? base.totalCalls / search.totalCalls : undefined,
    callReductionMet: search && base ? base.totalCalls / search.totalCalls >= 50 : undefined,
    workWithin1_2xFloor: timed.every((r) => r.ratioToFloor <= 1.2),
    importsWithin1_1xBusiestBucket: timed.filter((r) =>
      r.name.startsWith("import") && r.busiestSeconds > 5
    )
      .every((r) => r.workSeconds / r.busiestSeconds <= 1.1),
    zeroThrottlingFailures: runs.every((r) => r.exitCode === 0),
    rerunAllSkipped: rerun?.Summary?.Created === 0 && rerun?.Summary?.Failed === 0,
    targetComplete: targetCount === n,
    peakMemoryWithin120MiB: memory
      ? Math.max(memory.exportPeakMb ?? Infinity, memory.importPeakMb ?? Infinity) <= 120
      : undefined,
  };

  const fmt = (x: number, d = 1) => x.toFixed(d);
  console.log(
    `\nN=${n} quick connects · ${queues} queues · quota scale ${scale} · latency ${latencyMs} ms\n`,
  );
  console.log(
    [
      "run".padEnd(28),
      "exit",
      "calls".padStart(6),
      "429s".padStart(5),
      "wall s".padStart(8),
      "work s".padStart(8),
      "floor s".padStart(8),
      "bound".padStart(8),
      "work/floor".padStart(10),
      "busiest s".padStart(9),
      "work/busiest".padStart(12),
      "peak MB".padStart(8),
    ].join(" "),
  );
  for (const r of runs) {
    console.log(
      [
        r.name.padEnd(28),
        String(r.exitCode).padStart(4),
        String(r.totalCalls).padStart(6),
        String(r.throttled).padStart(5),
        fmt(r.wallSeconds).padStart(8),
        fmt(r.workSeconds).padStart(8),
        fmt(r.floorSeconds).padStart(8),
        r.bound.padStart(8),
        fmt(r.ratioToFloor, 2).padStart(10),
        fmt(r.busiestSeconds).padStart(9),
        (r.busiestSeconds > 0 ? fmt(r.workSeconds / r.busiestSeconds, 2) : "-").padStart(12),
        (r.peakRssMb ? fmt(r.peakRssMb) : "-").padStart(8),
      ].join(" "),
    );
  }
  console.log("\ncalls per operation:");
  for (const r of runs) {
    console.log(`  ${r.name}: ${Object.entries(r.calls).map(([k, v]) => `${k}=${v}`).join(" ")}`);
  }
  if (memory) {
    console.log(
      `\npeak RSS at N=${memory.n} (rich fixture): export ${
        fmt(memory.exportPeakMb ?? NaN)
      } MiB, import ${fmt(memory.importPeakMb ?? NaN)} MiB (with --report)`,
    );
    const phases = (p: Record<string, number>) =>
      Object.entries(p).map(([k, v]) => `${k} ${fmt(v)}`).join(" · ");
    console.log(`  export RSS after: ${phases(memory.exportPhases)}`);
    console.log(`  import RSS after: ${phases(memory.importPhases)}`);
  }
  console.log("\ntargets:");
  for (const [k, v] of Object.entries(targets)) {
    console.log(`  ${k}: ${typeof v === "number" ? fmt(v) : v}`);
  }
  if (values.json) {
    console.log(JSON.stringify({ n, queues, quotaScale: scale, latencyMs, runs, memory, targets }));
  }
}

if (import.meta.main) await main();
