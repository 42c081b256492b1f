/**
 * Export of one emulated instance imported into another whose users, queues and flows
 * have the same names and different IDs: every reference remapped by name, tags and queue
 * links intact, the seed's log and summary lines, a re-run creating nothing (the default
 * --on-conflict skip); --on-conflict fail; dry run; the seed guide's file. --on-conflict
 * update is in import_update_test.ts.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  type Fixture,
  type FixtureInput,
  SAMPLE_SEED_PATH,
  startEmulator,
} from "../emulator/testing.ts";
import {
  exportInstance,
  idOf,
  importInto,
  instance,
  linksByName,
  LOG_LINE,
  mutatingCalls,
  qcByName,
} from "./import_helpers.ts";
import { seedCounts, summarize } from "../lib/import/report.ts";

type Inst = Fixture["Instances"][number];

/** A quick connect's config with every ID replaced by the name it has in `inst`. */
function named(inst: Inst, name: string) {
  const qc = qcByName(inst, name);
  assert.ok(qc, `quick connect ${name} in ${inst.Alias}`);
  const c = qc.QuickConnectConfig;
  const user = (id?: string) => inst.Users.find((u) => u.Id === id)?.Username ?? `?${id}`;
  const queue = (id?: string) => inst.Queues.find((q) => q.Id === id)?.Name ?? `?${id}`;
  const flow = (id?: string) => {
    const f = inst.ContactFlows.find((x) => x.Id === id);
    return f ? `${f.Name}/${f.ContactFlowType}` : `?${id}`;
  };
  return {
    Description: qc.Description,
    Type: c.QuickConnectType,
    User: c.UserConfig ? user(c.UserConfig.UserId) : undefined,
    Queue: c.QueueConfig ? queue(c.QueueConfig.QueueId) : undefined,
    Flow: flow(
      c.UserConfig?.ContactFlowId ?? c.QueueConfig?.ContactFlowId ??
        c.FlowConfig?.ContactFlowId,
    ),
    Phone: c.PhoneConfig?.PhoneNumber,
    Tags: qc.Tags ?? {},
  };
}

Deno.test("round trip: all four types remapped by name, tags and links intact, re-run creates nothing", async () => {
  await using emu = await startEmulator({ seed: SAMPLE_SEED_PATH, quotas: false });
  const before = emu.state();
  const src = instance(before, "source-demo");
  const tgtBefore = instance(before, "target-demo");
  // The premise: same names, different IDs.
  assert.notDeepEqual(src.Users.map((u) => u.Id), tgtBefore.Users.map((u) => u.Id));
  const { path, file } = await exportInstance(emu, "source-demo");
  assert.deepEqual(
    new Set(file.QuickConnects.map((q) => q.QuickConnect.QuickConnectConfig.QuickConnectType)),
    new Set(["USER", "QUEUE", "PHONE_NUMBER", "FLOW"]),
  );

  emu.resetCalls();
  const r = await importInto(emu, "target-demo", { exportFile: path });
  assert.equal(r.exitCode, 0, r.lines.join("\n"));
  const tgt = instance(emu.state(), "target-demo");
  const existing = new Set(tgtBefore.QuickConnects.map((q) => q.Name));
  for (const item of r.report?.Items ?? []) {
    assert.equal(item.Action, existing.has(item.Name ?? "") ? "skipped" : "created", item.Name!);
    assert.equal(item.TargetId, qcByName(tgt, item.Name ?? "")?.QuickConnectId);
  }
  for (const qc of src.QuickConnects) {
    if (existing.has(qc.Name)) continue;
    assert.deepEqual(named(tgt, qc.Name), named(src, qc.Name), qc.Name);
  }
  // Every source link exists in the target by name (the target may have more).
  const want = linksByName(src);
  const have = linksByName(tgt);
  for (const [name, queues] of Object.entries(want)) {
    for (const q of queues) assert.ok(have[name]?.includes(q), `${name} linked to ${q}`);
  }
  assert.equal(tgt.QuickConnects.length, tgtBefore.QuickConnects.length + 6);

  // Calls: each list once, one create per new quick connect, one association call per queue.
  const calls = emu.calls();
  assert.deepEqual(
    {
      ListQuickConnects: calls.ListQuickConnects,
      ListUsers: calls.ListUsers,
      ListQueues: calls.ListQueues,
      ListContactFlows: calls.ListContactFlows,
      CreateQuickConnect: calls.CreateQuickConnect,
      AssociateQueueQuickConnects: calls.AssociateQueueQuickConnects,
      ListQueueQuickConnects: calls.ListQueueQuickConnects,
      SearchQuickConnects: calls.SearchQuickConnects,
      DescribeQuickConnect: calls.DescribeQuickConnect,
    },
    {
      ListQuickConnects: 1,
      ListUsers: 1,
      ListQueues: 1,
      ListContactFlows: 1,
      CreateQuickConnect: 6,
      AssociateQueueQuickConnects: 3,
      ListQueueQuickConnects: 2, // only the queues of quick connects that already exist
      SearchQuickConnects: undefined,
      DescribeQuickConnect: undefined,
    },
  );

  // The seed's lines, word for word, and the log format on every line.
  for (const l of r.lines) assert.match(l, LOG_LINE);
  const msgs = r.lines.map((l) => l.replace(LOG_LINE, ""));
  const id = idOf(before, "target-demo");
  for (
    const m of [
      `Initialized quick connect importer for instance: ${id} in region: us-east-1`,
      "Starting quick connect import process (dry_run=False)...",
      `Loaded export data from ${path}`,
      "Total quick connects in export: 8",
      "Fetching existing quick connects...",
      "Found 2 existing quick connects",
      "Quick connect already exists: Support Queue",
      "Import process completed!",
      "Successful: 6",
      "Failed: 0",
      "Skipped: 2",
    ]
  ) assert.ok(msgs.includes(m), `missing line: ${m}`);
  assert.ok(
    r.lines.some((l) => / - WARNING - Quick connect already exists: External Helpdesk$/.test(l)),
  );
  const created = msgs.filter((m) => m.startsWith("Created quick connect: "));
  assert.equal(created.length, 6);
  assert.ok(created.every((m) => / -> [0-9a-f-]{36}$/.test(m)));
  // Summary lines come last, in the seed's order.
  assert.deepEqual(msgs.slice(-4), [
    "Import process completed!",
    "Successful: 6",
    "Failed: 0",
    "Skipped: 2",
  ]);

  // A re-run: nothing created, nothing linked twice, exit 0.
  const stateAfterFirst = emu.state();
  emu.resetCalls();
  const again = await importInto(emu, "target-demo", { exportFile: path });
  assert.equal(again.exitCode, 0);
  assert.deepEqual(again.report?.Summary, {
    Created: 0,
    Updated: 0,
    Unchanged: 0,
    Skipped: 8,
    Failed: 0,
  });
  assert.deepEqual(mutatingCalls(emu.calls()), {});
  assert.equal(again.report?.Associations.Added, 0);
  assert.deepEqual(emu.state(), stateAfterFirst);
  // Under skip nothing is resolved for existing items: no user, flow or describe reads.
  assert.equal(emu.calls().ListUsers, undefined);
  assert.equal(emu.calls().ListContactFlows, undefined);
});

Deno.test("seedCounts(): Successful = created + updated, Skipped = skipped + unchanged", () => {
  const base = {
    Index: 0,
    Name: "n",
    SourceId: null,
    TargetId: null,
    Error: null,
    Outcome: "done" as const,
  };
  const s = summarize([
    { ...base, Action: "created" },
    { ...base, Action: "updated" },
    { ...base, Action: "unchanged" },
    { ...base, Action: "skipped" },
    { ...base, Action: "failed" },
    { ...base, Action: "would-create" },
  ]);
  assert.deepEqual(s, { Created: 2, Updated: 1, Unchanged: 1, Skipped: 1, Failed: 1 });
  assert.deepEqual(seedCounts(s), { successful: 3, failed: 1, skipped: 2 });
});

Deno.test("dry run: the full plan, zero mutating calls, state unchanged", async () => {
  await using emu = await startEmulator({ seed: SAMPLE_SEED_PATH, quotas: false });
  const { path } = await exportInstance(emu, "source-demo");
  const before = emu.state();
  emu.resetCalls();
  const dir = await Deno.makeTempDir();
  const r = await importInto(emu, "target-demo", {
    exportFile: path,
    dryRun: true,
    reportFile: `${dir}/report.json`,
  });
  assert.equal(r.exitCode, 0);
  assert.deepEqual(emu.state(), before);
  assert.deepEqual(mutatingCalls(emu.calls()), {});
  const msgs = r.lines.map((l) => l.replace(LOG_LINE, ""));
  assert.ok(msgs.includes("Starting quick connect import process (dry_run=True)..."));
  assert.equal(
    msgs.filter((m) => m.startsWith("[DRY RUN] Would create quick connect: ")).length,
    6,
  );
  assert.ok(msgs.includes("[DRY RUN] Would create quick connect: Transfer to John Doe"));
  assert.ok(msgs.some((m) => /^\[DRY RUN\] Would associate \d+ quick connects with queue/.test(m)));
  assert.ok(msgs.includes("Successful: 6"));
  const report = JSON.parse(await Deno.readTextFile(`${dir}/report.json`));
  assert.equal(report.DryRun, true);
  assert.equal(report.Summary.Created, 6);
  assert.equal(report.Associations.Added, 7);
  assert.equal(report.Associations.AlreadyPresent, 2);
  assert.ok(report.Items.every((i: { Action: string }) => i.Action !== "created"));
  assert.equal(
    report.Items.filter((i: { Action: string }) => i.Action === "would-create").length,
    6,
  );
});

Deno.test("--on-conflict fail: existing names fail, the rest is created, exit 1", async () => {
  await using emu = await startEmulator({ seed: SAMPLE_SEED_PATH, quotas: false });
  const { path } = await exportInstance(emu, "source-demo");
  const r = await importInto(emu, "target-demo", { exportFile: path, onConflict: "fail" });
  assert.equal(r.exitCode, 1);
  const failed = r.report!.Items.filter((i) => i.Action === "failed").map((i) => i.Name).sort();
  assert.deepEqual(failed, ["External Helpdesk", "Support Queue"]);
  assert.ok(r.report!.Items.find((i) => i.Name === "Support Queue")?.Error?.includes("exists"));
  assert.equal(r.report!.Summary.Created, 6);
  assert.ok(
    r.lines.some((l) =>
      l.includes(" - ERROR - Quick connect already exists: Support Queue (--on-conflict fail)")
    ),
  );
  assert.ok(r.lines.some((l) => l.endsWith("Failed: 2")));
});

const GUIDE = fileURLToPath(new URL("./fixtures/import/seed_guide_example.json", import.meta.url));

function guideSeed(withResources: boolean): FixtureInput {
  return {
    Instances: [{
      Id: "00000000-0000-4000-8000-0000000000aa",
      Alias: "target",
      Region: "us-east-1",
      AccountId: "123456789012",
      Users: withResources
        ? [{ Id: "user-87654321-4321-4321-4321-210987654321", Username: "lead" }]
        : [{ Id: "u-new", Username: "sales.lead" }],
      Queues: withResources
        ? [{ Id: "queue-11111111-2222-3333-4444-555555555555", Name: "Support" }]
        : [{ Id: "q-new", Name: "Support" }],
      ContactFlows: withResources
        ? [
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
        ]
        : [
          { Id: "f-agent", Name: "Agent transfer", ContactFlowType: "AGENT_TRANSFER" },
          { Id: "f-queue", Name: "Queue transfer", ContactFlowType: "QUEUE_TRANSFER" },
        ],
    }],
  };
}

Deno.test("the seed guide's example file imports when its resources exist under the same IDs", async () => {
  await using emu = await startEmulator({ seed: guideSeed(true), quotas: false });
  const r = await importInto(emu, "target", { exportFile: GUIDE });
  assert.equal(r.exitCode, 0, r.lines.join("\n"));
  assert.deepEqual(r.report!.Summary, {
    Created: 3,
    Updated: 0,
    Unchanged: 0,
    Skipped: 0,
    Failed: 0,
  });
  assert.ok(
    r.lines.some((l) =>
      l.includes("WARNING - The export file lists 1 quick connect that could not be exported")
    ),
  );
  const inst = emu.state().Instances[0]!;
  const lead = qcByName(inst, "Sales Team Lead")!;
  assert.deepEqual(lead.QuickConnectConfig.UserConfig, {
    UserId: "user-87654321-4321-4321-4321-210987654321",
    ContactFlowId: "flow-11111111-2222-3333-4444-555555555555",
  });
  assert.deepEqual(lead.Tags, {
    Department: "Sales",
    Priority: "High",
    CreatedBy: "admin@company.com",
  });
  assert.equal(lead.Description, "Connect directly to sales team lead");
  assert.equal(
    qcByName(inst, "External Number")?.QuickConnectConfig.PhoneConfig?.PhoneNumber,
    "+1234567890",
  );
});

Deno.test("the seed guide's example file: unresolved IDs fail with how to map them; --mapping fixes it", async () => {
  await using emu = await startEmulator({ seed: guideSeed(false), quotas: false });
  const r = await importInto(emu, "target", { exportFile: GUIDE });
  assert.equal(r.exitCode, 1);
  const lead = r.report!.Items.find((i) => i.Name === "Sales Team Lead")!;
  assert.equal(lead.Action, "failed");
  assert.ok(
    lead.Error?.includes(
      "user with source id user-87654321-4321-4321-4321-210987654321 not found in target; create it or map it in --mapping under Users",
    ),
    lead.Error ?? "",
  );
  assert.ok(lead.Error?.includes("--mapping under ContactFlows"));
  assert.equal(r.report!.Items.find((i) => i.Name === "External Number")?.Action, "created");

  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    `${dir}/mapping.json`,
    JSON.stringify({
      Users: { "user-87654321-4321-4321-4321-210987654321": "sales.lead" },
      Queues: { "queue-11111111-2222-3333-4444-555555555555": "Support" },
      ContactFlows: {
        "flow-11111111-2222-3333-4444-555555555555": "Agent transfer",
        "flow-22222222-3333-4444-5555-666666666666": "f-queue",
      },
      PhoneNumbers: { "+1234567890": "+14155550100" },
    }),
  );
  const m = await importInto(emu, "target", {
    exportFile: GUIDE,
    mappingFile: `${dir}/mapping.json`,
  });
  assert.equal(m.exitCode, 0, m.lines.join("\n"));
  const inst = emu.state().Instances[0]!;
  assert.deepEqual(qcByName(inst, "Sales Team Lead")?.QuickConnectConfig.UserConfig, {
    UserId: "u-new",
    ContactFlowId: "f-agent",
  });
  assert.deepEqual(qcByName(inst, "Support Queue")?.QuickConnectConfig.QueueConfig, {
    QueueId: "q-new",
    ContactFlowId: "f-queue",
  });
  // External Number was created by the first run with the original number (skipped now).
  assert.equal(m.report!.Items.find((i) => i.Name === "External Number")?.Action, "skipped");
});
