/**
 * What --prune and a drift check may conclude from an export file (issue 16), through the
 * real CLIs against the emulator: the export's own recorded filters bound what --prune and
 * --prune-links consider; an empty export cannot drive a prune; a file imported into the
 * instance it came from is warned about; a prune refused by --max-deletes says what it would
 * have deleted, never "Deleting"; a drift check under `skip` names each quick connect that
 * differs, and its dry-run link lines name the quick connects.
 */
import assert from "node:assert/strict";
import { type Emulator, type FixtureInput, startEmulator } from "../emulator/testing.ts";
import { instance, mutatingCalls, phoneItem } from "./import_helpers.ts";
import { runCli } from "./support/cli.ts";

const FAST = { CONNECT_QUOTA_SCALE: "50" };
const SOURCE = "00000000-0000-4000-8000-0000000000aa";
const TARGET = "00000000-0000-4000-8000-0000000000bb";
const EMPTY = "00000000-0000-4000-8000-0000000000cc";

function phone(id: string, name: string, n: number, tags?: Record<string, string>) {
  return {
    QuickConnectId: id,
    Name: name,
    QuickConnectConfig: {
      QuickConnectType: "PHONE_NUMBER" as const,
      PhoneConfig: { PhoneNumber: `+1415555${String(n).padStart(4, "0")}` },
    },
    ...(tags ? { Tags: tags } : {}),
  };
}

/**
 * The source has Flow 1, Flow 2 and Other 1; the target has them too (Flow 1 with one
 * more tag, Flow 2 with another number), plus Flow 3 and Other 9, all linked to Support.
 * A third instance has a Support queue and no quick connect.
 */
function seed(): FixtureInput {
  const base = { Region: "us-east-1", AccountId: "123456789012" };
  return {
    Instances: [
      {
        ...base,
        Id: SOURCE,
        Alias: "source",
        Queues: [{ Id: "q-src-support", Name: "Support" }],
        QuickConnects: [
          phone("s-flow-1", "Flow 1", 1, { Dept: "Flow" }),
          phone("s-flow-2", "Flow 2", 2),
          phone("s-other-1", "Other 1", 11),
        ],
        QueueQuickConnects: { "q-src-support": ["s-flow-1", "s-other-1"] },
      },
      {
        ...base,
        Id: TARGET,
        Alias: "target",
        Queues: [{ Id: "q-support", Name: "Support" }],
        QuickConnects: [
          phone("t-flow-1", "Flow 1", 1, { Dept: "Flow", Owner: "someone" }),
          phone("t-flow-2", "Flow 2", 9002),
          phone("t-flow-3", "Flow 3", 3),
          phone("t-other-1", "Other 1", 11),
          phone("t-other-9", "Other 9", 19),
        ],
        QueueQuickConnects: { "q-support": ["t-flow-1", "t-flow-3", "t-other-1", "t-other-9"] },
      },
      { ...base, Id: EMPTY, Alias: "empty", Queues: [{ Id: "q-e-support", Name: "Support" }] },
    ],
  };
}

async function setup() {
  const emu = await startEmulator({ seed: seed(), quotas: false });
  const dir = await Deno.makeTempDir({ prefix: "prune_scope_" });
  const at = (id: string) => ["--instance-id", id, "--endpoint-url", emu.url];
  const exportOf = async (id: string, file: string, args: string[] = []) => {
    const r = await runCli("export", [...at(id), "--output", file, ...args], dir, FAST);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(await Deno.readTextFile(`${dir}/${file}`));
  };
  const importInto = (id: string, args: string[]) =>
    runCli("import", [...at(id), "--consistency-wait", "0", ...args], dir, FAST);
  return { emu, dir, exportOf, importInto };
}

const names = (emu: Emulator, alias: string) =>
  instance(emu.state(), alias).QuickConnects.map((q) => q.Name).sort();

Deno.test("--prune and --prune-links stay within the export file's own filters, and within the import's too", async () => {
  const { emu, exportOf, importInto } = await setup();
  await using _ = emu;
  const file = await exportOf(SOURCE, "flows.json", ["--include", "Flow*"]);
  assert.deepEqual(file.Filters, { Include: ["Flow*"], Exclude: [], Types: [], Tags: {} });

  const dry = await importInto(TARGET, [
    "--export-file",
    "flows.json",
    "--prune",
    "--prune-links",
    "--dry-run",
  ]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(
    dry.stderr,
    / - INFO - --prune and --prune-links: only the target's quick connects that the export file's filters \(--include "Flow\*"\) select are considered$/m,
  );
  assert.match(dry.stderr, /\[DRY RUN\] Would delete quick connect: Flow 3 \(first unlinked/);
  // Other 1 and Other 9 are another department's: neither deleted nor unlinked.
  assert.doesNotMatch(dry.stderr, /Would delete quick connect: Other/);
  assert.doesNotMatch(dry.stderr, /Would remove/);

  // Both the file's filters and the import's must select a quick connect.
  const both = await importInto(TARGET, [
    "--export-file",
    "flows.json",
    "--prune",
    "--exclude",
    "Flow 3",
    "--dry-run",
  ]);
  assert.equal(both.code, 0, both.stderr);
  assert.match(
    both.stderr,
    /--prune: only the target's quick connects that the export file's filters \(--include "Flow\*"\) and this import's filters \(--exclude "Flow 3"\) select are considered/,
  );
  assert.doesNotMatch(both.stderr, /Would delete/);

  const r = await importInto(TARGET, ["--export-file", "flows.json", "--prune", "--prune-links"]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(names(emu, "target"), ["Flow 1", "Flow 2", "Other 1", "Other 9"]);
  assert.deepEqual(
    instance(emu.state(), "target").QueueQuickConnects["q-support"]?.sort(),
    ["t-flow-1", "t-other-1", "t-other-9"],
  );

  // An unfiltered export considers every quick connect of the target.
  await exportOf(SOURCE, "all.json");
  const all = await importInto(TARGET, ["--export-file", "all.json", "--prune", "--dry-run"]);
  assert.match(all.stderr, /--prune: every quick connect of the target is considered/);
  assert.match(all.stderr, /\[DRY RUN\] Would delete quick connect: Other 9/);
});

Deno.test("an export with no quick connects cannot drive --prune: refused, exit 2, no call", async () => {
  const { emu, dir, exportOf, importInto } = await setup();
  await using _ = emu;
  const before = names(emu, "target");
  await exportOf(EMPTY, "empty.json");
  await exportOf(SOURCE, "none.json", ["--include", "Nothing*"]);
  emu.resetCalls();
  const r = await importInto(TARGET, ["--export-file", "empty.json", "--prune"]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    /Refusing --prune: the export file "empty\.json" is empty \(no quick connects\): it would delete every quick connect of the target; nothing was changed/,
  );
  // Its own filters selected nothing: as empty.
  const f = await importInto(TARGET, ["--export-file", "none.json", "--prune", "--dry-run"]);
  assert.equal(f.code, 2, f.stderr);
  assert.match(
    f.stderr,
    /the export file "none\.json" is empty \(no quick connects after its own filters \(--include "Nothing\*"\)\)/,
  );
  // This import's filters select nothing of a file that has quick connects: refused too.
  await exportOf(SOURCE, "all.json");
  emu.resetCalls();
  const sel = await importInto(TARGET, ["--export-file", "all.json", "--prune", "--include", "X*"]);
  assert.equal(sel.code, 2, sel.stderr);
  assert.match(
    sel.stderr,
    /Refusing --prune: the filters --include "X\*" select none of the 3 quick connects in the export file "all\.json"/,
  );
  assert.deepEqual(emu.calls(), {}, "refused before any call");
  assert.deepEqual(names(emu, "target"), before);
  // Without --prune an empty file is a harmless no-op.
  const plain = await importInto(TARGET, ["--export-file", "empty.json"]);
  assert.equal(plain.code, 0, plain.stderr);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a file imported into the instance it was exported from is warned about", async () => {
  const { emu, exportOf, importInto } = await setup();
  await using _ = emu;
  await exportOf(SOURCE, "all.json");
  const self = await importInto(SOURCE, ["--export-file", "all.json", "--dry-run"]);
  assert.equal(self.code, 0, self.stderr);
  assert.match(
    self.stderr,
    new RegExp(
      ` - WARNING - The export file was exported from this same instance \\(${SOURCE} in us-east-1\\)`,
    ),
  );
  const other = await importInto(TARGET, ["--export-file", "all.json", "--dry-run"]);
  assert.equal(other.code, 0, other.stderr);
  assert.doesNotMatch(other.stderr, /same instance/);
});

Deno.test("a prune refused by --max-deletes lists what it would have deleted, never 'Deleting'", async () => {
  const { emu, exportOf, importInto } = await setup();
  await using _ = emu;
  await exportOf(SOURCE, "all.json");
  emu.resetCalls();
  const r = await importInto(TARGET, [
    "--export-file",
    "all.json",
    "--prune",
    "--max-deletes",
    "1",
  ]);
  assert.equal(r.code, 2, r.stderr);
  assert.doesNotMatch(r.stderr, /Deleting/);
  assert.match(
    r.stderr,
    / - INFO - Would delete quick connect not in the export: Flow 3 -> t-flow-3/,
  );
  assert.match(r.stderr, / - INFO - Would delete quick connect not in the export: Other 9 -> /);
  assert.match(
    r.stderr,
    /^error: --prune would delete 2 quick connects, more than --max-deletes 1: refused, nothing was changed/m,
  );
  assert.deepEqual(mutatingCalls(emu.calls()), {});
  assert.equal(names(emu, "target").length, 5);
  // Allowed, the same run announces its deletes.
  const ok = await importInto(TARGET, [
    "--export-file",
    "all.json",
    "--prune",
    "--max-deletes",
    "2",
  ]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stderr, /Deleting quick connect not in the export: Flow 3 -> t-flow-3/);
});

Deno.test("drift check: under skip each differing quick connect is a WARNING (exit 0); --on-conflict update exits 4", async () => {
  const { emu, dir, exportOf, importInto } = await setup();
  await using _ = emu;
  await exportOf(SOURCE, "all.json");
  const check = ["--export-file", "all.json", "--dry-run", "--detailed-exitcode"];
  const skip = await importInto(TARGET, check);
  assert.equal(skip.code, 0, skip.stderr);
  assert.match(
    skip.stderr,
    / - WARNING - Quick connect already exists and differs from the file: Flow 1 \(Tags\["Owner"\]\); skipped: --on-conflict update would change it$/m,
  );
  assert.match(
    skip.stderr,
    / - WARNING - Quick connect already exists and differs from the file: Flow 2 \(QuickConnectConfig\.PhoneConfig\.PhoneNumber\); skipped/,
  );
  assert.match(skip.stderr, / - WARNING - Quick connect already exists: Other 1$/m);

  const update = await importInto(TARGET, [...check, "--on-conflict", "update"]);
  assert.equal(update.code, 4, update.stderr);
  assert.match(update.stderr, /\[DRY RUN\] Would update quick connect: Flow 1 \(tags\)/);
  assert.match(update.stderr, /\[DRY RUN\] Would update quick connect: Flow 2 \(config\)/);
  assert.doesNotMatch(update.stderr, /Would update quick connect: Other 1/);

  // One whose queue does not exist in the target cannot be compared: said so.
  const queueItem = {
    QuickConnect: {
      Name: "Other 1",
      QuickConnectConfig: {
        QuickConnectType: "QUEUE",
        QueueConfig: { QueueId: "src-q-nope", ContactFlowId: "src-flow" },
      },
    },
    References: {
      Queue: { Id: "src-q-nope", Name: "Nope" },
      ContactFlow: { Id: "src-flow", Name: "Nope flow", Type: "QUEUE_TRANSFER" },
    },
  };
  await Deno.writeTextFile(`${dir}/q.json`, JSON.stringify({ QuickConnects: [queueItem] }));
  const q = await importInto(TARGET, [
    "--export-file",
    "q.json",
    "--dry-run",
    "--detailed-exitcode",
  ]);
  assert.equal(q.code, 0, q.stderr);
  assert.match(
    q.stderr,
    / - WARNING - Quick connect already exists: Other 1; cannot compare it with the file: .*Nope/,
  );

  // Its plan, saved, is applied as any other (a skip changes nothing).
  const saved = await importInto(TARGET, [...check, "--plan-out", "drift-plan.json"]);
  assert.equal(saved.code, 0, saved.stderr);
  const applied = await importInto(TARGET, ["--plan", "drift-plan.json"]);
  assert.equal(applied.code, 0, applied.stderr);

  // A plain dry run under skip does not compare (no reading whole for it).
  const plain = await importInto(TARGET, ["--export-file", "all.json", "--dry-run"]);
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stderr, / - WARNING - Quick connect already exists: Flow 1$/m);
});

Deno.test("dry-run link lines name the quick connects, the first 10 then 'and N more'", async () => {
  const { emu, dir, importInto } = await setup();
  await using _ = emu;
  const items = Array.from(
    { length: 12 },
    (_, i) => phoneItem(`Q ${String(i + 1).padStart(2, "0")}`, { queues: ["Support"] }),
  );
  await Deno.writeTextFile(`${dir}/twelve.json`, JSON.stringify({ QuickConnects: items }));
  const r = await importInto(EMPTY, ["--export-file", "twelve.json", "--dry-run"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /\[DRY RUN\] Would associate 12 quick connects with queue 'Support': Q 01, Q 02, Q 03, Q 04, Q 05, Q 06, Q 07, Q 08, Q 09, Q 10 and 2 more$/m,
  );
  await Deno.writeTextFile(
    `${dir}/two.json`,
    JSON.stringify({ QuickConnects: items.slice(0, 2) }),
  );
  const two = await importInto(EMPTY, ["--export-file", "two.json", "--dry-run"]);
  assert.match(two.stderr, /Would associate 2 quick connects with queue 'Support': Q 01, Q 02$/m);
});

Deno.test("a hand-written Filters member bounds --prune too; an unknown type in it is refused; failed exports are not pruned", async () => {
  const { emu, dir, importInto } = await setup();
  await using _ = emu;
  const write = (name: string, extra: Record<string, unknown>) =>
    Deno.writeTextFile(
      `${dir}/${name}`,
      JSON.stringify({ QuickConnects: [phoneItem("Flow 1")], ...extra }),
    );
  await write("partial.json", { Filters: { Include: ["Flow*"] } });
  const r = await importInto(TARGET, ["--export-file", "partial.json", "--prune", "--dry-run"]);
  assert.equal(r.code, 0, r.stderr);
  const deleted = [...r.stderr.matchAll(/Would delete quick connect: (.+?)( \(|$)/gm)]
    .map((m) => m[1]);
  assert.deepEqual(deleted, ["Flow 2", "Flow 3"]);

  await write("fax.json", { Filters: { Include: [], Types: ["FAX"] } });
  const fax = await importInto(TARGET, ["--export-file", "fax.json", "--prune", "--dry-run"]);
  assert.equal(fax.code, 2, fax.stderr);
  assert.match(fax.stderr, /Filters\.Types\[0\]: "FAX" is not a type this tool knows/);

  // Flow 3 could not be exported: it is in the source, so it stays.
  await write("failed.json", {
    Filters: { Include: ["Flow*"] },
    FailedQuickConnects: [{ QuickConnectId: "x", Name: "Flow 3", Error: "AccessDenied" }],
  });
  const f = await importInto(TARGET, ["--export-file", "failed.json", "--prune", "--dry-run"]);
  assert.equal(f.code, 0, f.stderr);
  assert.match(f.stderr, /Would delete quick connect: Flow 2$/m);
  assert.doesNotMatch(f.stderr, /Would delete quick connect: Flow 3/);
});
