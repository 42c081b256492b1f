/**
 * Reference resolution: --mapping (by source ID or name, to target name or ID) › same
 * name (username, queue name, flow name AND type) › same ID › a failure that says what is
 * missing and how to map it. Phone numbers through PhoneNumbers. Unused entries reported.
 */
import assert from "node:assert/strict";
import { type FixtureInput, startEmulator } from "./emulator/testing.ts";
import { importInto, qcByName, tempJson } from "./import_helpers.ts";

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
