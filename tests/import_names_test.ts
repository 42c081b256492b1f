/**
 * Look-alike names, through the real CLI against the emulator (whose names are unique by
 * exact spelling, as the bug report's target was): a name equal under NFC to the target's
 * is that quick connect (skipped, or updated, its spelling kept), two such names in one
 * file are refused like duplicates, names that differ only in case are both imported with
 * a WARNING naming both. Pruning, --include, saved plans, undo and export agree.
 */
import assert from "node:assert/strict";
import type { ImportReport } from "../lib/import/report.ts";
import type { PlanFile } from "../lib/import/plan_file.ts";
import { type Emulator, startEmulator } from "../emulator/testing.ts";
import { existingPhones, idOf, instance, phoneItem, targetSeed } from "./import_helpers.ts";
import { runCli } from "./support/cli.ts";

const FAST = { CONNECT_QUOTA_SCALE: "20" };
const NFC = "Caf\u00e9 Desk";
const NFD = "Cafe\u0301 Desk";

async function importCli(emu: Emulator, dir: string, args: string[]) {
  const r = await runCli(
    "import",
    [
      "--instance-id",
      idOf(emu.state(), "target"),
      "--endpoint-url",
      emu.url,
      "--consistency-wait",
      "0",
      "--report",
      "report.json",
      "--force",
      ...args,
    ],
    dir,
    FAST,
  );
  const report = JSON.parse(await Deno.readTextFile(`${dir}/report.json`)) as ImportReport;
  return { ...r, report };
}

async function fileIn(dir: string, name: string, items: unknown[]): Promise<string> {
  await Deno.writeTextFile(
    `${dir}/${name}`,
    JSON.stringify({ FormatVersion: 2, QuickConnects: items }),
  );
  return name;
}

const namesIn = (emu: Emulator) =>
  instance(emu.state(), "target").QuickConnects.map((q) => q.Name).sort();
const rows = (r: ImportReport) => r.Items.map((i) => [i.Index, i.Name, i.Action, i.TargetId]);
const warning = (text: string) =>
  new RegExp(` - WARNING - ${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`);

Deno.test("NFD name in the file, NFC in the target: skipped as that quick connect; case-only look-alikes are both created, with warnings", async () => {
  await using emu = await startEmulator({
    seed: targetSeed({ QuickConnects: existingPhones([NFC, "Sales Desk"]) }),
    quotas: false,
  });
  const dir = await Deno.makeTempDir({ prefix: "names_" });
  const file = await fileIn(dir, "export.json", [
    phoneItem(NFD),
    phoneItem("sales desk"),
    phoneItem("Case Line"),
    phoneItem("CASE LINE"),
  ]);
  const r = await importCli(emu, dir, ["--export-file", file, "--verify"]);
  assert.equal(r.code, 0, r.stderr);
  const created = r.report.Items.slice(1).map((i) => i.TargetId);
  assert.deepEqual(rows(r.report), [
    [0, NFD, "skipped", "qc-0"],
    [1, "sales desk", "created", created[0]],
    [2, "Case Line", "created", created[1]],
    [3, "CASE LINE", "created", created[2]],
  ]);
  assert.deepEqual(
    namesIn(emu),
    ["CASE LINE", "Case Line", NFC, "Sales Desk", "sales desk"].sort(),
  );
  assert.match(
    r.stderr,
    warning(
      `Quick connects "Case Line" (item 2) and "CASE LINE" (item 3) of the export file differ only in case`,
    ),
  );
  assert.match(
    r.stderr,
    warning(
      `Quick connect "sales desk" (item 1) of the export file and "Sales Desk" (qc-1) in the target differ only in case`,
    ),
  );
  assert.match(
    r.stderr,
    warning(
      `Quick connect "${NFD}" (item 0) of the export file is "${NFC}" (qc-0) in the target, spelled in another Unicode form`,
    ),
  );
  assert.equal(r.report.Verify?.Differences.length, 0);
  assert.ok(r.report.Warnings.some((w) => w.includes("differ only in case")));

  // A second run changes nothing: every name, however spelled, is found.
  const again = await importCli(emu, dir, ["--export-file", file]);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(again.report.Items.map((i) => i.Action), [
    "skipped",
    "skipped",
    "skipped",
    "skipped",
  ]);
  // The pair of the file is not reported a second time as file-against-target.
  assert.doesNotMatch(again.stderr, /"Case Line" \(item 2\) of the export file and/);
  assert.equal(namesIn(emu).length, 5);
});

Deno.test("--on-conflict update: the NFC quick connect is updated in place and keeps its spelling; --verify passes", async () => {
  const [existing] = existingPhones([NFC]);
  await using emu = await startEmulator({
    seed: targetSeed({ QuickConnects: [{ ...existing!, Description: "old" }] }),
    quotas: false,
  });
  const dir = await Deno.makeTempDir({ prefix: "names_" });
  const file = await fileIn(dir, "export.json", [phoneItem(NFD, { description: "new" })]);
  const r = await importCli(emu, dir, [
    "--export-file",
    file,
    "--on-conflict",
    "update",
    "--verify",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(rows(r.report), [[0, NFD, "updated", "qc-0"]]);
  const qcs = instance(emu.state(), "target").QuickConnects;
  assert.equal(qcs.length, 1);
  assert.equal(qcs[0]?.Name, NFC, "the target's spelling is kept");
  assert.equal(qcs[0]?.Description, "new");
  assert.equal(r.report.Verify?.Differences.length, 0);
});

Deno.test("one name in two Unicode spellings in one file: both refused like exact duplicates", async () => {
  await using emu = await startEmulator({ seed: targetSeed(), quotas: false });
  const dir = await Deno.makeTempDir({ prefix: "names_" });
  const file = await fileIn(dir, "export.json", [
    phoneItem(NFC),
    phoneItem(NFD),
    phoneItem("Other"),
  ]);
  const r = await importCli(emu, dir, ["--export-file", file]);
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(r.report.Items.map((i) => [i.Index, i.Action]), [
    [0, "failed"],
    [1, "failed"],
    [2, "created"],
  ]);
  for (const i of [0, 1]) {
    assert.match(
      r.report.Items[i]?.Error ?? "",
      /appears 2 times in the file \(items 0, 1, in 2 Unicode spellings that look the same\); quick connect names must be unique/,
    );
  }
  assert.deepEqual(namesIn(emu), ["Other"]);
});

Deno.test("--prune keeps a target quick connect the file names in another spelling; --include globs compare in NFC", async () => {
  await using emu = await startEmulator({
    seed: targetSeed({ QuickConnects: existingPhones([NFC, "Old Line"]) }),
    quotas: false,
  });
  const dir = await Deno.makeTempDir({ prefix: "names_" });
  const file = await fileIn(dir, "export.json", [phoneItem(NFD), phoneItem("Other")]);
  // An NFD glob selects the NFD item of the file and, for pruning, the NFC one of the target.
  const narrow = await importCli(emu, dir, [
    "--export-file",
    file,
    "--include",
    "Cafe\u0301*",
    "--prune",
  ]);
  assert.equal(narrow.code, 0, narrow.stderr);
  assert.deepEqual(rows(narrow.report), [[0, NFD, "skipped", "qc-0"]]);
  assert.deepEqual(narrow.report.Deleted ?? [], []);

  const all = await importCli(emu, dir, ["--export-file", file, "--prune"]);
  assert.equal(all.code, 0, all.stderr);
  assert.deepEqual(all.report.Deleted?.map((d) => d.Name), ["Old Line"]);
  assert.deepEqual(namesIn(emu), [NFC, "Other"].sort());
});

Deno.test("a saved plan fingerprints the target's NFC quick connect for the file's NFD name, and sees it edited", async () => {
  await using emu = await startEmulator({
    seed: targetSeed({ QuickConnects: existingPhones([NFC]) }),
    quotas: false,
  });
  const dir = await Deno.makeTempDir({ prefix: "names_" });
  const file = await fileIn(dir, "export.json", [phoneItem(NFD, { description: "planned" })]);
  const dry = await importCli(emu, dir, [
    "--export-file",
    file,
    "--on-conflict",
    "update",
    "--dry-run",
    "--plan-out",
    "plan.json",
  ]);
  assert.equal(dry.code, 0, dry.stderr);
  const plan = JSON.parse(await Deno.readTextFile(`${dir}/plan.json`)) as PlanFile;
  assert.match(plan.Fingerprints[`quick connect "${NFD}"`] ?? "", /^qc-0 [0-9a-f]{16}$/);
  // Someone edits the target's quick connect (under its own spelling) meanwhile.
  const edit = await fileIn(dir, "edit.json", [phoneItem(NFC, { description: "by hand" })]);
  const edited = await importCli(emu, dir, ["--export-file", edit, "--on-conflict", "update"]);
  assert.equal(edited.code, 0, edited.stderr);
  const stale = await runCli(
    "import",
    [
      "--instance-id",
      idOf(emu.state(), "target"),
      "--endpoint-url",
      emu.url,
      "--plan",
      "plan.json",
    ],
    dir,
    FAST,
  );
  assert.equal(stale.code, 2, stale.stderr);
  assert.match(stale.stderr, new RegExp(`quick connect "${NFD}" was edited`));
  assert.equal(instance(emu.state(), "target").QuickConnects[0]?.Description, "by hand");
});

Deno.test("undo does not re-create a pruned quick connect whose name is taken in another spelling", async () => {
  await using emu = await startEmulator({
    seed: targetSeed({ QuickConnects: existingPhones([NFC, "Keep"]) }),
    quotas: false,
  });
  const dir = await Deno.makeTempDir({ prefix: "names_" });
  const keep = await fileIn(dir, "keep.json", [phoneItem("Keep")]);
  const pruned = await importCli(emu, dir, ["--export-file", keep, "--prune"]);
  assert.equal(pruned.code, 0, pruned.stderr);
  await Deno.rename(`${dir}/report.json`, `${dir}/prune.json`);
  assert.deepEqual(namesIn(emu), ["Keep"]);
  const nfd = await fileIn(dir, "nfd.json", [phoneItem(NFD)]);
  assert.equal((await importCli(emu, dir, ["--export-file", nfd])).code, 0);
  // Left, named, and the undo fails: the target no longer holds what the run left.
  const undo = await importCli(emu, dir, ["--undo", "prune.json"]);
  assert.equal(undo.code, 1, undo.stderr);
  assert.match(
    undo.stderr,
    new RegExp(
      ` - ERROR - Undo: leaving quick connect ${NFC}: Not undone: it cannot be created again: that name is taken in the target`,
    ),
  );
  assert.deepEqual(namesIn(emu), [NFD, "Keep"].sort(), "no second, identical-looking name");
});

Deno.test("export warns about look-alike names in the source; importing that file refuses the NFC pair and creates the case pair", async () => {
  await using emu = await startEmulator({
    seed: targetSeed({ QuickConnects: existingPhones([NFC, NFD, "Case Line", "CASE LINE"]) }),
    quotas: false,
  });
  const dir = await Deno.makeTempDir({ prefix: "names_" });
  const exp = await runCli(
    "export",
    [
      "--instance-id",
      idOf(emu.state(), "target"),
      "--endpoint-url",
      emu.url,
      "--output",
      "export.json",
    ],
    dir,
    FAST,
  );
  assert.equal(exp.code, 0, exp.stderr);
  const selected = await runCli(
    "export",
    [
      "--instance-id",
      idOf(emu.state(), "target"),
      "--endpoint-url",
      emu.url,
      "--output",
      "cafe.json",
      "--include",
      "Cafe\u0301*",
    ],
    dir,
    FAST,
  );
  assert.equal(selected.code, 0, selected.stderr);
  assert.match(selected.stderr, /cannot be expressed in SearchQuickConnects/);
  const cafe = JSON.parse(await Deno.readTextFile(`${dir}/cafe.json`));
  assert.equal(cafe.QuickConnects.length, 2, "an NFD glob selects both spellings");
  assert.match(
    exp.stderr,
    / - WARNING - Quick connects "[^"]+" \(qc-[01]\), "[^"]+" \(qc-[01]\) are one name in different Unicode spellings: the import refuses them/,
  );
  assert.match(
    exp.stderr,
    / - WARNING - Quick connects "(Case Line|CASE LINE)" \(qc-[23]\), "(Case Line|CASE LINE)" \(qc-[23]\) differ only in case/,
  );

  await using empty = await startEmulator({ seed: targetSeed(), quotas: false });
  const r = await importCli(empty, dir, ["--export-file", "export.json"]);
  assert.equal(r.code, 1, r.stderr);
  const byName = (n: string) => r.report.Items.filter((i) => i.Name === n).map((i) => i.Action);
  assert.deepEqual([...byName(NFC), ...byName(NFD)], ["failed", "failed"]);
  assert.deepEqual([...byName("Case Line"), ...byName("CASE LINE")], ["created", "created"]);
  assert.deepEqual(namesIn(empty), ["CASE LINE", "Case Line"]);
});

Deno.test("a service whose names are unique regardless of case: the look-alike fails alone, after its warning, and nothing is created twice", async () => {
  await using emu = await startEmulator({
    seed: targetSeed({ QuickConnects: existingPhones(["Sales Desk"]) }),
    quotas: false,
    namesIgnoreCase: true,
  });
  const dir = await Deno.makeTempDir({ prefix: "names_" });
  const file = await fileIn(dir, "export.json", [
    phoneItem("sales desk"),
    phoneItem("Case Line"),
    phoneItem("CASE LINE"),
    phoneItem("Other"),
  ]);
  emu.resetCalls();
  const r = await importCli(emu, dir, ["--export-file", file]);
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(r.report.Items.map((i) => [i.Name, i.Action]), [
    ["sales desk", "failed"],
    ["Case Line", "created"],
    ["CASE LINE", "failed"],
    ["Other", "created"],
  ]);
  for (const i of [0, 2]) {
    assert.match(r.report.Items[i]?.Error ?? "", /DuplicateResourceException/);
  }
  assert.equal(emu.calls().CreateQuickConnect, 4, "each create sent once");
  assert.deepEqual(namesIn(emu), ["Case Line", "Other", "Sales Desk"]);
  assert.match(r.stderr, /creating the second fails as a taken name/);
  assert.match(r.stderr, warning(`Quick connect "sales desk" (item 0) of the export file and`));
});
