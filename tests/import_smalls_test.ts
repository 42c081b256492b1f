/**
 * Smaller things a reviewer met (issue "Reviewed like code", item 7 and the quota), each
 * through the real CLI: the dry run warns before a plan passes the instance's quota of quick
 * connects; --verify after a `skip` import does not wait on what it can never change; the
 * same undo twice is no error; an unresolved queue named by name only is not shown as its
 * own "source id".
 */
import assert from "node:assert/strict";
import { startEmulator } from "../emulator/testing.ts";
import { existingPhones, phoneItem, TARGET_ID, targetSeed } from "./import_helpers.ts";
import { runCli } from "./support/cli.ts";

async function setup(seed = targetSeed()) {
  const emu = await startEmulator({ seed, quotas: false });
  const dir = await Deno.makeTempDir({ prefix: "smalls_" });
  const cli = (args: string[]) =>
    runCli("import", ["--instance-id", TARGET_ID, "--endpoint-url", emu.url, ...args], dir);
  const file = async (name: string, items: unknown[]) => {
    await Deno.writeTextFile(`${dir}/${name}`, JSON.stringify({ QuickConnects: items }));
    return name;
  };
  return { emu, dir, cli, file };
}

Deno.test("a dry run warns when existing + to-create passes the quota of quick connects, before anything is created", async () => {
  const names = Array.from({ length: 10 }, (_, i) => `Old ${i}`);
  const s = await setup(
    targetSeed({ QuickConnects: existingPhones(names), QuickConnectQuota: 500 }),
  );
  await using _ = s.emu;
  const items = Array.from({ length: 95 }, (_, i) => phoneItem(`New ${i}`));
  const f = await s.file("export.json", items);
  const dry = await s.cli(["--export-file", f, "--dry-run"]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(
    dry.stderr,
    /WARNING - This plan leaves 105 quick connects in the target \(10 there, 95 to create\), more than its quota of 100 \("Quick connects per instance", L-68BBE2E8\)/,
  );
  const raised = await s.cli(["--export-file", f, "--dry-run", "--quick-connect-quota", "200"]);
  assert.equal(raised.code, 0, raised.stderr);
  assert.doesNotMatch(raised.stderr, /more than its quota/);
  assert.equal(s.emu.calls().CreateQuickConnect ?? 0, 0);
});

Deno.test("--verify after a skip import does not spend --consistency-wait on a skipped item it cannot change", async () => {
  const s = await setup(targetSeed({ QuickConnects: existingPhones(["Kept"], { Team: "old" }) }));
  await using _ = s.emu;
  const f = await s.file("export.json", [phoneItem("Kept", { tags: { Team: "new" } })]);
  const t0 = performance.now();
  const r = await s.cli([
    "--export-file",
    f,
    "--verify",
    "--consistency-wait",
    "30",
    "--report",
    "r.json",
  ]);
  const seconds = (performance.now() - t0) / 1000;
  assert.equal(r.code, 0, r.stderr);
  assert.ok(seconds < 10, `${seconds.toFixed(1)} s: no wait for the skipped item`);
  assert.doesNotMatch(r.stderr, /reading them again/);
  const report = JSON.parse(await Deno.readTextFile(`${s.dir}/r.json`));
  assert.deepEqual(report.Verify.Skipped, [{ Name: "Kept", Fields: ['Tags["Team"]'] }]);
});

Deno.test("the same undo twice: the second changes nothing, exit 0, no ERROR", async () => {
  const s = await setup();
  await using _ = s.emu;
  const f = await s.file("export.json", [phoneItem("A", { queues: ["Support"] }), phoneItem("B")]);
  assert.equal((await s.cli(["--export-file", f, "--report", "run.json"])).code, 0);
  const first = await s.cli(["--undo", "run.json"]);
  assert.equal(first.code, 0, first.stderr);
  const again = await s.cli(["--undo", "run.json"]);
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stderr, / - ERROR - /);
  assert.match(again.stderr, /Undo: A \(.*\), created by the run, is gone already/);
});

Deno.test("an unresolved queue the file names by name only is summarised by its name, not as its own source id", async () => {
  const s = await setup();
  await using _ = s.emu;
  const item = phoneItem("Linked", { queues: ["Sales"] });
  item.Queues = [{ Id: "Sales", Name: "Sales" }];
  const f = await s.file("export.json", [item]);
  const r = await s.cli(["--export-file", f, "--dry-run"]);
  assert.match(r.stderr, /WARNING - {3}queue 'Sales': blocks 1 queue link$/m);
  assert.doesNotMatch(r.stderr, /source id Sales/);
});
