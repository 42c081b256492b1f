import assert from "node:assert/strict";
import { resolveRegion } from "../lib/aws/client.ts";
import { COMMON_FLAGS, helpText, parseFlags, TARGET_FLAG } from "../lib/cli/flags.ts";
import { guidance, UsageError } from "../lib/errors.ts";
import { InterruptedError, quotaFor, RateLimiter } from "../lib/aws/limiter.ts";
import { defaultQuota } from "../emulator/quotas.ts";
import { OPERATIONS } from "../emulator/routes.ts";
import { createLogger, esc, formatLine } from "../lib/log.ts";
import { mapPool } from "../lib/pool.ts";
import { createProgress } from "../lib/cli/progress.ts";
import { MigrationRetryStrategy } from "../lib/aws/retry.ts";
import type { SdkError } from "@smithy/types";
import { withEnv } from "./support/env.ts";

const LINE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} - (DEBUG|INFO|WARNING|ERROR) - /;

Deno.test("formatLine() writes Python logging's default layout in local time", () => {
  const d = new Date(2024, 0, 15, 14, 30, 25, 7);
  assert.equal(formatLine("INFO", "hello", d), "2024-01-15 14:30:25,007 - INFO - hello");
});

Deno.test("esc() escapes newlines and control characters so no log line can be forged", () => {
  assert.equal(esc("a\nb"), "a\\nb");
  assert.equal(esc("x\u001b[31my"), "x\\u001b[31my");
  assert.equal(esc("tab\there"), "tab\\there");
  assert.equal(esc("Plain name – ünïcode"), "Plain name – ünïcode");
});

Deno.test("createLogger() appends the same lines to the file and the console", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/x.log`;
  await Deno.writeTextFile(file, "earlier line\n");
  const seen: string[] = [];
  const log = createLogger({ file, console: (l) => seen.push(l) });
  log.info("one");
  log.warning("two\nthree");
  log.debug("hidden");
  log.close();
  const text = (await Deno.readTextFile(file)).trimEnd().split("\n");
  assert.equal(text[0], "earlier line");
  assert.deepEqual(text.slice(1), seen);
  assert.equal(seen.length, 2);
  for (const l of seen) assert.match(l, LINE);
  assert.match(seen[1] ?? "", / - WARNING - two\\nthree$/);
});

Deno.test("parseFlags() reports unknown, missing and invalid flags as usage errors", () => {
  const spec = {
    ...TARGET_FLAG,
    "on-conflict": {
      type: "string",
      choices: ["skip", "update"],
      default: "skip",
      help: "h",
    },
    ...COMMON_FLAGS,
  } as const;
  assert.throws(() => parseFlags(spec, ["--bogus"]), UsageError);
  assert.throws(() => parseFlags(spec, []), /Missing required option --instance-id/);
  assert.throws(
    () => parseFlags(spec, ["--instance-id", "i", "--on-conflict", "merge"]),
    /expected one of: skip, update/,
  );
  assert.throws(() => parseFlags(spec, ["--instance-id", ""]), /needs a value/);
  const ok = parseFlags(spec, ["--instance-id", "i"]);
  assert.equal(ok.kind === "run" && ok.flags["on-conflict"], "skip");
  assert.equal(parseFlags(spec, ["--help"]).kind, "help");
  assert.equal(parseFlags(spec, ["-h"]).kind, "help");
  assert.match(
    helpText(spec, { usage: ["x"], description: "d", epilog: "" }),
    /--instance-id ID\s+Amazon Connect instance ID or instance ARN/,
  );
});

Deno.test("resolveRegion() follows --region, AWS_REGION, AWS_DEFAULT_REGION, profile, default", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/config`, "[profile prod]\nregion = eu-west-2\n");
  await withEnv({ AWS_CONFIG_FILE: `${dir}/config` }, async () => {
    assert.equal(
      (await resolveRegion({ region: "ap-south-1" }, { AWS_REGION: "x" })).region,
      "ap-south-1",
    );
    assert.equal(
      (await resolveRegion({}, { AWS_REGION: "eu-west-1", AWS_DEFAULT_REGION: "b" })).region,
      "eu-west-1",
    );
    assert.equal(
      (await resolveRegion({}, { AWS_DEFAULT_REGION: "ca-central-1" })).region,
      "ca-central-1",
    );
    const p = await resolveRegion({ profile: "prod" }, {});
    assert.deepEqual(p, { region: "eu-west-2", source: "profile prod" });
    assert.equal((await resolveRegion({}, { AWS_PROFILE: "prod" })).region, "eu-west-2");
    assert.deepEqual(await resolveRegion({ profile: "other" }, {}), {
      region: "us-east-1",
      source: "default",
    });
  });
});

Deno.test("RateLimiter holds each operation to its rate after the burst", async () => {
  let t = 0;
  const limiter = new RateLimiter({ now: () => t });
  // CreateQuickConnect: 2/s burst 5 (client side: burst 4, rate 1.94).
  for (let i = 0; i < 4; i++) await limiter.acquire("CreateQuickConnect");
  assert.equal(limiter.waited.get("CreateQuickConnect") ?? 0, 0);
  const pending = limiter.acquire("CreateQuickConnect");
  const waited = limiter.waited.get("CreateQuickConnect") ?? 0;
  assert.ok(waited > 500 && waited < 520, `waited ${waited}`);
  // Other operations have their own bucket.
  await limiter.acquire("ListQuickConnects");
  assert.equal(limiter.waited.get("ListQuickConnects"), undefined);
  limiter.close();
  await assert.rejects(pending, InterruptedError);
  await assert.rejects(limiter.acquire("ListUsers"), InterruptedError);
  t = 0;
});

Deno.test("MigrationRetryStrategy retries throttling but never LimitExceededException", async () => {
  const s = new MigrationRetryStrategy({ maxAttempts: 3, delay: () => 0 });
  const t0 = await s.acquireInitialRetryToken("x");
  const sdkError = (name: string): SdkError =>
    Object.assign(new Error(name), { name, $metadata: {}, cause: undefined });
  const throttle = sdkError("ThrottlingException");
  const t1 = await s.refreshRetryTokenForRetry(t0, { errorType: "THROTTLING", error: throttle });
  assert.equal(t1.getRetryCount(), 1);
  const t2 = await s.refreshRetryTokenForRetry(t1, { errorType: "THROTTLING", error: throttle });
  await assert.rejects(
    s.refreshRetryTokenForRetry(t2, { errorType: "THROTTLING", error: throttle }),
  );
  const quota = sdkError("LimitExceededException");
  await assert.rejects(s.refreshRetryTokenForRetry(t0, { errorType: "THROTTLING", error: quota }));
  assert.equal(s.retries.get("ThrottlingException"), 2);
});

Deno.test("guidance() names the cause and the next step for the errors users meet", () => {
  const ctx = { action: "connect:ListUsers", instanceId: "i-1", region: "eu-west-1" };
  const named = (name: string, message = name) => Object.assign(new Error(message), { name });
  assert.match(guidance(named("AccessDeniedException"), ctx).hint, /connect:ListUsers/);
  assert.match(
    guidance(named("ResourceNotFoundException"), ctx).cause,
    /i-1 was not found in eu-west-1/,
  );
  assert.match(
    guidance(
      named("CredentialsProviderError", "Could not load credentials from any providers"),
      ctx,
    ).hint,
    /AWS_PROFILE/,
  );
  assert.match(
    guidance(named("TokenProviderError", "The SSO session token has expired"), ctx).hint,
    /aws sso login/,
  );
  assert.match(
    guidance(named("Error", "connect ECONNREFUSED 127.0.0.1:9"), ctx).cause,
    /Cannot reach/,
  );
});

Deno.test("mapPool() keeps order and never exceeds its limit", async () => {
  let inFlight = 0;
  let peak = 0;
  const out = await mapPool([5, 1, 4, 2, 3], 2, async (n) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((r) => setTimeout(r, n));
    inFlight--;
    return n * 10;
  });
  assert.deepEqual(out, [50, 10, 40, 20, 30]);
  assert.equal(peak, 2);
});

Deno.test("createProgress() keeps the bar below log lines on a TTY and is silent off one", () => {
  let screen = "";
  const tty = createProgress("Exporting", true, (s) => screen += s);
  tty.update(1, 4);
  tty.sink("a log line");
  tty.update(4, 4);
  tty.finish();
  assert.match(screen, /Exporting \[#{8}-{22}\] 1\/4/);
  assert.match(screen, /\ra log line\n\rExporting \[#{8}/);
  assert.match(screen, /Exporting \[#{30}\] 4\/4/);
  assert.ok(screen.endsWith("\r"), "the bar is cleared at the end");
  let plain = "";
  const pipe = createProgress("Exporting", false, (s) => plain += s);
  pipe.update(1, 4);
  pipe.sink("a log line");
  pipe.finish();
  assert.equal(plain, "a log line\n");
});

Deno.test("the client's quota table and the emulator's agree for all 20 operations", () => {
  // Two tables on purpose (the emulator stands for the service, not for our client), kept
  // in step here: the benchmark's floors use the client's table against the emulator.
  const ops = [...OPERATIONS];
  assert.equal(ops.length, 20);
  for (const op of ops) assert.deepEqual(quotaFor(op), defaultQuota(op), op);
});
