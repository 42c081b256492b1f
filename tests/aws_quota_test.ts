/**
 * Quotas that are not the defaults, and retries as docs/reference.md documents them: adaptive
 * limiter against an emulator whose CreateQuickConnect quota is lower than the default,
 * CONNECT_QUOTA_SCALE against one whose quotas are raised, the attempts each kind of failure
 * gets, the DEBUG lines of --verbose, and the warning of a call stalled on its quota.
 */
import assert from "node:assert/strict";
import { ListUsersCommand } from "@aws-sdk/client-connect";
import { createConnectClient } from "../lib/aws/client.ts";
import { type AwsLog, RateLimiter } from "../lib/aws/limiter.ts";
import { MAX_ATTEMPTS, MigrationRetryStrategy, TRANSIENT_ATTEMPTS } from "../lib/aws/retry.ts";
import {
  awsFailure,
  type CallLogEntry,
  type Emulator,
  type FixtureInput,
  startEmulator,
} from "../emulator/testing.ts";
import { cliCommand, Lines, runCli } from "./support/cli.ts";
import { linesExport } from "./support/lines.ts";

const TARGET = "00000000-0000-4000-8000-0000000000ee";
const SEED: FixtureInput = {
  Instances: [{ Id: TARGET, Alias: "target", Region: "us-east-1", AccountId: "123456789012" }],
};

async function workdir(n: number): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "aws_quota_" });
  const file = linesExport(n, { queues: false });
  await Deno.writeTextFile(`${dir}/export.json`, JSON.stringify(file));
  return dir;
}

const importArgs = (emu: Emulator, ...more: string[]) => [
  "--instance-id",
  TARGET,
  "--export-file",
  "export.json",
  "--endpoint-url",
  emu.url,
  ...more,
];

const created = (emu: Emulator) =>
  emu.state().Instances.find((i) => i.Id === TARGET)?.QuickConnects.length ?? 0;

/** Milliseconds from the first to the last call of `operation` in the emulator's log. */
function span(log: CallLogEntry[], operation: string): number {
  const at = log.filter((e) => e.operation === operation).map((e) => e.at);
  return Math.max(...at) - Math.min(...at);
}

/** A log that keeps its lines; `lastWrite` as a logger without --verbose would report. */
function memoryLog(): AwsLog & { lines: string[] } {
  const lines: string[] = [];
  let last = performance.now();
  const at = (level: string, keep: boolean) => (m: string) => {
    lines.push(`${level} - ${m}`);
    if (keep) last = performance.now();
  };
  return {
    lines,
    debug: at("DEBUG", false),
    info: at("INFO", true),
    warning: at("WARNING", true),
    lastWrite: () => last,
  };
}

const fastClient = (emu: Emulator, opts: { limiter?: RateLimiter; log?: AwsLog } = {}) =>
  createConnectClient({
    region: "us-east-1",
    endpoint: emu.url,
    credentials: () => Promise.resolve({ accessKeyId: "AKIDTEST", secretAccessKey: "secret" }),
    retryStrategy: new MigrationRetryStrategy({ delay: () => 0 }),
    limiter: opts.limiter,
    log: opts.log,
  });

Deno.test("a CreateQuickConnect quota of 1/s burst 2: default pacing creates everything with a handful of 429s, --verbose says why", async () => {
  await using emu = await startEmulator({
    seed: SEED,
    quotaOverrides: { CreateQuickConnect: { rate: 1, burst: 2 } },
  });
  const dir = await workdir(10);
  const r = await runCli("import", importArgs(emu, "--verbose"), dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(created(emu), 10);
  // The client starts at 1.94/s burst 4: the third create is throttled, the limiter halves
  // CreateQuickConnect's rate, and the rest go through. Without adaptation (measured):
  // about one 429 per create after the burst, 8 or 9 here.
  const throttled = emu.throttled().CreateQuickConnect ?? 0;
  assert.ok(throttled >= 1 && throttled <= 3, `429s: ${throttled}\n${r.stderr}`);
  assert.deepEqual(Object.keys(emu.throttled()), ["CreateQuickConnect"], "only that operation");
  assert.match(
    r.stderr,
    / - INFO - Connect throttled CreateQuickConnect \(ThrottlingException\): pacing it at 0\.97 calls\/s, down from 1\.94\n/,
  );
  assert.match(
    r.stderr,
    / - DEBUG - Retrying CreateQuickConnect after ThrottlingException \(HTTP 429\): attempt 2\/10 in \d+\.\d s\n/,
  );
});

Deno.test("CONNECT_QUOTA_SCALE speeds an import up against raised quotas, still without 429s", async () => {
  const spans: number[] = [];
  for (const env of [{}, { CONNECT_QUOTA_SCALE: "5" }] as Record<string, string>[]) {
    await using emu = await startEmulator({ seed: SEED, quotaScale: 5 });
    const dir = await workdir(12);
    const r = await runCli("import", importArgs(emu), dir, env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(created(emu), 12);
    assert.deepEqual(emu.throttled(), {});
    spans.push(span(emu.callLog(), "CreateQuickConnect"));
  }
  const [plain = 0, scaled = 0] = spans;
  // Default pacing: a burst of 4, then 8 creates at 1.94/s (≈ 4.1 s). Scaled: one burst.
  assert.ok(plain > 3500, `default pacing took ${plain} ms`);
  assert.ok(scaled < plain / 4, `scaled ${scaled} ms vs default ${plain} ms`);
});

Deno.test("a bad CONNECT_QUOTA_SCALE is exit 2 with what is wrong and an example, before any call", async () => {
  await using emu = await startEmulator({ seed: SEED });
  const dir = await workdir(1);
  for (const bad of ["abc", "0", "-1"]) {
    const r = await runCli("import", importArgs(emu), dir, { CONNECT_QUOTA_SCALE: bad });
    assert.equal(r.code, 2, bad);
    assert.equal(
      r.stderr.split("\n")[0],
      `error: Invalid CONNECT_QUOTA_SCALE "${bad}": expected a positive number such as 2 (your quotas are twice the defaults)`,
    );
  }
  assert.deepEqual(emu.calls(), {});
});

Deno.test("the limiter adapts per operation to both throttling names, and recovers slowly", async () => {
  await using emu = await startEmulator({ seed: SEED, quotas: false });
  const limiter = new RateLimiter({ scale: 100 });
  const client = fastClient(emu, { limiter });
  const list = () => client.send(new ListUsersCommand({ InstanceId: TARGET }));
  const q = limiter.rate("ListUsers");
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} != ${b}`);
  emu.addFault({ Operation: "ListUsers", Error: "TooManyRequestsException", Count: 1 });
  await list();
  close(limiter.rate("ListUsers"), q / 2);
  emu.addFault({ Operation: "ListUsers", Error: "ThrottlingException", Count: 1 });
  await list();
  close(limiter.rate("ListUsers"), q / 4);
  assert.equal(limiter.rate("ListQueues"), q, "other operations keep their pace");
  // A 5xx is not throttling: the pace stays.
  emu.addFault({ Operation: "ListUsers", Error: "InternalServiceException", Count: 1 });
  await list();
  close(limiter.rate("ListUsers"), q / 4);
  // Each run of 10 successes adds a tenth of the quota, up to 0.9 × the rate last
  // throttled (q/2), then a fiftieth. Two successes so far (the retries).
  for (let i = 0; i < 8; i++) await list();
  close(limiter.rate("ListUsers"), q / 4 + q / 10);
  for (let i = 0; i < 30; i++) await list();
  close(limiter.rate("ListUsers"), (q / 2) * 0.9 + 2 * (q / 50));
  assert.equal(limiter.throttles.get("ListUsers"), 2);
  client.destroy();
});

Deno.test("the limiter never goes below 0.1 call/s nor above the configured quota", () => {
  let t = 0;
  const limiter = new RateLimiter({ now: () => t });
  for (let i = 0; i < 20; i++) {
    t += 1;
    limiter.throttled("CreateQuickConnect", t, "ThrottlingException");
  }
  assert.equal(limiter.rate("CreateQuickConnect"), 0.1);
  // Concurrent attempts sent before the last decrease count once.
  limiter.throttled("CreateQuickConnect", t - 0.5, "ThrottlingException");
  assert.equal(limiter.rate("CreateQuickConnect"), 0.1);
  for (let i = 0; i < 10_000; i++) limiter.succeeded("CreateQuickConnect");
  assert.equal(limiter.rate("CreateQuickConnect"), 2 * 0.97);
  const off = new RateLimiter({ adaptive: false });
  off.throttled("CreateQuickConnect", 0, "ThrottlingException");
  assert.equal(off.rate("CreateQuickConnect"), 2 * 0.97);
});

Deno.test("a wait for a token longer than 1 s is a DEBUG line", async () => {
  const t = 0;
  const log = memoryLog();
  const limiter = new RateLimiter({ now: () => t, log });
  // CreateQuickConnect: burst 4 at 1.94/s; the fifth call waits 0.5 s: not worth a line.
  for (let i = 0; i < 4; i++) await limiter.acquire("CreateQuickConnect");
  const short = limiter.acquire("CreateQuickConnect");
  assert.deepEqual(log.lines, []);
  limiter.throttled("CreateQuickConnect", t, "ThrottlingException");
  const long = limiter.acquire("CreateQuickConnect");
  assert.deepEqual(log.lines, [
    "INFO - Connect throttled CreateQuickConnect (ThrottlingException): pacing it at 0.97 calls/s, down from 1.94",
    "DEBUG - Waiting 2.1 s for the CreateQuickConnect quota (0.97 calls/s)",
  ]);
  limiter.close();
  await assert.rejects(short);
  await assert.rejects(long);
});

Deno.test("retries as documented: 5xx and both 429 names get 10 attempts, no response gets 4", async () => {
  await using emu = await startEmulator({ seed: SEED, quotas: false });
  const client = fastClient(emu);
  for (
    const error of [
      "InternalServiceException",
      "ThrottlingException",
      "TooManyRequestsException",
      "ConnectionReset",
    ] as const
  ) {
    emu.resetCalls();
    emu.addFault({ Operation: "ListUsers", Error: error, Count: -1 });
    const f = await awsFailure(client.send(new ListUsersCommand({ InstanceId: TARGET })));
    emu.clearFaults();
    const expected = error === "ConnectionReset" ? TRANSIENT_ATTEMPTS : MAX_ATTEMPTS;
    assert.equal(f.attempts, expected, error);
    // The emulator may count one more reset: the runtime's HTTP client resends a request
    // once by itself when a kept-alive socket is reset.
    if (error !== "ConnectionReset") assert.equal(emu.calls().ListUsers, expected, error);
  }
  assert.deepEqual([MAX_ATTEMPTS, TRANSIENT_ATTEMPTS], [10, 4]);
  // LimitExceededException (a 429 that is a quota) and 4xx: one attempt.
  emu.resetCalls();
  emu.addFault({ Operation: "ListUsers", Error: "AccessDeniedException", Count: -1 });
  await awsFailure(client.send(new ListUsersCommand({ InstanceId: TARGET })));
  assert.equal(emu.calls().ListUsers, 1);
  client.destroy();
});

Deno.test("--verbose: each retry after a 500, a 429 or a refused connection is a DEBUG line", async () => {
  await using emu = await startEmulator({ seed: SEED });
  const dir = await workdir(2);
  emu.addFault({ Operation: "ListQuickConnects", Error: "InternalServiceException", Count: 1 });
  const quiet = await runCli("import", importArgs(emu, "--dry-run"), dir);
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.equal(emu.faulted().ListQuickConnects, 1);
  assert.doesNotMatch(quiet.stderr, /DEBUG/);
  emu.addFault({ Operation: "ListQuickConnects", Error: "InternalServiceException", Count: 2 });
  emu.addFault({ Operation: "CreateQuickConnect", Error: "TooManyRequestsException", Count: 1 });
  const r = await runCli("import", importArgs(emu, "--verbose"), dir);
  assert.equal(r.code, 0, r.stderr);
  const retries = (stderr: string) =>
    stderr.split("\n").filter((l) => / - DEBUG - Retrying /.test(l))
      .map((l) => l.replace(/^.* - DEBUG - /, "").replace(/in \d+\.\d s$/, "in N s"));
  assert.deepEqual(retries(r.stderr).sort(), [
    "Retrying CreateQuickConnect after TooManyRequestsException (HTTP 429): attempt 2/10 in N s",
    "Retrying ListQuickConnects after InternalServiceException (HTTP 500): attempt 2/10 in N s",
    "Retrying ListQuickConnects after InternalServiceException (HTTP 500): attempt 3/10 in N s",
  ]);
  assert.equal(created(emu), 2);
  // No HTTP response at all: 4 attempts, then the run stops (exit 3).
  const port = emu.port;
  await emu.close();
  const down = await runCli("import", [
    ...importArgs(emu).slice(0, 4),
    "--endpoint-url",
    `http://127.0.0.1:${port}`,
    "--verbose",
  ], dir);
  assert.equal(down.code, 3, down.stderr);
  assert.deepEqual(retries(down.stderr), [
    "Retrying ListQuickConnects after ECONNREFUSED (no response): attempt 2/4 in N s",
    "Retrying ListQuickConnects after ECONNREFUSED (no response): attempt 3/4 in N s",
    "Retrying ListQuickConnects after ECONNREFUSED (no response): attempt 4/4 in N s",
  ]);
});

Deno.test("a call stalled on a slow quota gets a WARNING after 10 s without output", async () => {
  await using emu = await startEmulator({
    seed: SEED,
    // One create every 20 s: the second waits for the quota far longer than 10 s.
    quotaOverrides: { CreateQuickConnect: { rate: 0.05, burst: 1 } },
  });
  const dir = await workdir(2);
  const child = cliCommand("import", importArgs(emu), dir).spawn();
  const lines = new Lines(child.stderr);
  const started = performance.now();
  try {
    await lines.until(
      / - WARNING - Still waiting on the CreateQuickConnect quota \(\d+ s so far\)/,
    );
  } finally {
    child.kill("SIGKILL");
    await child.status;
    await child.stdout.cancel();
    await lines.rest().catch(() => "");
  }
  const waited = (performance.now() - started) / 1000;
  const warning = lines.seen.find((l) => / - WARNING - Still waiting/.test(l)) ?? "";
  const so = Number(/\((\d+) s so far\)/.exec(warning)?.[1]);
  assert.ok(so >= 10 && so <= 13, warning);
  assert.ok(waited < 15, `${waited} s`);
  // Nothing else was logged between the first throttle and the warning.
  const i = lines.seen.indexOf(warning);
  assert.match(lines.seen[i - 1] ?? "", /INFO - Connect throttled CreateQuickConnect/);
});

Deno.test("stall warnings say what a call waits on, and stay quiet while the log is not", async () => {
  await using emu = await startEmulator({ seed: SEED, quotas: false, latencyMs: 600 });
  const log = memoryLog();
  const client = createConnectClient({
    region: "us-east-1",
    endpoint: emu.url,
    credentials: () => Promise.resolve({ accessKeyId: "AKIDTEST", secretAccessKey: "secret" }),
    retryStrategy: new MigrationRetryStrategy({ delay: () => 400 }),
    log,
    stallWarningMs: 200,
  });
  await client.send(new ListUsersCommand({ InstanceId: TARGET }));
  assert.ok(
    log.lines.some((l) =>
      /^WARNING - Still waiting for Amazon Connect to answer ListUsers \(\d s so far\)$/.test(l)
    ),
    log.lines.join("\n"),
  );
  log.lines.length = 0;
  emu.addFault({ Operation: "ListUsers", Error: "InternalServiceException", Count: 1 });
  await client.send(new ListUsersCommand({ InstanceId: TARGET }));
  assert.ok(
    log.lines.some((l) =>
      /^WARNING - Still retrying ListUsers after InternalServiceException/.test(l)
    ),
    log.lines.join("\n"),
  );
  // A log that keeps writing is no stall.
  const busy = { ...memoryLog(), lastWrite: () => performance.now() };
  const chatty = createConnectClient({
    region: "us-east-1",
    endpoint: emu.url,
    credentials: () => Promise.resolve({ accessKeyId: "AKIDTEST", secretAccessKey: "secret" }),
    log: busy,
    stallWarningMs: 200,
  });
  await chatty.send(new ListUsersCommand({ InstanceId: TARGET }));
  assert.deepEqual(busy.lines.filter((l) => l.startsWith("WARNING")), []);
  client.destroy();
  chatty.destroy();
});
