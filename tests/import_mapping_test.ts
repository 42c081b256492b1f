/**
 * Reference resolution: --mapping (by source ID or name, to target name or ID) › same
 * name (username, queue name, flow name AND type) › same ID › a failure that says what is
 * missing and how to map it. A flow must have the type its quick connect type needs,
 * whether found by name, mapping or ID. Phone numbers through PhoneNumbers. Unused
 * entries reported.
 */
import assert from "node:assert/strict";
import { type FixtureInput, startEmulator } from "../emulator/testing.ts";
import { importInto, qcByName, targetSeed, tempJson } from "./import_helpers.ts";
import { emptyMapping, parseMapping } from "../lib/import/mapping.ts";
import { Directory, resolveFlow, unusedMappingEntries } from "../lib/import/resolve.ts";
import { type ImportItem, isInvalid, parseExport } from "../lib/import/input.ts";

const SEED: FixtureInput = {
  Instances: [{
    Id: "00000000-0000-4000-8000-0000000000cc",
    Alias: "target",
    Region: "us-east-1",
    AccountId: "123456789012",
    Users: [
      { Id: "t-user-john", Username: "john.doe" },
      { Id: "t-user-jdoe", Username: "jdoe" },
      { Id: "u-src-same", Username: "kept.id" },
    ],
    Queues: [{ Id: "t-q-help", Name: "Helpdesk" }, { Id: "t-q-support", Name: "Support" }],
    ContactFlows: [
      { Id: "t-f-agent", Name: "Transfer", ContactFlowType: "AGENT_TRANSFER" },
      { Id: "t-f-queue", Name: "Transfer", ContactFlowType: "QUEUE_TRANSFER" },
      { Id: "t-f-other", Name: "Other agent transfer", ContactFlowType: "AGENT_TRANSFER" },
    ],
  }],
};

const flowRef = (type: string) => ({ Id: `src-f-${type}`, Name: "Transfer", Type: type });

function userItem(name: string, userId: string, username: string, flowType = "AGENT_TRANSFER") {
  return {
    QuickConnect: {
      QuickConnectId: `src-${name}`,
      Name: name,
      QuickConnectConfig: {
        QuickConnectType: "USER",
        UserConfig: { UserId: userId, ContactFlowId: `src-f-${flowType}` },
      },
    },
    Tags: {},
    References: { User: { Id: userId, Username: username }, ContactFlow: flowRef(flowType) },
    Queues: [],
  };
}

function queueItem(name: string, queue: string, links: string[] = []) {
  return {
    QuickConnect: {
      QuickConnectId: `src-${name}`,
      Name: name,
      QuickConnectConfig: {
        QuickConnectType: "QUEUE",
        QueueConfig: { QueueId: `src-q-${queue}`, ContactFlowId: "src-f-QUEUE_TRANSFER" },
      },
    },
    Tags: {},
    References: {
      Queue: { Id: `src-q-${queue}`, Name: queue },
      ContactFlow: flowRef("QUEUE_TRANSFER"),
    },
    Queues: links.map((q) => ({ Id: `src-q-${q}`, Name: q })),
  };
}

async function run(items: unknown[], mapping?: unknown) {
  const emu = await startEmulator({ seed: SEED, quotas: false });
  const r = await importInto(emu, "target", {
    exportFile: await tempJson({ FormatVersion: 2, QuickConnects: items }),
    mappingFile: mapping ? await tempJson(mapping, "mapping.json") : undefined,
  });
  const inst = emu.state().Instances[0]!;
  const calls = emu.calls();
  await emu.close();
  return { r, inst, calls };
}

Deno.test("same name wins over same ID, and mapping wins over both", async () => {
  const { r, inst } = await run(
    [
      userItem("By name", "src-u-1", "jdoe"),
      userItem("By mapping", "src-u-2", "asmith"),
      userItem("By mapped id", "src-u-3", "zed"),
      // Its source ID is a different user's ID in the target: the name decides.
      userItem("Name over id", "t-user-john", "jdoe"),
    ],
    { Users: { asmith: "john.doe", "src-u-3": "t-user-jdoe" } },
  );
  assert.equal(r.exitCode, 0, r.report?.Items.map((i) => i.Error).join("\n"));
  assert.equal(qcByName(inst, "By name")?.QuickConnectConfig.UserConfig?.UserId, "t-user-jdoe");
  assert.equal(qcByName(inst, "By mapping")?.QuickConnectConfig.UserConfig?.UserId, "t-user-john");
  assert.equal(
    qcByName(inst, "By mapped id")?.QuickConnectConfig.UserConfig?.UserId,
    "t-user-jdoe",
  );
  assert.equal(
    qcByName(inst, "Name over id")?.QuickConnectConfig.UserConfig?.UserId,
    "t-user-jdoe",
  );
  // Flows by name and type: the AGENT_TRANSFER "Transfer", not the QUEUE_TRANSFER one.
  assert.equal(
    qcByName(inst, "By name")?.QuickConnectConfig.UserConfig?.ContactFlowId,
    "t-f-agent",
  );
});

Deno.test("a mapping entry beats a matching name in the target", async () => {
  const { inst } = await run([userItem("Remapped", "src-u-1", "jdoe")], {
    Users: { jdoe: "john.doe" },
    ContactFlows: { Transfer: "Other agent transfer" },
  });
  const c = qcByName(inst, "Remapped")?.QuickConnectConfig.UserConfig;
  assert.deepEqual(c, { UserId: "t-user-john", ContactFlowId: "t-f-other" });
});

Deno.test("same ID is the last resort when the name is not in the target", async () => {
  const { r, inst } = await run([userItem("Kept", "u-src-same", "renamed.away")]);
  assert.equal(r.exitCode, 0);
  assert.equal(qcByName(inst, "Kept")?.QuickConnectConfig.UserConfig?.UserId, "u-src-same");
});

Deno.test("unresolved references fail the item saying what is missing and how to map it", async () => {
  const { r, inst, calls } = await run([
    userItem("Ghost user", "src-u-9", "ghost"),
    userItem("Wrong flow type", "src-u-1", "jdoe", "CUSTOMER_QUEUE"),
    queueItem("Missing queue", "Billing"),
    queueItem("Fine", "Support"),
  ]);
  assert.equal(r.exitCode, 1);
  const err = (n: string) => r.report!.Items.find((i) => i.Name === n)?.Error ?? "";
  assert.equal(
    err("Ghost user"),
    "user 'ghost' (source id src-u-9) not found in target; create it or map it in --mapping under Users",
  );
  assert.equal(
    err("Wrong flow type"),
    "flow 'Transfer' of type CUSTOMER_QUEUE (source id src-f-CUSTOMER_QUEUE) not found in target; create it or map it in --mapping under ContactFlows",
  );
  assert.match(err("Missing queue"), /^queue 'Billing' \(source id src-q-Billing\) not found/);
  assert.ok(
    r.lines.some((l) =>
      l.includes(" - ERROR - Cannot import quick connect Ghost user: user 'ghost'")
    ),
  );
  assert.equal(inst.QuickConnects.map((q) => q.Name).join(), "Fine");
  assert.equal(calls.CreateQuickConnect, 1);
});

Deno.test("a mapping value that names nothing in the target fails the item", async () => {
  const { r } = await run([userItem("A", "src-u-1", "jdoe")], { Users: { jdoe: "nobody" } });
  assert.equal(
    r.report!.Items[0]?.Error,
    `mapping Users["jdoe"] → 'nobody' names no user in the target (neither a user ID nor a username)`,
  );
});

Deno.test("queues map for the config and for the links; phone numbers map too", async () => {
  const phone = {
    QuickConnect: {
      Name: "Hotline",
      QuickConnectConfig: {
        QuickConnectType: "PHONE_NUMBER",
        PhoneConfig: { PhoneNumber: "+14155550100" },
      },
    },
    Tags: {},
    Queues: [{ Id: "src-q-Billing", Name: "Billing" }],
  };
  const { r, inst } = await run(
    [queueItem("Billing queue", "Billing", ["Billing", "Support"]), phone],
    {
      Queues: { Billing: "Helpdesk" },
      PhoneNumbers: { "+14155550100": "+442071838750" },
      Users: { nobody: "jdoe" },
      ContactFlows: { "no-such-flow": "Transfer" },
    },
  );
  assert.equal(r.exitCode, 0, r.lines.join("\n"));
  assert.equal(
    qcByName(inst, "Billing queue")?.QuickConnectConfig.QueueConfig?.QueueId,
    "t-q-help",
  );
  assert.equal(
    qcByName(inst, "Hotline")?.QuickConnectConfig.PhoneConfig?.PhoneNumber,
    "+442071838750",
  );
  const billing = qcByName(inst, "Billing queue")!.QuickConnectId!;
  const hotline = qcByName(inst, "Hotline")!.QuickConnectId!;
  assert.deepEqual(inst.QueueQuickConnects["t-q-help"]?.sort(), [billing, hotline].sort());
  assert.deepEqual(inst.QueueQuickConnects["t-q-support"], [billing]);
  // Entries that match nothing in the file are reported, in the log and the report.
  assert.deepEqual(r.report!.Warnings, [
    `Mapping entry Users["nobody"] matches nothing in the export file`,
    `Mapping entry ContactFlows["no-such-flow"] matches nothing in the export file`,
  ]);
  assert.ok(
    r.lines.some((l) =>
      l.includes(` - WARNING - Mapping entry Users["nobody"] matches nothing in the export file`)
    ),
  );
});

Deno.test("only what is needed is listed: a phone-only file lists no users, queues or flows", async () => {
  const { r, calls } = await run([{
    QuickConnect: {
      Name: "Only phone",
      QuickConnectConfig: {
        QuickConnectType: "PHONE_NUMBER",
        PhoneConfig: { PhoneNumber: "+14155550100" },
      },
    },
  }]);
  assert.equal(r.exitCode, 0);
  assert.deepEqual(calls, { ListQuickConnects: 1, CreateQuickConnect: 1 });
});

// ---------------------------------------------------------------- flow types

function flowItem(
  name: string,
  type: "USER" | "QUEUE" | "FLOW",
  flowId: string,
  ref?: { Name?: string; Type?: string },
) {
  const config = type === "USER"
    ? { QuickConnectType: "USER", UserConfig: { UserId: "u-1", ContactFlowId: flowId } }
    : type === "QUEUE"
    ? { QuickConnectType: "QUEUE", QueueConfig: { QueueId: "q-support", ContactFlowId: flowId } }
    : { QuickConnectType: "FLOW", FlowConfig: { ContactFlowId: flowId } };
  return {
    QuickConnect: { QuickConnectId: `src-${name}`, Name: name, QuickConnectConfig: config },
    Tags: {},
    ExportTimestamp: "2026-01-01T00:00:00Z",
    ...(ref ? { References: { ContactFlow: { Id: flowId, ...ref } } } : {}),
    Queues: [],
  };
}

Deno.test("a flow of the wrong type (mapped, or the same ID) fails at plan time, also in a dry run", async () => {
  await using emu = await startEmulator({
    seed: targetSeed({
      Users: [{ Id: "u-1", Username: "jdoe" }],
      ContactFlows: [
        { Id: "f-queue", Name: "Queue xfer", ContactFlowType: "QUEUE_TRANSFER" },
        { Id: "f-agent", Name: "Agent xfer", ContactFlowType: "AGENT_TRANSFER" },
      ],
    }),
    quotas: false,
  });
  const exportFile = await tempJson({
    QuickConnects: [
      flowItem("Mapped", "USER", "src-flow-1"),
      flowItem("SameId", "USER", "f-queue"),
      flowItem("Good", "QUEUE", "f-queue"),
    ],
  });
  const mappingFile = await tempJson({ ContactFlows: { "src-flow-1": "f-queue" } });
  for (const dryRun of [true, false]) {
    emu.resetCalls();
    const r = await importInto(emu, "target", { exportFile, mappingFile, dryRun });
    assert.equal(r.exitCode, 1, r.lines.join("\n"));
    const byName = new Map(r.report!.Items.map((i) => [i.Name, i]));
    for (const n of ["Mapped", "SameId"]) {
      assert.equal(byName.get(n)?.Action, "failed", n);
      assert.match(
        byName.get(n)?.Error ?? "",
        /target flow 'Queue xfer' \(f-queue\) of type QUEUE_TRANSFER, but a USER quick connect needs a flow of type AGENT_TRANSFER/,
      );
    }
    assert.equal(byName.get("Good")?.Action, dryRun ? "would-create" : "created");
    assert.equal(emu.calls().CreateQuickConnect ?? 0, dryRun ? 0 : 1);
  }
});

Deno.test("resolveFlow(): a mapped name shared by two flow types picks the type the quick connect needs", () => {
  const flows = [
    { Id: "a", Name: "Transfer", ContactFlowType: "AGENT_TRANSFER" as const },
    { Id: "q", Name: "Transfer", ContactFlowType: "QUEUE_TRANSFER" as const },
  ];
  const m = parseMapping({ ContactFlows: { "src-1": "Transfer" } }, "m.json");
  assert.deepEqual(
    resolveFlow(new Directory({ flows: flows }), m, "src-1", undefined, undefined, "QUEUE"),
    {
      ok: true,
      value: "q",
    },
  );
  assert.deepEqual(
    resolveFlow(new Directory({ flows: flows }), m, "src-1", undefined, undefined, "USER"),
    {
      ok: true,
      value: "a",
    },
  );
  const r = resolveFlow(new Directory({ flows: flows }), m, "src-1", undefined, undefined, "FLOW");
  assert.equal(r.ok, false);
  assert.match(r.ok ? "" : r.error, /matches 2 flows of types AGENT_TRANSFER, QUEUE_TRANSFER/);
  // Without a mapping, a name match must also match the type.
  assert.equal(
    resolveFlow(
      new Directory({ flows: flows }),
      emptyMapping(),
      "x",
      "Transfer",
      "CONTACT_FLOW",
      "FLOW",
    ).ok,
    false,
  );
});

Deno.test("resolveFlow(): a References entry without Type picks the flow of the type needed, whatever the order", () => {
  const agent = { Id: "a", Name: "Transfer", ContactFlowType: "AGENT_TRANSFER" as const };
  const queue = { Id: "q", Name: "Transfer", ContactFlowType: "QUEUE_TRANSFER" as const };
  for (const flows of [[agent, queue], [queue, agent]]) {
    const m = emptyMapping();
    assert.deepEqual(
      resolveFlow(new Directory({ flows: flows }), m, "src", "Transfer", undefined, "USER"),
      {
        ok: true,
        value: "a",
      },
    );
    assert.deepEqual(
      resolveFlow(new Directory({ flows: flows }), m, "src", "Transfer", undefined, "QUEUE"),
      {
        ok: true,
        value: "q",
      },
    );
  }
  // A mapping to the name of a single flow of the wrong type fails, naming both types.
  const m = parseMapping({ ContactFlows: { src: "Transfer" } }, "m.json");
  const r = resolveFlow(new Directory({ flows: [queue] }), m, "src", undefined, undefined, "USER");
  assert.equal(r.ok, false);
  assert.match(r.ok ? "" : r.error, /of type QUEUE_TRANSFER, but a USER .* AGENT_TRANSFER/);
});

Deno.test("unusedMappingEntries() checks the whole file, whatever the conflict policy", () => {
  const data = parseExport({
    QuickConnects: [{
      QuickConnect: {
        Name: "A",
        QuickConnectConfig: {
          QuickConnectType: "USER",
          UserConfig: { UserId: "u1", ContactFlowId: "f1" },
        },
      },
      References: { User: { Id: "u1", Username: "jdoe" } },
      Queues: [{ Id: "q1", Name: "Support" }],
    }],
  }, "f.json");
  const items = data.items.filter((i): i is ImportItem => !isInvalid(i));
  const m = parseMapping({
    Users: { jdoe: "x", u1: "y", ghost: "z" },
    Queues: { Support: "Help" },
    ContactFlows: { f1: "F" },
  }, "m.json");
  assert.deepEqual(unusedMappingEntries(m, items), [`Users["ghost"]`]);
});
