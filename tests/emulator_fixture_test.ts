/** Seed fixture validation, generated IDs, derived AGENT queues, and the sample seed's shape. */
import assert from "node:assert/strict";
import { FixtureError, loadFixture } from "../emulator/fixture.ts";
import { EmulatorState } from "../emulator/state.ts";
import { type FixtureInput, SAMPLE_SEED_PATH, startEmulator } from "../emulator/testing.ts";

const base = (extra: Record<string, unknown> = {}) => ({
  Alias: "demo",
  Region: "us-east-1",
  AccountId: "123456789012",
  ...extra,
});

function rejects(seed: unknown, pattern: RegExp): void {
  assert.throws(() => EmulatorState.fromFixture(seed), (e: unknown) => {
    assert.ok(e instanceof FixtureError, String(e));
    assert.match(e.message, pattern);
    return true;
  });
}

Deno.test("bad fixtures give a clear FixtureError naming the path", () => {
  rejects({}, /Instances/);
  rejects({ Instances: [base({ Region: "useast1" })] }, /Instances\[0\]\.Region/);
  rejects({ Instances: [base({ AccountId: "42" })] }, /AccountId/);
  rejects(
    { Instances: [base({ Queues: [{ Name: "A", QueueType: "AGENT" }] })] },
    /derived from Users/,
  );
  rejects(
    {
      Instances: [base({
        QuickConnects: [{ Name: "x", QuickConnectConfig: { QuickConnectType: "USER" } }],
      })],
    },
    /needs UserConfig/,
  );
  rejects(
    {
      Instances: [base({
        QuickConnects: [{
          Name: "x",
          QuickConnectConfig: {
            QuickConnectType: "PHONE_NUMBER",
            PhoneConfig: { PhoneNumber: "12" },
          },
        }],
      })],
    },
    /PhoneNumber/,
  );
  rejects(
    { Instances: [base({ Users: [{ Username: "a" }, { Username: "a" }] })] },
    /duplicate Username/,
  );
  rejects({ Instances: [base({ Id: "same" }), base({ Id: "same" })] }, /duplicate instance Id/);
  rejects({ Instances: [base({ QueueQuickConnects: { nope: ["x"] } })] }, /unknown queue nope/);
  rejects(
    {
      Instances: [base({ Queues: [{ Id: "q", Name: "Q" }], QueueQuickConnects: { q: ["ghost"] } })],
    },
    /unknown quick connect ghost/,
  );
  rejects(
    {
      Instances: [base({
        QuickConnects: [
          {
            Name: "dup",
            QuickConnectConfig: {
              QuickConnectType: "PHONE_NUMBER",
              PhoneConfig: { PhoneNumber: "+12" },
            },
          },
          {
            Name: "dup",
            QuickConnectConfig: {
              QuickConnectType: "PHONE_NUMBER",
              PhoneConfig: { PhoneNumber: "+13" },
            },
          },
        ],
      })],
    },
    /duplicate quick connect Name dup/,
  );
  rejects({
    Instances: [base({
      QuickConnects: [{
        Name: "t",
        Tags: { "aws:x": "1" },
        QuickConnectConfig: {
          QuickConnectType: "PHONE_NUMBER",
          PhoneConfig: { PhoneNumber: "+12" },
        },
      }],
    })],
  }, /Tags/);
});

Deno.test("loadFixture: unreadable or non-JSON files are FixtureErrors", async () => {
  await assert.rejects(loadFixture("/nonexistent/seed.json"), FixtureError);
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/s.json`, "not json");
    await assert.rejects(loadFixture(`${dir}/s.json`), /is not JSON/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("missing IDs become UUIDs; export omits derived AGENT queues and re-seeds identically", async () => {
  const seed: FixtureInput = {
    Instances: [base({
      Users: [{ Username: "jdoe" }],
      Queues: [{ Name: "Support" }],
      ContactFlows: [{ Name: "Xfer", ContactFlowType: "AGENT_TRANSFER" }],
      QuickConnects: [{
        Name: "Phone",
        QuickConnectConfig: {
          QuickConnectType: "PHONE_NUMBER",
          PhoneConfig: { PhoneNumber: "+15550001111" },
        },
      }],
    })] as FixtureInput["Instances"],
  };
  await using emu = await startEmulator({ seed, quotas: false });
  const out = emu.state();
  const inst = out.Instances[0];
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  assert.match(inst?.Id ?? "", uuid);
  assert.match(inst?.Users[0]?.Id ?? "", uuid);
  assert.match(inst?.QuickConnects[0]?.QuickConnectId ?? "", uuid);
  assert.equal(inst?.QuickConnectQuota, 100, "default quota");
  assert.deepEqual(inst?.Queues.map((q) => q.QueueType), ["STANDARD"], "AGENT queues are derived");
  assert.equal(inst?.ContactFlows[0]?.ContactFlowState, "ACTIVE");
  await using again = await startEmulator({ seed: out, quotas: false });
  assert.deepEqual(again.state(), out);
});

Deno.test("sample_seed.json: source-demo and target-demo share names, not IDs", async () => {
  const seed = await loadFixture(SAMPLE_SEED_PATH);
  const [source, target] = seed.Instances;
  assert.ok(source && target);
  assert.deepEqual([source.Alias, target.Alias], ["source-demo", "target-demo"]);
  assert.equal(source.Region, "us-east-1");
  assert.equal(target.Region, "us-east-1");
  const names = (i: typeof source) => ({
    users: i.Users.map((u) => u.Username).sort(),
    queues: i.Queues.map((q) => q.Name).sort(),
    flows: i.ContactFlows.map((f) => `${f.Name}/${f.ContactFlowType}`).sort(),
  });
  assert.deepEqual(names(source), names(target));
  const ids = (i: typeof source) =>
    new Set([...i.Users, ...i.Queues, ...i.ContactFlows].map((x) => x.Id));
  const targetIds = ids(target);
  assert.ok([...ids(source)].every((id) => !targetIds.has(id)), "IDs differ between instances");
  assert.equal(source.QuickConnects.length, 8);
  assert.deepEqual(
    [...new Set(source.QuickConnects.map((q) => q.QuickConnectConfig.QuickConnectType))].sort(),
    ["FLOW", "PHONE_NUMBER", "QUEUE", "USER"],
  );
  assert.ok(source.QuickConnects.filter((q) => q.Tags).length >= 5);
  assert.ok(Object.keys(source.QueueQuickConnects).length >= 2);
  const sourceNames = new Set(source.QuickConnects.map((q) => q.Name));
  assert.equal(target.QuickConnects.length, 2);
  assert.ok(target.QuickConnects.every((q) => sourceNames.has(q.Name)));
  // Every reference in the sample resolves inside its own instance.
  await using emu = await startEmulator({ seed: SAMPLE_SEED_PATH, quotas: false });
  for (const inst of emu.state().Instances) {
    const has = (list: { Id?: string }[], id: string) => list.some((x) => x.Id === id);
    for (const qc of inst.QuickConnects) {
      const c = qc.QuickConnectConfig;
      if (c.UserConfig) assert.ok(has(inst.Users, c.UserConfig.UserId), qc.Name);
      if (c.QueueConfig) assert.ok(has(inst.Queues, c.QueueConfig.QueueId), qc.Name);
      const flow = c.UserConfig?.ContactFlowId ?? c.QueueConfig?.ContactFlowId ??
        c.FlowConfig?.ContactFlowId;
      if (flow) assert.ok(has(inst.ContactFlows, flow), qc.Name);
    }
  }
});
