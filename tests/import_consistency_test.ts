/**
 * Import against a target that behaves as the live service may (docs/live-service.md §1, §2):
 * changes listed only after a lag, and Search results without tags. The emulator's modes
 * make each matter; the tool must end every run as it would on a consistent service.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../emulator/testing.ts";
import {
  exportInstance,
  idOf,
  importInto,
  instance,
  linksByName,
  tempJson,
} from "./import_helpers.ts";
import { migrationFixture } from "./support/generate.ts";
import { testContext } from "./support/context.ts";
import { runExport } from "../lib/export/run_export.ts";

const WAIT = { consistencyWaitMs: 30_000 };

/** Quick connect names per name: 1 each means nothing was created twice. */
function counts(names: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const n of names) m.set(n, (m.get(n) ?? 0) + 1);
  return m;
}

Deno.test("lag 5 s: 100 quick connects and their links land once; a re-run and --verify right after agree", async () => {
  const fixture = migrationFixture({ quickConnects: 100, queues: 8, linksPerQueue: 20 });
  await using source = await startEmulator({ seed: fixture, quotas: false });
  const { path } = await exportInstance(source, "source");
  await using emu = await startEmulator({ seed: fixture, quotas: false, consistencyLagMs: 5000 });

  const first = await importInto(emu, "target", { exportFile: path, ...WAIT });
  assert.equal(
    first.exitCode,
    0,
    first.lines.filter((l) => / - (ERROR|WARNING) - /.test(l)).join("\n"),
  );
  assert.equal(first.report?.Summary.Created, 100);
  assert.equal(first.report?.Associations.Failed, 0);
  const target = instance(emu.state(), "target");
  assert.ok([...counts(target.QuickConnects.map((q) => q.Name)).values()].every((n) => n === 1));
  assert.equal(target.QuickConnects.length, 100);
  const want = linksByName(instance(emu.state(), "source"));
  assert.deepEqual(linksByName(target), want);

  // Right after: the target lists none of them yet.
  const again = await importInto(emu, "target", { exportFile: path, verify: true, ...WAIT });
  assert.equal(
    again.exitCode,
    0,
    again.lines.filter((l) => / - (ERROR|WARNING) - /.test(l)).join("\n"),
  );
  assert.equal(again.report?.Summary.Created, 0, "nothing counted as created twice");
  assert.equal(again.report?.Summary.Failed, 0);
  assert.equal(again.report?.Summary.Skipped, 100);
  assert.equal(again.report?.Verify?.Differences.length, 0);
  assert.equal(instance(emu.state(), "target").QuickConnects.length, 100);
  assert.deepEqual(linksByName(instance(emu.state(), "target")), want);
});

Deno.test("lag: a create whose response was lost is settled, not duplicated, though Search does not show it yet", async () => {
  await using emu = await startEmulator({
    seed: migrationFixture({ quickConnects: 0 }),
    quotas: false,
    consistencyLagMs: 1500,
  });
  const item = (name: string) => ({
    QuickConnect: {
      Name: name,
      QuickConnectConfig: {
        QuickConnectType: "PHONE_NUMBER",
        PhoneConfig: { PhoneNumber: "+14155550100" },
      },
    },
    Tags: { Team: "Ops" },
  });
  // The first create is applied, its response lost; the SDK's own retry is not counted on.
  emu.addFault({ Operation: "CreateQuickConnect", Error: "ConnectionReset", ResourceId: "Lost" });
  emu.addFault({
    Operation: "CreateQuickConnect",
    Error: "InternalServiceException",
    ResourceId: "Lost",
  });
  const file = await tempJson({ QuickConnects: [item("Lost"), item("Plain")] });
  const r = await importInto(emu, "target", { exportFile: file, ...WAIT }, { maxAttempts: 1 });
  assert.equal(r.exitCode, 0, r.lines.join("\n"));
  assert.deepEqual(r.report?.Items.map((i) => i.Action), ["created", "created"]);
  const target = instance(emu.state(), "target");
  assert.deepEqual(target.QuickConnects.map((q) => q.Name).sort(), ["Lost", "Plain"]);
  assert.equal(
    r.report?.Items[0]?.TargetId,
    target.QuickConnects.find((q) => q.Name === "Lost")?.QuickConnectId,
  );
});

Deno.test("Search without Tags: export, --verify and --on-conflict update see the tags all the same", async () => {
  const fixture = migrationFixture({ quickConnects: 30, queues: 3 });
  await using plain = await startEmulator({ seed: fixture, quotas: false });
  await using bare = await startEmulator({ seed: fixture, quotas: false, searchOmitsTags: true });
  const a = await exportInstance(plain, "source");
  const run = await testContext(bare, idOf(bare.state(), "source"));
  const b = await runExport(run.ctx, { output: `${run.dir}/e.json` });
  run.ctx.logger.close();
  assert.equal(b.exitCode, 0);
  const strip = (f: typeof a.file) => ({
    ...f,
    ExportTimestamp: "",
    QuickConnects: f.QuickConnects.map((q) => ({ ...q, ExportTimestamp: "" })),
  });
  const written = JSON.parse(await Deno.readTextFile(`${run.dir}/e.json`)) as typeof a.file;
  assert.deepEqual(strip(written), strip(a.file));
  assert.ok(
    run.lines.some((l) =>
      /WARNING - SearchQuickConnects returned no Tags for any quick connect/.test(l)
    ),
  );
  assert.ok(a.file.QuickConnects.some((q) => Object.keys(q.Tags).length > 0));

  // Import, then verify and update against a target whose Search leaves tags out.
  const first = await importInto(bare, "target", { exportFile: a.path, verify: true });
  assert.equal(first.exitCode, 0, first.lines.join("\n"));
  assert.equal(first.report?.Verify?.Differences.length, 0);
  const same = await importInto(bare, "target", { exportFile: a.path, onConflict: "update" });
  assert.equal(same.report?.Summary.Unchanged, 30, same.lines.join("\n"));
  // Change one tag in the file: update must see the target's tags to change only that.
  const changed = structuredClone(a.file);
  const tagged = changed.QuickConnects.find((q) => Object.keys(q.Tags).length > 0)!;
  tagged.Tags = { ...tagged.Tags, Team: "changed" };
  const upd = await importInto(bare, "target", {
    exportFile: await tempJson(changed),
    onConflict: "update",
  });
  assert.equal(upd.report?.Summary.Updated, 1, upd.lines.join("\n"));
  assert.deepEqual(upd.report?.Items.find((i) => i.Action === "updated")?.Changes, ["tags"]);
  const t = instance(bare.state(), "target").QuickConnects.find((q) =>
    q.Name === tagged.QuickConnect.Name
  );
  assert.deepEqual(t?.Tags, tagged.Tags);
});

Deno.test("lag: a re-run right after a run, with nothing listed yet, creates nothing and counts nothing created", async () => {
  await using emu = await startEmulator({
    seed: migrationFixture({ quickConnects: 0 }),
    quotas: false,
    consistencyLagMs: 2000,
  });
  const file = await tempJson({
    QuickConnects: ["A", "B", "C"].map((name) => ({
      QuickConnect: {
        Name: name,
        QuickConnectConfig: {
          QuickConnectType: "PHONE_NUMBER",
          PhoneConfig: { PhoneNumber: "+14155550100" },
        },
      },
      Tags: { Team: "Ops" },
    })),
  });
  const first = await importInto(emu, "target", { exportFile: file, ...WAIT });
  assert.equal(first.report?.Summary.Created, 3);
  // Right after (as soon as a new process could start): the target lists none of them yet,
  // and every create is answered "the name is taken".
  await new Promise((r) => setTimeout(r, 500));
  const again = await importInto(emu, "target", { exportFile: file, ...WAIT });
  assert.equal(again.exitCode, 0, again.lines.join("\n"));
  assert.deepEqual(again.report?.Summary, {
    Created: 0,
    Updated: 0,
    Unchanged: 0,
    Skipped: 3,
    Failed: 0,
  });
  assert.equal(emu.calls().CreateQuickConnect, 6);
  assert.equal(instance(emu.state(), "target").QuickConnects.length, 3);
});
