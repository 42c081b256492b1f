/**
 * An export file far beyond what an instance holds, through the real CLI: a WARNING before
 * the file is read (its size) and before the target is read (its count); a file too large
 * to handle is refused (exit 2) before any API call.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../emulator/testing.ts";
import { linesExport, linesTarget } from "./support/lines.ts";
import { runCli } from "./support/cli.ts";

const TARGET = "00000000-0000-4000-8000-0000000000dd";
const FAST = { CONNECT_QUOTA_SCALE: "10" };

/** The line number of the first stderr line matching `re`, or -1. */
const lineOf = (stderr: string, re: RegExp) => stderr.split("\n").findIndex((l) => re.test(l));

Deno.test("import.ts: a file of more than 32 MB is read with a WARNING first, and imports", async () => {
  await using emu = await startEmulator({ seed: linesTarget(TARGET), quotas: false });
  const dir = await Deno.makeTempDir({ prefix: "import_large_" });
  // Three quick connects and a member the import ignores, 33 MB long.
  const file = { ...linesExport(3), Padding: "x".repeat(33 * 1048576) };
  await Deno.writeTextFile(`${dir}/big.json`, JSON.stringify(file));
  const r = await runCli(
    "import",
    [
      "--instance-id",
      TARGET,
      "--export-file",
      "big.json",
      "--endpoint-url",
      emu.url,
    ],
    dir,
    FAST,
  );
  assert.equal(r.code, 0, r.stderr);
  const warning = lineOf(
    r.stderr,
    / - WARNING - Export file "big\.json" is 33\.0 MB, far beyond what an instance holds \(Connect's default quota is 100 quick connects per instance, quota code L-68BBE2E8, adjustable in Service Quotas\): reading it takes a while, and an import of it about \d+\.\d MB of memory$/,
  );
  assert.ok(warning >= 0, r.stderr);
  assert.ok(warning < lineOf(r.stderr, /Loaded export data from big\.json/), r.stderr);
  assert.doesNotMatch(r.stderr, /holds \d+ quick connects/);
  assert.match(r.stderr, /Successful: 3\n/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("import.ts: more than 10,000 quick connects are warned about before the target is read", async () => {
  await using emu = await startEmulator({ seed: linesTarget(TARGET), quotas: false });
  const dir = await Deno.makeTempDir({ prefix: "import_large_" });
  await Deno.writeTextFile(`${dir}/many.json`, JSON.stringify(linesExport(10_001)));
  const r = await runCli(
    "import",
    [
      "--instance-id",
      TARGET,
      "--export-file",
      "many.json",
      "--endpoint-url",
      emu.url,
      "--dry-run",
    ],
    dir,
    FAST,
  );
  assert.equal(r.code, 0, r.stderr.slice(-2000));
  const warning = lineOf(
    r.stderr,
    / - WARNING - Export file "many\.json" holds 10001 quick connects, 100 times Connect's default quota of 100 per instance \(quota code L-68BBE2E8, adjustable in Service Quotas\): creates beyond the target's quota fail with LimitExceededException; check the target's quota before importing$/,
  );
  assert.ok(warning >= 0, r.stderr.slice(0, 2000));
  assert.ok(warning < lineOf(r.stderr, /Found 0 existing quick connects/));
  assert.doesNotMatch(r.stderr, /MB, far beyond/);
});

Deno.test("import.ts: a file of more than 1 GB is refused (exit 2) before any call", async () => {
  await using emu = await startEmulator({ seed: linesTarget(TARGET), quotas: false });
  const dir = await Deno.makeTempDir({ prefix: "import_large_" });
  // A sparse file: its size is what counts, and nothing of it is read.
  await Deno.writeTextFile(`${dir}/huge.json`, JSON.stringify(linesExport(1)));
  await Deno.truncate(`${dir}/huge.json`, 1025 * 1048576);
  const r = await runCli(
    "import",
    [
      "--instance-id",
      TARGET,
      "--export-file",
      "huge.json",
      "--endpoint-url",
      emu.url,
    ],
    dir,
    FAST,
  );
  assert.equal(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    /^error: Export file "huge\.json" is 1025\.0 MB, larger than this tool reads \(1024\.0 MB: hundreds of thousands of quick connects, where Connect's default quota is 100 per instance, quota code L-68BBE2E8, adjustable in Service Quotas\)\. Check that it is an export file, or export fewer quick connects at a time \(--include, --exclude, --type, --tag\)\n$/,
  );
  assert.deepEqual(emu.calls(), {});
  await Deno.remove(dir, { recursive: true });
});
