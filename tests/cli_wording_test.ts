/**
 * What the tools say, through the real CLI: a count of one is singular in the log lines of
 * a whole export → import → --verify, and the help names the product as AWS now does and
 * what the tools are for beside Amazon Connect Global Resiliency.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../emulator/testing.ts";
import { migrationFixture } from "./support/generate.ts";
import { runCli } from "./support/cli.ts";

/** "1 quick connects", "1 links"…: a count of one with a plural noun. */
const ONE_PLURAL = /\b1 (quick connects|links|calls|entries|differences|changes|queues)\b/;

Deno.test("a run over one quick connect says '1 quick connect', never '1 quick connects'", async () => {
  await using emu = await startEmulator({
    seed: migrationFixture({ quickConnects: 1, queues: 1 }),
    quotas: false,
  });
  const [source, target] = emu.state().Instances;
  const dir = await Deno.makeTempDir({ prefix: "qc_one_" });
  const exp = await runCli("export", [
    "--instance-id",
    source!.Id!,
    "--endpoint-url",
    emu.url,
    "--output",
    "e.json",
  ], dir);
  assert.equal(exp.code, 0, exp.stderr);
  assert.match(exp.stderr, /INFO - Retrieved 1 quick connect from page 1$/m);
  assert.match(exp.stderr, /INFO - Exported 1 quick connect to e\.json$/m);
  const args = ["--instance-id", target!.Id!, "--endpoint-url", emu.url, "--export-file", "e.json"];
  const imp = await runCli("import", [...args, "--verify"], dir);
  assert.equal(imp.code, 0, imp.stderr);
  assert.match(imp.stderr, /INFO - Associated 1 quick connect with queue /);
  assert.match(imp.stderr, /INFO - Verifying 1 quick connect in the target/);
  assert.match(imp.stderr, /INFO - Verification passed: 1 quick connect matches the export file$/m);
  const again = await runCli("import", args, dir);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /INFO - Found 1 existing quick connect$/m);
  for (const r of [exp, imp, again]) assert.doesNotMatch(r.stderr, ONE_PLURAL);
});

Deno.test("--help names Amazon Connect Customer and what the tools are for beside ACGR", async () => {
  const dir = await Deno.makeTempDir({ prefix: "qc_help_" });
  for (const entry of ["export", "import"] as const) {
    const r = await runCli(entry, ["--help"], dir);
    assert.equal(r.code, 0, r.stderr);
    const text = r.stdout.replace(/\s+/g, " ");
    assert.match(text, /Amazon Connect is now named Amazon Connect Customer; its API is unchanged/);
    for (const use of ["promotion between instances", "migration across accounts or Regions"]) {
      assert.ok(text.includes(use), `${entry}: ${use}`);
    }
    assert.match(text, /backups, and one department at a time/);
    assert.match(text, /Amazon Connect Global Resiliency \(ACGR\) where its Region pairs apply/);
  }
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  assert.match(readme, /Amazon Connect Customer/);
  assert.match(readme, /Global Resiliency[\s\S]*\(ACGR\)/);
});
