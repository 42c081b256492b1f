/**
 * A saved plan is applied exactly as the tool wrote it, or refused before any call: an
 * edit (its Digest no longer matches), a malformed entry (named by entry and field), a
 * plan of the older format; and a file of another kind given to --plan, --undo or
 * --export-file is named for what it is.
 */
import assert from "node:assert/strict";
import { type Emulator, startEmulator } from "../emulator/testing.ts";
import { exportInstance, idOf, instance } from "./import_helpers.ts";
import { migrationFixture } from "./support/generate.ts";
import { runCli } from "./support/cli.ts";
import { planDigest } from "../lib/import/plan_file.ts";

const FAST = { CONNECT_QUOTA_SCALE: "20" };

interface Entry {
  kind: string;
  item: { index: number; name: string; config: Record<string, unknown>; queues: unknown[] };
  config?: Record<string, unknown>;
}

/** A target with nothing yet, an export of the source and a saved plan (plan.json) for it. */
async function setup() {
  const fixture = migrationFixture({ quickConnects: 8, queues: 2, linksPerQueue: 3 });
  const source = await startEmulator({ seed: fixture, quotas: false });
  const { path } = await exportInstance(source, "source");
  await source.close();
  const emu = await startEmulator({ seed: fixture, quotas: false });
  const dir = await Deno.makeTempDir({ prefix: "plan_file_" });
  await Deno.copyFile(path, `${dir}/export.json`);
  const target = idOf(emu.state(), "target");
  const cli = (args: string[]) =>
    runCli(
      "import",
      ["--instance-id", target, "--endpoint-url", emu.url, "--consistency-wait", "0", ...args],
      dir,
      FAST,
    );
  const dry = await cli([
    "--export-file",
    "export.json",
    "--dry-run",
    "--plan-out",
    "plan.json",
    "--report",
    "dry-report.json",
  ]);
  assert.equal(dry.code, 0, dry.stderr);
  const plan = JSON.parse(await Deno.readTextFile(`${dir}/plan.json`));
  return { emu, dir, cli, plan };
}

/** Writes a changed copy of the plan (its Digest as it was) and returns its name. */
async function edited(
  dir: string,
  plan: unknown,
  name: string,
  edit: (entries: Entry[]) => void,
): Promise<string> {
  const copy = structuredClone(plan) as { Plan: { entries: Entry[] } };
  edit(copy.Plan.entries);
  await Deno.writeTextFile(`${dir}/${name}`, JSON.stringify(copy, null, 2));
  return name;
}

const phoneEntry = (entries: Entry[]) =>
  entries.find((e) => e.kind === "create" && e.item.config.QuickConnectType === "PHONE_NUMBER")!;

/** A run refused before it made any call at all. */
function assertRefusedUntouched(emu: Emulator, r: { code: number; stderr: string }, why: RegExp) {
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, why);
  assert.doesNotMatch(r.stderr, /Unexpected error|TypeError/);
  assert.deepEqual(emu.calls(), {});
  assert.equal(instance(emu.state(), "target").QuickConnects.length, 0);
}

Deno.test("a saved plan edited after it was made is refused, exit 2, before any call", async () => {
  const { emu, dir, cli, plan } = await setup();
  await using _ = emu;
  const edits: [string, (entries: Entry[]) => void][] = [
    // The resolved config: what would be sent.
    ["resolved-phone.json", (es) => {
      (phoneEntry(es).config!.PhoneConfig as { PhoneNumber: string }).PhoneNumber = "+15559990000";
    }],
    // The item's config: what the report and --verify compare with.
    ["item-phone.json", (es) => {
      (phoneEntry(es).item.config.PhoneConfig as { PhoneNumber: string }).PhoneNumber =
        "+15559990000";
    }],
    // An entry deleted: one without links, so only the digest can tell.
    ["deleted.json", (es) => {
      es.splice(es.findIndex((e) => e.item.queues.length === 0), 1);
    }],
    // An entry copied and renamed, as a new quick connect.
    ["copied.json", (es) => {
      const copy = structuredClone(es[0]!);
      copy.item.name = "Copied by hand";
      es.push(copy);
    }],
  ];
  for (const [name, edit] of edits) {
    emu.resetCalls();
    const r = await cli(["--plan", await edited(dir, plan, name, edit)]);
    assertRefusedUntouched(
      emu,
      r,
      /edited after it was made.*make a new plan (from an edited export or mapping file )?with --dry-run --plan-out/,
    );
  }
  const resolved = await cli(["--plan", "resolved-phone.json"]);
  assert.match(
    resolved.stderr,
    /error: Refusing plan "resolved-phone\.json": it was edited after it was made \(its content no longer matches its Digest\); nothing was changed\. A plan is applied exactly as the tool wrote it: to change what it does, edit the export or mapping file and make a new plan with --dry-run --plan-out/,
  );
  // Reindented, members reordered: the same content, so the same digest; it applies.
  const { Plan, ...rest } = plan;
  await Deno.writeTextFile(`${dir}/compact.json`, JSON.stringify({ Plan, ...rest }));
  const ok = await cli(["--plan", "compact.json", "--report", "r.json"]);
  assert.equal(ok.code, 0, ok.stderr);
  const report = JSON.parse(await Deno.readTextFile(`${dir}/r.json`));
  assert.equal(report.Summary.Created, 8);
  const phone = phoneEntry(plan.Plan.entries);
  const made = instance(emu.state(), "target").QuickConnects.find((q) =>
    q.Name === phone.item.name
  );
  assert.deepEqual(made?.QuickConnectConfig, phone.config);
});

Deno.test("a malformed plan entry is refused, exit 2, as an edit: its digest no longer matches", async () => {
  const { emu, dir, cli, plan } = await setup();
  await using _ = emu;
  const write = async (name: string, edit: (entries: Entry[]) => void, redigest: boolean) => {
    const copy = structuredClone(plan);
    edit(copy.Plan.entries);
    if (redigest) copy.Digest = await planDigest(copy);
    await Deno.writeTextFile(`${dir}/${name}`, JSON.stringify(copy, null, 2));
    return name;
  };
  const cases: [string, (entries: Entry[]) => void, RegExp][] = [
    [
      "string-item.json",
      (es) => (es[1] as unknown as { item: string }).item = "QC 00001",
      /Invalid plan file "string-item\.json": Plan\.entries\[1\]: item: must be an object/,
    ],
    [
      "bad-phone.json",
      (es) => (phoneEntry(es).config!.PhoneConfig as { PhoneNumber: string }).PhoneNumber = "555",
      /Plan\.entries\[\d\] \("QC \d+"\): config\.PhoneConfig\.PhoneNumber: "555" is not an E\.164 phone number/,
    ],
    [
      "bad-kind.json",
      (es) => es[0]!.kind = "replace",
      /Plan\.entries\[0\] \("QC 00000"\): kind: must be one of create, update, unchanged, skip, fail/,
    ],
    [
      "bad-tag.json",
      (es) => (es[1]!.item as unknown as { tags: Record<string, string> }).tags["no!"] = "x",
      /Plan\.entries\[1\] \("QC 00001"\): item\.tags\["no!"\]: tag key has characters outside/,
    ],
    [
      "dangling-link.json",
      (es) => {
        es.splice(es.findIndex((e) => e.item.queues.length > 0), 1);
      },
      /Plan\.links\[\d\]\.add\[\d\] \("QC \d+"\): index: no entry of the plan has index \d/,
    ],
    [
      "same-index.json",
      (es) => {
        const copy = structuredClone(es[0]!);
        copy.item.name = "Copied by hand";
        es.push(copy);
      },
      /Plan\.entries\[8\] \("Copied by hand"\): item\.index: 0 is also the index of entries\[0\]/,
    ],
  ];
  for (const [name, edit] of cases) {
    emu.resetCalls();
    // The digest is checked first: whatever the edit, it is refused as one, before any call.
    const stale = await cli(["--plan", await write(name, edit, false)]);
    assertRefusedUntouched(emu, stale, /Refusing plan .*: it was edited after it was made/);
  }
  // A header a digest was recomputed for is still checked.
  const copy = { ...structuredClone(plan), InstanceId: "" };
  copy.Digest = await planDigest(copy);
  await Deno.writeTextFile(`${dir}/forged.json`, JSON.stringify(copy));
  assertRefusedUntouched(
    emu,
    await cli(["--plan", "forged.json"]),
    /Invalid plan file "forged\.json": InstanceId/,
  );
});

Deno.test("a plan of the older format (PlanFormat 1, no digest) is refused: make a new plan", async () => {
  const { emu, dir, cli, plan } = await setup();
  await using _ = emu;
  const { Digest: _d, ...v1 } = { ...plan, PlanFormat: 1 };
  await Deno.writeTextFile(`${dir}/v1.json`, JSON.stringify(v1, null, 2));
  emu.resetCalls();
  const r = await cli(["--plan", "v1.json"]);
  assertRefusedUntouched(
    emu,
    r,
    /error: Refusing plan "v1\.json": it was made by an older version of this tool \(plan format 1, without a digest to show it is unedited\); nothing was changed: make a new plan with --dry-run --plan-out/,
  );
});

Deno.test("a file given to the wrong flag is named for what it is, exit 2, before any call", async () => {
  const { emu, dir, cli } = await setup();
  await using _ = emu;
  await Deno.writeTextFile(`${dir}/mapping.json`, JSON.stringify({ Users: { a: "b" } }));
  const cases: [string[], RegExp][] = [
    [
      ["--plan", "dry-report.json"],
      /error: "dry-report\.json" is an import report \(--report\), not a saved plan: to reverse that run, use --undo dry-report\.json/,
    ],
    [
      ["--plan", "export.json"],
      /error: "export\.json" is an export file \(written by export\), not a saved plan: to import it, use --export-file export\.json/,
    ],
    [
      ["--undo", "export.json"],
      /error: "export\.json" is an export file \(written by export\), not an import report: to import it, use --export-file export\.json/,
    ],
    [
      ["--undo", "plan.json"],
      /error: "plan\.json" is a saved plan \(--dry-run --plan-out\), not an import report: to apply it, use --plan plan\.json/,
    ],
    [
      ["--export-file", "plan.json"],
      /error: "plan\.json" is a saved plan \(--dry-run --plan-out\), not an export file: to apply it, use --plan plan\.json/,
    ],
    [
      ["--export-file", "dry-report.json"],
      /error: "dry-report\.json" is an import report \(--report\), not an export file: to reverse that run, use --undo dry-report\.json/,
    ],
    [
      ["--export-file", "mapping.json"],
      /error: "mapping\.json" is a mapping file \(--mapping\), not an export file: use it with --mapping mapping\.json/,
    ],
  ];
  for (const [args, why] of cases) {
    emu.resetCalls();
    assertRefusedUntouched(emu, await cli(args), why);
  }
});
