/**
 * Export records which routing profiles (so which agents) see each quick connect, through the
 * real CLI: the warning for those no routing profile sees, the calls it costs, AccessDenied on
 * SearchRoutingProfiles, and files with and without the member importing. Also two export
 * fixes of issue 23: --no-search logs no Search, and an export with failures says so.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { ExportFile } from "../lib/export_file.ts";
import { type Emulator, type FixtureInput, startEmulator } from "../emulator/testing.ts";
import { runCli } from "./support/cli.ts";

const SOURCE = "5a000000-0000-4000-8000-000000000001";
const TARGET = "5a000000-0000-4000-8000-000000000002";
const phone = (n: number) => ({
  QuickConnectType: "PHONE_NUMBER" as const,
  PhoneConfig: { PhoneNumber: `+1555000${String(n).padStart(4, "0")}` },
});
const QUEUES = ["Sales", "Support", "Billing", "Orphan", "Spare"].map((Name) => ({
  Id: `q-${Name.toLowerCase()}`,
  Name,
}));

/**
 * Six quick connects; three of them on no routing profile's queue: "Legal" (Billing, which a
 * routing profile holds only for manual assignment), "Orphan A" (a queue of none) and
 * "Unlinked" (no queue). 503 routing profiles: two SearchRoutingProfiles pages of 500.
 */
function seed(): FixtureInput {
  const names = ["Sales Hotline", "Support Desk", "Both", "Legal", "Orphan A", "Unlinked"];
  const fillers = Array.from({ length: 500 }, (_, i) => ({
    Name: `Filler ${String(i).padStart(3, "0")}`,
    DefaultOutboundQueueId: "Spare",
  }));
  return {
    Instances: [
      {
        Id: SOURCE,
        Alias: "vis-source",
        Region: "us-east-1",
        AccountId: "123456789012",
        Queues: QUEUES,
        QuickConnects: names.map((Name, i) => ({
          QuickConnectId: `qc-${i}`,
          Name,
          QuickConnectConfig: phone(i),
          // With no tag anywhere, Search would be followed by Describe (and its warning).
          Tags: { Team: "Visibility" },
        })),
        QueueQuickConnects: {
          "q-sales": ["qc-0", "qc-2"],
          "q-support": ["qc-1", "qc-2"],
          "q-billing": ["qc-3"],
          "q-orphan": ["qc-4"],
        },
        RoutingProfiles: [
          {
            Name: "Sales Agents",
            DefaultOutboundQueueId: "Sales",
            AssociatedQueueIds: ["Sales"],
            NumberOfAssociatedUsers: 12,
          },
          // Sees through its default outbound queue alone.
          { Name: "Support Agents", DefaultOutboundQueueId: "Support", NumberOfAssociatedUsers: 8 },
          {
            Name: "Billing Desk",
            DefaultOutboundQueueId: "Spare",
            AssociatedManualAssignmentQueueIds: ["Billing"],
            NumberOfAssociatedUsers: 2,
          },
          ...fillers,
        ],
      },
      {
        Id: TARGET,
        Alias: "vis-target",
        Region: "us-east-1",
        AccountId: "123456789012",
        Queues: QUEUES,
      },
    ],
  };
}

const exportCli = (emu: Emulator, dir: string, ...args: string[]) =>
  runCli("export", ["--instance-id", SOURCE, "--endpoint-url", emu.url, ...args], dir);

const warnings = (stderr: string) => stderr.split("\n").filter((l) => l.includes(" - WARNING - "));

const readExport = async (path: string): Promise<ExportFile> =>
  JSON.parse(await Deno.readTextFile(path));

const dryRun = (emu: Emulator, dir: string, instanceId: string, file: string) =>
  runCli("import", [
    "--instance-id",
    instanceId,
    "--endpoint-url",
    emu.url,
    "--export-file",
    file,
    "--dry-run",
  ], dir);

Deno.test("export records who sees each quick connect, warns by name about the three no routing profile sees, in ⌈503 ÷ 500⌉ calls", async () => {
  await using emu = await startEmulator({ seed: seed(), quotas: false });
  const dir = await Deno.makeTempDir();
  const r = await exportCli(emu, dir, "--output", "out.json");
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(warnings(r.stderr).map((l) => l.replace(/^.* - WARNING - /, "")), [
    'No routing profile sees these 3 quick connects "Legal", "Orphan A", "Unlinked": no agent can transfer with them',
  ]);
  const file = await readExport(`${dir}/out.json`);
  const seen = Object.fromEntries(
    file.QuickConnects.map((i) => [i.QuickConnect.Name, i.RoutingProfiles]),
  );
  const sales = { Name: "Sales Agents", Agents: 12, Queues: ["Sales"] };
  const support = { Name: "Support Agents", Agents: 8, Queues: ["Support"] };
  assert.deepEqual(seen, {
    "Both": [sales, support],
    "Legal": [],
    "Orphan A": [],
    "Sales Hotline": [sales],
    "Support Desk": [support],
    "Unlinked": [],
  });
  const searches = emu.callLog().filter((e) => e.operation === "SearchRoutingProfiles");
  assert.equal(searches.length, Math.ceil(503 / 500));
  assert.ok(searches.every((e) => e.status === 200 && e.resource === SOURCE));
  // A file with the member imports (the import reads what it knows).
  const imported = await dryRun(emu, dir, TARGET, "out.json");
  assert.equal(imported.code, 0, imported.stderr);
});

Deno.test("AccessDenied on SearchRoutingProfiles: exit 0, one WARNING naming the permission, no RoutingProfiles; the file imports", async () => {
  await using emu = await startEmulator({ seed: seed(), quotas: false });
  emu.addFault({ Operation: "SearchRoutingProfiles", Error: "AccessDeniedException", Count: -1 });
  const dir = await Deno.makeTempDir();
  const r = await exportCli(emu, dir, "--output", "denied.json");
  assert.equal(r.code, 0, r.stderr);
  const w = warnings(r.stderr);
  assert.equal(w.length, 1, w.join("\n"));
  assert.match(
    w[0] ?? "",
    / - WARNING - Could not call connect:SearchRoutingProfiles \(AccessDeniedException: .*\): who sees each quick connect \(RoutingProfiles\) is not exported$/,
  );
  assert.match(r.stderr, / - INFO - Export completed successfully!\n/);
  const file = await readExport(`${dir}/denied.json`);
  assert.equal(file.SuccessfulExports, 6);
  assert.ok(file.QuickConnects.every((i) => !("RoutingProfiles" in i)));
  assert.ok(file.QuickConnects.some((i) => (i.Queues?.length ?? 0) > 0), "the links are there");
  assert.deepEqual(emu.faulted(), { SearchRoutingProfiles: 1 });
  const imported = await dryRun(emu, dir, TARGET, "denied.json");
  assert.equal(imported.code, 0, imported.stderr);
});

Deno.test("the Python script's example file (no RoutingProfiles, no Queues) still imports", async () => {
  const guide = fileURLToPath(
    new URL("./fixtures/import/seed_guide_example.json", import.meta.url),
  );
  const target = "00000000-0000-4000-8000-0000000000aa";
  await using emu = await startEmulator({
    seed: {
      Instances: [{
        Id: target,
        Alias: "guide-target",
        Region: "us-east-1",
        AccountId: "123456789012",
        Users: [{ Id: "user-87654321-4321-4321-4321-210987654321", Username: "lead" }],
        Queues: [{ Id: "queue-11111111-2222-3333-4444-555555555555", Name: "Support" }],
        ContactFlows: [
          {
            Id: "flow-11111111-2222-3333-4444-555555555555",
            Name: "Agent transfer",
            ContactFlowType: "AGENT_TRANSFER",
          },
          {
            Id: "flow-22222222-3333-4444-5555-666666666666",
            Name: "Queue transfer",
            ContactFlowType: "QUEUE_TRANSFER",
          },
        ],
      }],
    },
    quotas: false,
  });
  const dir = await Deno.makeTempDir();
  const raw = JSON.parse(await Deno.readTextFile(guide));
  assert.ok(raw.QuickConnects.every((i: object) => !("RoutingProfiles" in i)));
  const r = await dryRun(emu, dir, target, guide);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Would create quick connect: Sales Team Lead/);
});

Deno.test("export --no-search logs no SearchQuickConnects; an export with failures says so and exits 1", async () => {
  await using emu = await startEmulator({ seed: seed(), quotas: false });
  const dir = await Deno.makeTempDir();
  const listed = await exportCli(
    emu,
    dir,
    "--no-search",
    "--include",
    "Sales*",
    "--output",
    "a.json",
  );
  assert.equal(listed.code, 0, listed.stderr);
  assert.doesNotMatch(listed.stderr, /SearchQuickConnects/);
  assert.match(listed.stderr, / - INFO - Filters: --include "Sales\*" \(every quick connect read/);
  assert.equal(emu.calls().SearchQuickConnects, undefined);
  assert.equal((await readExport(`${dir}/a.json`)).SuccessfulExports, 1);

  emu.addFault({
    Operation: "DescribeQuickConnect",
    Error: "AccessDeniedException",
    Count: -1,
    ResourceId: "qc-3",
  });
  const failed = await exportCli(emu, dir, "--no-search", "--output", "b.json");
  assert.equal(failed.code, 1, failed.stderr);
  assert.doesNotMatch(failed.stderr, /completed successfully/);
  assert.match(
    failed.stderr,
    / - WARNING - Export completed with failures \(1 of 6, listed in the file's FailedQuickConnects\)\n/,
  );
  assert.match(failed.stderr, / - INFO - Failed exports: 1\n/);
});
