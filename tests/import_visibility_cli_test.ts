/**
 * Import tells which routing profiles of the target will see each quick connect (issue 24),
 * through the real CLI: the dry run and the report name a routing profile that lacks the
 * source's queues and one that is missing; --verify states parity, and passes once the target
 * is fixed; a saved plan carries the check; AccessDenied on SearchRoutingProfiles costs the
 * check, not the run; a file without RoutingProfiles reads no routing profile.
 */
import assert from "node:assert/strict";
import type { ExportFile } from "../lib/export_file.ts";
import type { ImportReport } from "../lib/import/report.ts";
import { type Emulator, type FixtureInput, startEmulator } from "../emulator/testing.ts";
import { runCli } from "./support/cli.ts";

const SOURCE = "5b000000-0000-4000-8000-000000000001";
const TARGET = "5b000000-0000-4000-8000-000000000002";
const QUEUES = ["Sales", "Sales Overflow", "Support", "Spare"].map((Name) => ({
  Id: `q-${Name.toLowerCase().replace(" ", "-")}`,
  Name,
}));
const phone = (n: number) => ({
  QuickConnectType: "PHONE_NUMBER" as const,
  PhoneConfig: { PhoneNumber: `+1555000${String(n).padStart(4, "0")}` },
});
const NAMES = ["Sales Hotline", "Support Desk", "Both"];
/** 500 routing profiles that see nothing: with the others, two pages of 500 a read. */
const FILLERS = Array.from({ length: 500 }, (_, i) => ({
  Name: `Filler ${String(i).padStart(3, "0")}`,
  DefaultOutboundQueueId: "Spare",
}));

/**
 * The source's 'Sales Agents' holds Sales and Sales Overflow, 'Support Agents' Support. The
 * target's 'Sales Agents' holds neither, and it has no 'Support Agents'; "Support Desk" is
 * there already, on Support (a link the target has: skipped, counted all the same).
 */
function seed(): FixtureInput {
  return {
    Instances: [
      {
        Id: SOURCE,
        Alias: "vis-source",
        Region: "us-east-1",
        AccountId: "123456789012",
        Queues: QUEUES,
        QuickConnects: NAMES.map((Name, i) => ({
          QuickConnectId: `qc-${i}`,
          Name,
          QuickConnectConfig: phone(i),
          Tags: { Team: "Visibility" },
        })),
        QueueQuickConnects: {
          "q-sales": ["qc-0", "qc-2"],
          "q-sales-overflow": ["qc-0"],
          "q-support": ["qc-1", "qc-2"],
        },
        RoutingProfiles: [
          {
            Name: "Sales Agents",
            DefaultOutboundQueueId: "Sales",
            AssociatedQueueIds: ["Sales", "Sales Overflow"],
            NumberOfAssociatedUsers: 12,
          },
          {
            Name: "Support Agents",
            DefaultOutboundQueueId: "Support",
            AssociatedQueueIds: ["Support"],
            NumberOfAssociatedUsers: 8,
          },
        ],
      },
      {
        Id: TARGET,
        Alias: "vis-target",
        Region: "us-east-1",
        AccountId: "123456789012",
        Queues: QUEUES,
        QuickConnects: [{
          QuickConnectId: "t-qc-1",
          Name: "Support Desk",
          QuickConnectConfig: phone(1),
          Tags: { Team: "Visibility" },
        }],
        QueueQuickConnects: { "q-support": ["t-qc-1"] },
        RoutingProfiles: [
          {
            Name: "Sales Agents",
            DefaultOutboundQueueId: "Spare",
            AssociatedQueueIds: ["Spare"],
            NumberOfAssociatedUsers: 12,
          },
          ...FILLERS,
        ],
      },
    ],
  };
}
const TARGET_PROFILES = 1 + FILLERS.length;

const warnings = (stderr: string) =>
  stderr.split("\n").filter((l) => l.includes(" - WARNING - ")).map((l) =>
    l.replace(/^.* - WARNING - /, "")
  );

const readJson = async <T>(path: string): Promise<T> => JSON.parse(await Deno.readTextFile(path));

/** The source exported (with RoutingProfiles) into a fresh folder, and a CLI on the target. */
async function setup(emu: Emulator) {
  const dir = await Deno.makeTempDir({ prefix: "import_visibility_" });
  const exp = await runCli("export", [
    "--instance-id",
    SOURCE,
    "--endpoint-url",
    emu.url,
    "--output",
    "export.json",
  ], dir);
  assert.equal(exp.code, 0, exp.stderr);
  const file = await readJson<ExportFile>(`${dir}/export.json`);
  assert.ok(file.QuickConnects.every((i) => Array.isArray(i.RoutingProfiles)));
  emu.resetCalls();
  const cli = (at: Emulator, ...args: string[]) =>
    runCli("import", ["--instance-id", TARGET, "--endpoint-url", at.url, ...args], dir);
  return { dir, file, cli };
}

const searches = (emu: Emulator) =>
  emu.callLog().filter((e) => e.operation === "SearchRoutingProfiles");

const LOSSES = [
  "Both: seen in the source by 'Sales Agents' (12 agents), 'Support Agents' (8 agents); in the target by none — 'Sales Agents' has none of its queues ('Sales'); 'Support Agents' does not exist in the target",
  "Sales Hotline: seen in the source by 'Sales Agents' (12 agents); in the target by none — 'Sales Agents' has none of its queues ('Sales', 'Sales Overflow')",
  "Support Desk: seen in the source by 'Support Agents' (8 agents); in the target by none — 'Support Agents' does not exist in the target",
  'No routing profile of the target will see these 3 quick connects "Both", "Sales Hotline", "Support Desk": no agent can transfer with them',
];

const VISIBILITY = {
  "Both": {
    Source: ["Sales Agents", "Support Agents"],
    Target: [],
    Lost: [
      "'Sales Agents' has none of its queues ('Sales')",
      "'Support Agents' does not exist in the target",
    ],
  },
  "Sales Hotline": {
    Source: ["Sales Agents"],
    Target: [],
    Lost: ["'Sales Agents' has none of its queues ('Sales', 'Sales Overflow')"],
  },
  "Support Desk": {
    Source: ["Support Agents"],
    Target: [],
    Lost: ["'Support Agents' does not exist in the target"],
  },
};

const visibilityOf = (r: ImportReport) =>
  Object.fromEntries(r.Items.map((i) => [i.Name, i.Visibility]));

Deno.test("a routing profile lacking the source's queues and one missing: the dry run and the real run warn by name before any change, the report records it, --verify states the differences; fixed, --verify passes parity; ⌈n ÷ 500⌉ calls a read", async () => {
  await using emu = await startEmulator({ seed: seed(), quotas: false });
  const { dir, cli } = await setup(emu);

  const dry = await cli(emu, "--export-file", "export.json", "--dry-run", "--report", "dry.json");
  assert.equal(dry.code, 0, dry.stderr);
  assert.deepEqual(warnings(dry.stderr), ["Quick connect already exists: Support Desk", ...LOSSES]);
  const dr = await readJson<ImportReport>(`${dir}/dry.json`);
  assert.deepEqual(visibilityOf(dr), VISIBILITY);
  assert.equal(searches(emu).length, Math.ceil(TARGET_PROFILES / 500));
  assert.ok(searches(emu).every((e) => e.status === 200 && e.resource === TARGET));

  emu.resetCalls();
  const run = await cli(emu, "--export-file", "export.json", "--verify", "--report", "run.json");
  assert.equal(run.code, 0, run.stderr);
  // Before the first change: the warnings come ahead of the first create.
  const firstCreate = run.stderr.indexOf("Created quick connect");
  assert.ok(firstCreate > run.stderr.indexOf(LOSSES[3] ?? ""), run.stderr);
  assert.deepEqual(warnings(run.stderr), [
    "Quick connect already exists: Support Desk",
    ...LOSSES,
    "Verify: Both: seen in the source by 'Sales Agents', 'Support Agents'; in the target by none",
    "Verify: Sales Hotline: seen in the source by 'Sales Agents'; in the target by none",
    "Verify: Support Desk: seen in the source by 'Support Agents'; in the target by none",
  ]);
  const rr = await readJson<ImportReport>(`${dir}/run.json`);
  assert.deepEqual(visibilityOf(rr), VISIBILITY);
  assert.deepEqual(rr.Verify?.Differences, []);
  assert.deepEqual(rr.Verify?.Visibility, {
    Checked: 3,
    Differences: Object.entries(VISIBILITY).map(([Name, v]) => ({
      Name,
      Source: v.Source,
      Target: [],
    })),
  });
  // One read for the plan, one for --verify.
  assert.equal(searches(emu).length, 2 * Math.ceil(TARGET_PROFILES / 500));

  // Fixed: 'Sales Agents' given the Sales queues, 'Support Agents' created (the tool changes
  // no routing profile: the fix is the target's owner's).
  const fixed = emu.state();
  const target = fixed.Instances.find((i) => i.Id === TARGET);
  assert.ok(target);
  const sales = target.RoutingProfiles.find((p) => p.Name === "Sales Agents");
  assert.ok(sales);
  sales.AssociatedQueueIds = ["q-sales", "q-sales-overflow"];
  target.RoutingProfiles.push({
    Name: "Support Agents",
    DefaultOutboundQueueId: "q-support",
    AssociatedQueueIds: ["q-support"],
    AssociatedManualAssignmentQueueIds: [],
    NumberOfAssociatedUsers: 8,
    IsDefault: false,
  });
  await using after = await startEmulator({ seed: fixed, quotas: false });
  const again = await cli(
    after,
    "--export-file",
    "export.json",
    "--verify",
    "--report",
    "fix.json",
  );
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(
    warnings(again.stderr),
    ["Both", "Sales Hotline", "Support Desk"].map((n) => `Quick connect already exists: ${n}`),
  );
  assert.match(
    again.stderr,
    / - INFO - Visibility parity: 3 quick connects are seen by the same routing profiles as in the source\n/,
  );
  const fr = await readJson<ImportReport>(`${dir}/fix.json`);
  assert.deepEqual(fr.Verify?.Visibility, { Checked: 3, Differences: [] });
  assert.deepEqual(visibilityOf(fr)["Both"], {
    Source: ["Sales Agents", "Support Agents"],
    Target: ["Sales Agents", "Support Agents"],
  });
});

Deno.test("a saved plan carries the check: applying it warns again and records it", async () => {
  await using emu = await startEmulator({ seed: seed(), quotas: false });
  const { dir, cli } = await setup(emu);
  const dry = await cli(
    emu,
    "--export-file",
    "export.json",
    "--dry-run",
    "--plan-out",
    "plan.json",
  );
  assert.equal(dry.code, 0, dry.stderr);
  emu.resetCalls();
  const run = await cli(emu, "--plan", "plan.json", "--report", "run.json");
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(warnings(run.stderr).filter((w) => !w.startsWith("Quick connect")), LOSSES);
  assert.deepEqual(visibilityOf(await readJson<ImportReport>(`${dir}/run.json`)), VISIBILITY);
  // What the plan says is what was read when it was made.
  assert.equal(searches(emu).length, 0);
});

Deno.test("AccessDenied on SearchRoutingProfiles: the import and --verify go on without the check, one WARNING naming the permission, exit 0", async () => {
  await using emu = await startEmulator({ seed: seed(), quotas: false });
  const { dir, cli } = await setup(emu);
  emu.addFault({ Operation: "SearchRoutingProfiles", Error: "AccessDeniedException", Count: -1 });
  const run = await cli(emu, "--export-file", "export.json", "--verify", "--report", "run.json");
  assert.equal(run.code, 0, run.stderr);
  const w = warnings(run.stderr);
  assert.equal(w.length, 2, w.join("\n"));
  assert.equal(w[0], "Quick connect already exists: Support Desk");
  assert.match(
    w[1] ?? "",
    /^Could not call connect:SearchRoutingProfiles \(AccessDeniedException: .*\): which routing profiles will see each quick connect in the target is not checked; allowing connect:SearchRoutingProfiles enables the check$/,
  );
  assert.match(run.stderr, / - INFO - Verification passed: 3 quick connects match the export file/);
  const r = await readJson<ImportReport>(`${dir}/run.json`);
  assert.equal(r.Summary.Created, 2);
  assert.ok(r.Items.every((i) => i.Visibility === undefined));
  assert.equal(r.Verify?.Visibility, undefined);
});

Deno.test("a file without RoutingProfiles (as earlier versions and the Python script write) imports as before: no SearchRoutingProfiles call, no visibility line", async () => {
  await using emu = await startEmulator({ seed: seed(), quotas: false });
  const { dir, file, cli } = await setup(emu);
  const bare = {
    ...file,
    QuickConnects: file.QuickConnects.map(({ RoutingProfiles: _, ...item }) => item),
  };
  await Deno.writeTextFile(`${dir}/bare.json`, JSON.stringify(bare));
  const run = await cli(emu, "--export-file", "bare.json", "--verify", "--report", "run.json");
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(warnings(run.stderr), ["Quick connect already exists: Support Desk"]);
  assert.doesNotMatch(run.stderr, /routing profile|Visibility parity/i);
  assert.equal(emu.calls().SearchRoutingProfiles, undefined);
  const r = await readJson<ImportReport>(`${dir}/run.json`);
  assert.ok(r.Items.every((i) => !("Visibility" in i)));
  assert.ok(r.Verify && !("Visibility" in r.Verify));
});
