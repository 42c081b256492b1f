/**
 * Keeping a target in step, on request only: --prune deletes what the export lacks (after
 * unlinking it), --prune-links removes links the source queue lacks, both shown by a dry
 * run and bounded by --max-deletes; --undo REPORT reverses a run.
 */
import assert from "node:assert/strict";
import { type Emulator, type Fixture, startEmulator } from "../emulator/testing.ts";
import {
  exportInstance,
  idOf,
  instance,
  linksByName,
  mutatingCalls,
  tempJson,
} from "./import_helpers.ts";
import { migrationFixture } from "./support/generate.ts";
import { runCli } from "./support/cli.ts";

const FAST = { CONNECT_QUOTA_SCALE: "20" };

/** A target instance's quick connects and links, IDs replaced by names: to compare two states. */
function content(state: Fixture) {
  const t = instance(state, "target");
  return {
    quickConnects: t.QuickConnects.map(({ QuickConnectId: _, ...q }) => q)
      .sort((a, b) => a.Name.localeCompare(b.Name)),
    links: linksByName(t),
  };
}

/** Source and target generated alike: the target holds everything, plus extras. */
async function syncSetup(extraInTarget: number, opts: { deleteRefusesLinked?: boolean } = {}) {
  const fixture = migrationFixture({ quickConnects: 10, queues: 3, linksPerQueue: 5 });
  const seedEmu = await startEmulator({ seed: fixture, quotas: false });
  const { path } = await exportInstance(seedEmu, "source");
  await seedEmu.close();
  const emu = await startEmulator({ seed: fixture, quotas: false, ...opts });
  const dir = await Deno.makeTempDir({ prefix: "sync_" });
  await Deno.copyFile(path, `${dir}/export.json`);
  const target = idOf(emu.state(), "target");
  const cli = (args: string[]) =>
    runCli(
      "import",
      ["--instance-id", target, "--endpoint-url", emu.url, "--consistency-wait", "0", ...args],
      dir,
      FAST,
    );
  assert.equal((await cli(["--export-file", "export.json"])).code, 0);
  // Extras only the target has, linked to a queue the export names.
  const file = JSON.parse(await Deno.readTextFile(path));
  const queue =
    file.QuickConnects.find((q: { Queues: unknown[] }) => q.Queues.length > 0).Queues[0];
  const extras = {
    QuickConnects: Array.from({ length: extraInTarget }, (_, i) => ({
      QuickConnect: {
        Name: `Extra ${i}`,
        QuickConnectConfig: {
          QuickConnectType: "PHONE_NUMBER",
          PhoneConfig: { PhoneNumber: `+1415555${2000 + i}` },
        },
      },
      Tags: { Origin: "hand" },
      Queues: [queue],
    })),
  };
  await Deno.writeTextFile(`${dir}/extras.json`, JSON.stringify(extras));
  if (extraInTarget > 0) assert.equal((await cli(["--export-file", "extras.json"])).code, 0);
  return { emu, dir, cli, queueName: queue.Name as string };
}

Deno.test("--prune deletes what the export lacks, unlinking it first; a dry run shows it; undo restores it", async () => {
  const { emu, dir, cli } = await syncSetup(3, { deleteRefusesLinked: true });
  await using _ = emu;
  const before = content(emu.state());
  emu.resetCalls();
  const dry = await cli([
    "--export-file",
    "export.json",
    "--prune",
    "--dry-run",
    "--detailed-exitcode",
  ]);
  assert.equal(dry.code, 4, dry.stderr);
  assert.match(
    dry.stderr,
    /\[DRY RUN\] Would delete quick connect: Extra 0 \(first unlinked from 1 queue\)/,
  );
  assert.deepEqual(mutatingCalls(emu.calls()), {});
  // Without the flag, nothing is deleted.
  assert.equal((await cli(["--export-file", "export.json"])).code, 0);
  assert.equal(instance(emu.state(), "target").QuickConnects.length, 13);

  const r = await cli(["--export-file", "export.json", "--prune", "--report", "prune.json"]);
  assert.equal(r.code, 0, r.stderr);
  const names = instance(emu.state(), "target").QuickConnects.map((q) => q.Name);
  assert.equal(names.length, 10);
  assert.ok(names.every((n) => !n.startsWith("Extra")));
  const report = JSON.parse(await Deno.readTextFile(`${dir}/prune.json`));
  assert.deepEqual(report.Deleted.map((d: { Action: string }) => d.Action), [
    "deleted",
    "deleted",
    "deleted",
  ]);
  assert.equal(report.Undo.Deleted.length, 3);

  const undo = await cli(["--undo", "prune.json", "--report", "undo.json"]);
  assert.equal(undo.code, 0, undo.stderr);
  assert.deepEqual(content(emu.state()), before);
});

Deno.test("--max-deletes: more deletes than allowed is refused before any write, exit 2", async () => {
  const { emu, cli } = await syncSetup(3);
  await using _ = emu;
  emu.resetCalls();
  const r = await cli(["--export-file", "export.json", "--prune", "--max-deletes", "2"]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    /--prune would delete 3 quick connects, more than --max-deletes 2: refused, nothing was changed/,
  );
  assert.deepEqual(mutatingCalls(emu.calls()), {});
  assert.equal(
    (await cli(["--export-file", "export.json", "--prune", "--max-deletes", "3"])).code,
    0,
  );
  assert.equal(instance(emu.state(), "target").QuickConnects.length, 10);
  assert.equal((await cli(["--export-file", "export.json", "--max-deletes", "x"])).code, 2);
});

Deno.test("--prune-links removes links the source queue lacks, and only those", async () => {
  const { emu, cli, queueName } = await syncSetup(2);
  await using _ = emu;
  const linked = () => linksByName(instance(emu.state(), "target"));
  assert.deepEqual(linked()["Extra 0"], [queueName]);
  const dry = await cli(["--export-file", "export.json", "--prune-links", "--dry-run"]);
  assert.match(
    dry.stderr,
    new RegExp(`\\[DRY RUN\\] Would remove 2 links from queue '${queueName}': Extra 0, Extra 1`),
  );
  const r = await cli(["--export-file", "export.json", "--prune-links"]);
  assert.equal(r.code, 0, r.stderr);
  const after = linked();
  assert.equal(after["Extra 0"], undefined);
  assert.equal(after["Extra 1"], undefined);
  // The export's own links are all still there, and the extras still exist.
  const source = linksByName(instance(emu.state(), "source"));
  for (const [name, queues] of Object.entries(source)) assert.deepEqual(after[name], queues, name);
  assert.equal(instance(emu.state(), "target").QuickConnects.length, 12);
});

Deno.test("--undo after a run that created, updated and linked leaves the target as it was", async () => {
  const fixture = migrationFixture({ quickConnects: 8, queues: 3, linksPerQueue: 4 });
  await using source = await startEmulator({ seed: fixture, quotas: false });
  const { path, file } = await exportInstance(source, "source");
  await using emu: Emulator = await startEmulator({ seed: fixture, quotas: false });
  const dir = await Deno.makeTempDir({ prefix: "undo_" });
  const target = idOf(emu.state(), "target");
  const cli = (args: string[]) =>
    runCli(
      "import",
      ["--instance-id", target, "--endpoint-url", emu.url, "--consistency-wait", "0", ...args],
      dir,
      FAST,
    );
  // The target holds half of the quick connects already, some different from the file.
  const half = { ...file, QuickConnects: file.QuickConnects.slice(0, 4) };
  half.QuickConnects[0] = { ...half.QuickConnects[0]!, Tags: { Team: "old" } };
  half.QuickConnects[1] = {
    ...half.QuickConnects[1]!,
    QuickConnect: { ...half.QuickConnects[1]!.QuickConnect, Description: "old text" },
    Queues: [],
  };
  assert.equal((await cli(["--export-file", await tempJson(half)])).code, 0);
  const before = content(emu.state());

  const r = await cli(["--export-file", path, "--on-conflict", "update", "--report", "run.json"]);
  assert.equal(r.code, 0, r.stderr);
  const run = JSON.parse(await Deno.readTextFile(`${dir}/run.json`));
  assert.equal(run.Summary.Created, 4);
  assert.equal(run.Summary.Updated, 2);
  assert.ok(run.Undo.LinksAdded.length > 0);
  assert.notDeepEqual(content(emu.state()), before);

  emu.resetCalls();
  const dry = await cli(["--undo", "run.json", "--dry-run"]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stderr, /\[DRY RUN\] Would delete quick connect: /);
  assert.match(dry.stderr, /\[DRY RUN\] Would update quick connect: /);
  assert.deepEqual(mutatingCalls(emu.calls()), {});

  const undo = await cli(["--undo", "run.json", "--report", "undo.json"]);
  assert.equal(undo.code, 0, undo.stderr);
  assert.deepEqual(content(emu.state()), before);
  // A second undo has nothing left to do.
  const again = await cli(["--undo", "run.json", "--dry-run", "--detailed-exitcode"]);
  assert.equal(again.code, 0, again.stderr);
});

Deno.test("--undo leaves a created quick connect that was changed since, and says so", async () => {
  const fixture = migrationFixture({ quickConnects: 3, queues: 1, linksPerQueue: 0 });
  await using source = await startEmulator({ seed: fixture, quotas: false });
  const { path, file } = await exportInstance(source, "source");
  await using emu = await startEmulator({ seed: fixture, quotas: false });
  const dir = await Deno.makeTempDir({ prefix: "undo_" });
  const target = idOf(emu.state(), "target");
  const cli = (args: string[]) =>
    runCli("import", ["--instance-id", target, "--endpoint-url", emu.url, ...args], dir, FAST);
  assert.equal((await cli(["--export-file", path, "--report", "run.json"])).code, 0);
  // Someone edits one of them afterwards.
  const edited = {
    ...file,
    QuickConnects: [{ ...file.QuickConnects[0]!, Tags: { Edited: "yes" } }],
  };
  assert.equal(
    (await cli(["--export-file", await tempJson(edited), "--on-conflict", "update"])).code,
    0,
  );
  // The edited one is left, named with what changed, and the undo fails (exit 1).
  const undo = await cli(["--undo", "run.json"]);
  assert.equal(undo.code, 1, undo.stderr);
  assert.match(
    undo.stderr,
    /leaving quick connect .*: Not undone: created by the run, it was changed since \(tags\)/,
  );
  assert.deepEqual(
    instance(emu.state(), "target").QuickConnects.map((q) => q.Name),
    [file.QuickConnects[0]!.QuickConnect.Name],
  );
  // --force undoes it anyway, and says so.
  const forced = await cli(["--undo", "run.json", "--force"]);
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(
    forced.stderr,
    /deleting .* although it was changed since the run \(tags\): --force/,
  );
  assert.deepEqual(instance(emu.state(), "target").QuickConnects, []);
  // A dry run's report cannot be undone: it changed nothing.
  assert.equal((await cli(["--export-file", path, "--dry-run", "--report", "dry.json"])).code, 0);
  const bad = await cli(["--undo", "dry.json"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /is a dry run's report/);
});

Deno.test("--prune with filters deletes only what the filters select; filters selecting nothing of the file are refused", async () => {
  const { emu, cli } = await syncSetup(3);
  await using _ = emu;
  // The filters select the file's ten and Extra 1 of the target's extras.
  const r = await cli([
    "--export-file",
    "export.json",
    "--prune",
    "--exclude",
    "Extra 0",
    "--exclude",
    "Extra 2",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const names = instance(emu.state(), "target").QuickConnects.map((q) => q.Name);
  assert.equal(names.length, 12);
  assert.ok(!names.includes("Extra 1"));
  assert.ok(names.includes("Extra 0") && names.includes("Extra 2"));
  // The extras carry Origin=hand, the export's quick connects do not: the selection of the
  // file is empty, which says nothing of the source, so it cannot drive a prune (issue 16).
  emu.resetCalls();
  const t = await cli(["--export-file", "export.json", "--prune", "--tag", "Origin=hand"]);
  assert.equal(t.code, 2, t.stderr);
  assert.match(
    t.stderr,
    /Refusing --prune: the filters --tag "Origin=hand" select none of the 10 quick connects in the export file "export\.json"/,
  );
  assert.deepEqual(emu.calls(), {});
  assert.equal(instance(emu.state(), "target").QuickConnects.length, 12);
});
