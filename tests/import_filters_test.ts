/**
 * import.ts with --include, --exclude, --type and --tag, as a user runs it, against the
 * emulator: the filters pick which items of the export file are imported; the others are
 * left out of the plan, the target, the report and the counts. Files with and without the
 * export's Filters member import; bad values are refused before any call.
 */
import assert from "node:assert/strict";
import { runExport } from "../lib/export/run_export.ts";
import type { ExportFile } from "../lib/export_file.ts";
import { parseFilters } from "../lib/filters.ts";
import type { ImportReport } from "../lib/import/report.ts";
import { type Emulator, startEmulator } from "../emulator/testing.ts";
import {
  context,
  exportInstance,
  idOf,
  instance,
  mutatingCalls,
  phoneItem,
  targetSeed,
  tempJson,
} from "./import_helpers.ts";
import { runCli } from "./support/cli.ts";
import { migrationFixture } from "./support/generate.ts";

const FAST = { CONNECT_QUOTA_SCALE: "50" };

async function importCli(emu: Emulator, alias: string, file: string, args: string[]) {
  const dir = await Deno.makeTempDir({ prefix: "import_filters_" });
  emu.resetCalls();
  const r = await runCli(
    "import",
    [
      "--instance-id",
      idOf(emu.state(), alias),
      "--endpoint-url",
      emu.url,
      "--export-file",
      file,
      "--report",
      "report.json",
      "--consistency-wait",
      "0",
      ...args,
    ],
    dir,
    FAST,
  );
  const report = JSON.parse(await Deno.readTextFile(`${dir}/report.json`)) as ImportReport;
  return { ...r, report, calls: emu.calls() };
}

/** The generated source's quick connects (see generate.ts): name, type and tags. */
function generated(n: number) {
  const types = ["USER", "QUEUE", "PHONE_NUMBER", "FLOW"];
  return Array.from({ length: n }, (_, i) => ({
    name: `QC ${String(i).padStart(5, "0")}`,
    type: types[i % 4] ?? "",
    tags: i % 5 === 0
      ? {} as Record<string, string>
      : { Team: `team-${i % 7}`, CostCenter: String(100 + (i % 13)) },
  }));
}

Deno.test("import.ts filters: only the selected items are planned, created, linked, reported and counted", async () => {
  await using emu = await startEmulator({
    seed: migrationFixture({ quickConnects: 40, queues: 4, linksPerQueue: 40 }),
    quotas: false,
  });
  const { path, file } = await exportInstance(emu, "source");
  const expected = generated(40).filter((q) =>
    (q.name.startsWith("QC 0001") || /^QC 0003.$/.test(q.name)) && !q.name.endsWith("5") &&
    q.type !== "FLOW"
  ).map((q) => q.name);
  assert.ok(expected.length >= 10);

  const r = await importCli(emu, "target", path, [
    "--include",
    "QC 0001*",
    "--include",
    "QC 0003?",
    "--exclude",
    "*5",
    "--type",
    "USER,QUEUE,PHONE_NUMBER",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    new RegExp(
      `INFO - Filters: ${expected.length} of 40 quick connects in the export file selected ` +
        `\\(--include "QC 0001\\*" --include "QC 0003\\?" --exclude "\\*5" --type USER,QUEUE,PHONE_NUMBER\\)`,
    ),
  );
  const target = instance(emu.state(), "target");
  assert.deepEqual(target.QuickConnects.map((q) => q.Name).sort(), expected);
  // Each reported item keeps its index in the file.
  const indexOf = new Map(file.QuickConnects.map((q, i) => [q.QuickConnect.Name, i]));
  assert.deepEqual(
    r.report.Items.map((i) => [i.Index, i.Name, i.Action]),
    expected.map((name) => [indexOf.get(name), name, "created"]),
  );
  assert.deepEqual(r.report.Summary, {
    Created: expected.length,
    Updated: 0,
    Unchanged: 0,
    Skipped: 0,
    Failed: 0,
  });
  // Links only for the selected ones: each is linked to its source queues' namesakes.
  const linked = new Set(Object.values(target.QueueQuickConnects).flat());
  const selectedLinks = file.QuickConnects.filter((q) => expected.includes(q.QuickConnect.Name))
    .reduce((n, q) => n + (q.Queues?.length ?? 0), 0);
  assert.equal(r.report.Associations.Added, selectedLinks);
  assert.ok(linked.size > 0);
  for (const id of linked) {
    assert.ok(target.QuickConnects.some((q) => q.QuickConnectId === id));
  }
  assert.match(r.stderr, new RegExp(`Successful: ${expected.length}\\n`));
  assert.match(r.stderr, /Skipped: 0\n/);
});

Deno.test("import.ts --tag: every tag must match; a dry run plans only the selected items", async () => {
  await using emu = await startEmulator({
    seed: migrationFixture({ quickConnects: 100, queues: 2 }),
    quotas: false,
  });
  const { path } = await exportInstance(emu, "source");
  const expected = generated(100).filter((q) =>
    q.tags.Team === "team-3" && q.tags.CostCenter === "103"
  ).map((q) => q.name);
  const r = await importCli(emu, "target", path, [
    "--tag",
    "Team=team-3",
    "--tag",
    "CostCenter=103",
    "--dry-run",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.report.Items.map((i) => i.Name), expected);
  assert.ok(r.report.Items.every((i) => i.Action === "would-create"));
  assert.match(r.stderr, new RegExp(`Filters: ${expected.length} of 100 quick connects`));
  assert.deepEqual(mutatingCalls(r.calls), {});
  const nothing = await importCli(emu, "target", path, ["--tag", "Team=Team-3", "--dry-run"]);
  assert.equal(nothing.code, 0, nothing.stderr);
  assert.deepEqual(nothing.report.Items, []);
  assert.match(nothing.stderr, /Filters: 0 of 100 quick connects in the export file selected/);
});

Deno.test("import.ts takes files with and without the export's Filters member", async () => {
  await using emu = await startEmulator({
    seed: migrationFixture({ quickConnects: 30, queues: 2 }),
    quotas: false,
  });
  // A filtered export: its file records the filters and holds only what they selected.
  const run = await context(emu, idOf(emu.state(), "source"));
  const filtered = `${run.dir}/filtered.json`;
  const filters = parseFilters(
    { include: ["QC 0001*"], exclude: [], type: ["USER"], tag: [] },
    "export",
  );
  assert.equal((await runExport(run.ctx, { output: filtered, filters })).exitCode, 0);
  run.ctx.logger.close();
  const file = JSON.parse(await Deno.readTextFile(filtered)) as ExportFile;
  assert.deepEqual(file.Filters, { Include: ["QC 0001*"], Exclude: [], Types: ["USER"], Tags: {} });
  assert.deepEqual(file.QuickConnects.map((q) => q.QuickConnect.Name), ["QC 00012", "QC 00016"]);
  assert.equal(file.TotalQuickConnects, 2);

  const r = await importCli(emu, "target", filtered, ["--dry-run"]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.report.Items.map((i) => i.Name), ["QC 00012", "QC 00016"]);
  assert.doesNotMatch(r.stderr, /Filters:/, "no import filters, no selection line");

  const nullFilters = await tempJson({ ...file, Filters: null });
  const n = await importCli(emu, "target", nullFilters, ["--dry-run"]);
  assert.equal(n.code, 0, n.stderr);
  assert.equal(n.report.Items.length, 2);

  const { path: whole } = await exportInstance(emu, "source");
  const all = await importCli(emu, "target", whole, ["--dry-run"]);
  assert.equal(all.code, 0, all.stderr);
  assert.equal(all.report.Items.length, 30);
});

Deno.test("import.ts filters: an invalid item with a name is filtered by it; one without a name stays and fails", async () => {
  await using emu = await startEmulator({ seed: targetSeed(), quotas: false });
  const bad = (name: string) => {
    const item = phoneItem(name);
    return {
      ...item,
      QuickConnect: {
        ...item.QuickConnect,
        QuickConnectConfig: {
          QuickConnectType: "PHONE_NUMBER",
          PhoneConfig: { PhoneNumber: "not a number" },
        },
      },
    };
  };
  const nameless = phoneItem("x");
  const path = await tempJson({
    FormatVersion: 2,
    QuickConnects: [
      phoneItem("Sales 1"),
      bad("Sales 2"),
      bad("Support 3"),
      { ...nameless, QuickConnect: { ...nameless.QuickConnect, Name: undefined } },
      phoneItem("Support 4"),
    ],
  });
  const r = await importCli(emu, "target", path, ["--include", "Sales*", "--dry-run"]);
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(r.report.Items.map((i) => [i.Index, i.Name, i.Action]), [
    [0, "Sales 1", "would-create"],
    [1, "Sales 2", "failed"],
    [3, null, "failed"],
  ]);
  assert.deepEqual(r.report.Summary, {
    Created: 1,
    Updated: 0,
    Unchanged: 0,
    Skipped: 0,
    Failed: 2,
  });
  assert.match(r.stderr, /Filters: 3 of 5 quick connects in the export file selected/);
});

Deno.test("import.ts refuses bad filter values with exit 2 before any call", async () => {
  await using emu = await startEmulator({ seed: targetSeed(), quotas: false });
  const path = await tempJson({ FormatVersion: 2, QuickConnects: [phoneItem("Sales 1")] });
  const cases: [string[], RegExp][] = [
    [["--type", "USER,AGENT"], /error: Invalid value for --type: "AGENT"/],
    [["--tag", "Department"], /error: Invalid value for --tag: "Department" \(expected KEY=VALUE/],
    [["--tag", "aws:cloudformation:stack-name=prod"], /the import drops aws: tags/],
    [["--exclude", " "], /error: Option --exclude needs a value/],
  ];
  for (const [args, re] of cases) {
    const dir = await Deno.makeTempDir();
    const r = await runCli(
      "import",
      [
        "--instance-id",
        idOf(emu.state(), "target"),
        "--endpoint-url",
        emu.url,
        "--export-file",
        path,
        ...args,
      ],
      dir,
      FAST,
    );
    assert.equal(r.code, 2, args.join(" "));
    assert.match(r.stderr, re);
    assert.deepEqual([...Deno.readDirSync(dir)], [], "no log, no report");
  }
  assert.deepEqual(emu.calls(), {});
});
