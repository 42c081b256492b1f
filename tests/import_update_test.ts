/**
 * --on-conflict update: description, config and tags of an existing quick connect made
 * equal to the file's (a dry run names the fields, a re-run is unchanged), tags replaced
 * without going over 50 at any moment, aws: tags never touched, the target read through
 * Search or, when Search is denied, List + Describe, without a ListTagsForResource per
 * untagged quick connect.
 */
import assert from "node:assert/strict";
import {
  TagResourceCommand,
  UpdateQuickConnectConfigCommand,
  UpdateQuickConnectNameCommand,
} from "@aws-sdk/client-connect";
import { SAMPLE_SEED_PATH, startEmulator } from "../emulator/testing.ts";
import {
  context,
  existingPhones,
  exportInstance,
  importInto,
  instance,
  mutatingCalls,
  phoneItem,
  qcByName,
  targetSeed,
  tempJson,
} from "./import_helpers.ts";
import { diffQuickConnect, tagChanges } from "../lib/import/diff.ts";

Deno.test("tagChanges() makes user tags exact and never touches aws: keys", () => {
  const have = { "aws:cloudformation:stack-name": "s", Keep: "1", Change: "old", Drop: "x" };
  assert.deepEqual(tagChanges({ Keep: "1", Change: "new", Add: "a" }, have), {
    set: { Change: "new", Add: "a" },
    remove: ["Drop"],
  });
  assert.deepEqual(tagChanges({}, { "aws:x": "y" }), { set: {}, remove: [] });
});

Deno.test("diffQuickConnect() ignores aws: tags and other sub-configs, sees empty = absent description", () => {
  const config = {
    QuickConnectType: "PHONE_NUMBER" as const,
    PhoneConfig: { PhoneNumber: "+14155550100" },
  };
  const have = {
    Description: undefined,
    QuickConnectConfig: { ...config, UserConfig: { UserId: "stale", ContactFlowId: "f" } },
    Tags: { "aws:x": "1", A: "b" },
  };
  assert.deepEqual(diffQuickConnect({ description: "", config, tags: { A: "b" } }, have), []);
  assert.deepEqual(
    diffQuickConnect({ description: "d", config, tags: { A: "c" } }, have).map((d) => d.field),
    ["Description", 'Tags["A"]'],
  );
});

Deno.test("--on-conflict update syncs description, config and tags; a re-run is unchanged", async () => {
  await using emu = await startEmulator({ seed: SAMPLE_SEED_PATH, quotas: false });
  const { path } = await exportInstance(emu, "source-demo");
  const first = await importInto(emu, "target-demo", { exportFile: path });
  assert.equal(first.exitCode, 0);
  // Change three quick connects behind the importer's back.
  const st = emu.state();
  const tgt = instance(st, "target-demo");
  const john = qcByName(tgt, "Transfer to John Doe")!;
  const sales = qcByName(tgt, "Sales Queue")!;
  const legal = qcByName(tgt, "Legal Hotline")!;
  const run = await context(emu, tgt.Id ?? "");
  const c = run.ctx.client;
  await c.send(
    new UpdateQuickConnectNameCommand({
      InstanceId: tgt.Id,
      QuickConnectId: john.QuickConnectId,
      Description: "changed",
    }),
  );
  await c.send(
    new TagResourceCommand({
      resourceArn:
        `arn:aws:connect:us-east-1:123456789012:instance/${tgt.Id}/transfer-destination/${john.QuickConnectId}`,
      tags: { Extra: "x", Team: "Other" },
    }),
  );
  await c.send(
    new UpdateQuickConnectConfigCommand({
      InstanceId: tgt.Id,
      QuickConnectId: sales.QuickConnectId,
      QuickConnectConfig: {
        QuickConnectType: "QUEUE",
        QueueConfig: {
          QueueId: tgt.Queues.find((q) => q.Name === "Billing")!.Id,
          ContactFlowId: sales.QuickConnectConfig.QueueConfig!.ContactFlowId,
        },
      },
    }),
  );
  await c.send(
    new UpdateQuickConnectConfigCommand({
      InstanceId: tgt.Id,
      QuickConnectId: legal.QuickConnectId,
      QuickConnectConfig: {
        QuickConnectType: "PHONE_NUMBER",
        PhoneConfig: { PhoneNumber: "+19999999999" },
      },
    }),
  );
  run.ctx.logger.close();

  // Dry run first: the plan names the fields, nothing changes.
  const mid = emu.state();
  emu.resetCalls();
  const dry = await importInto(emu, "target-demo", {
    exportFile: path,
    onConflict: "update",
    dryRun: true,
  });
  assert.deepEqual(emu.state(), mid);
  assert.deepEqual(mutatingCalls(emu.calls()), {});
  assert.ok(
    dry.lines.some((l) =>
      l.endsWith("[DRY RUN] Would update quick connect: Transfer to John Doe (description, tags)")
    ),
  );
  assert.ok(
    dry.lines.some((l) => l.endsWith("[DRY RUN] Would update quick connect: Sales Queue (config)")),
  );

  emu.resetCalls();
  const r = await importInto(emu, "target-demo", { exportFile: path, onConflict: "update" });
  assert.equal(r.exitCode, 0, r.lines.join("\n"));
  const byName = new Map(r.report!.Items.map((i) => [i.Name, i]));
  assert.equal(byName.get("Transfer to John Doe")?.Action, "updated");
  assert.deepEqual(byName.get("Transfer to John Doe")?.Changes, ["description", "tags"]);
  assert.equal(byName.get("Sales Queue")?.Action, "updated");
  assert.equal(byName.get("Legal Hotline")?.Action, "updated");
  assert.equal(byName.get("Transfer to Alice Smith")?.Action, "unchanged");
  assert.equal(r.report!.Summary.Updated, 3);
  assert.equal(r.report!.Summary.Unchanged, 5);
  assert.ok(r.lines.some((l) => l.endsWith("Successful: 3")));
  assert.ok(r.lines.some((l) => l.endsWith("Skipped: 5")));
  const calls = emu.calls();
  assert.equal(calls.UpdateQuickConnectName, 1);
  assert.equal(calls.UpdateQuickConnectConfig, 2);
  assert.equal(calls.TagResource, 1);
  assert.equal(calls.UntagResource, 1);
  assert.equal(calls.CreateQuickConnect, undefined);
  // Back to exactly the first import's result.
  assert.deepEqual(
    instance(emu.state(), "target-demo").QuickConnects,
    instance(st, "target-demo").QuickConnects,
  );

  emu.resetCalls();
  const again = await importInto(emu, "target-demo", { exportFile: path, onConflict: "update" });
  assert.equal(again.report!.Summary.Unchanged, 8);
  assert.deepEqual(mutatingCalls(emu.calls()), {});
});

Deno.test("--on-conflict update replaces 30 tags by 30 others (untag first, never 60 at once)", async () => {
  const old = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`Old${i}`, "x"]));
  const fresh = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`New${i}`, "y"]));
  await using emu = await startEmulator({
    seed: targetSeed({ QuickConnects: existingPhones(["A"], old) }),
    quotas: false,
  });
  const r = await importInto(emu, "target", {
    exportFile: await tempJson({ QuickConnects: [phoneItem("A", { tags: fresh })] }),
    onConflict: "update",
  });
  assert.equal(r.exitCode, 0, r.lines.join("\n"));
  assert.equal(r.report!.Summary.Updated, 1);
  assert.deepEqual(qcByName(instance(emu.state(), "target"), "A")?.Tags, fresh);
});

Deno.test("update works when SearchQuickConnects is denied (List + Describe)", async () => {
  await using emu = await startEmulator({ seed: SAMPLE_SEED_PATH, quotas: false });
  const { path } = await exportInstance(emu, "source-demo");
  await importInto(emu, "target-demo", { exportFile: path });
  const tgt = instance(emu.state(), "target-demo");
  const legal = qcByName(tgt, "Legal Hotline")!;
  const run = await context(emu, tgt.Id!);
  await run.ctx.client.send(
    new UpdateQuickConnectConfigCommand({
      InstanceId: tgt.Id,
      QuickConnectId: legal.QuickConnectId,
      QuickConnectConfig: {
        QuickConnectType: "PHONE_NUMBER",
        PhoneConfig: { PhoneNumber: "+19999999999" },
      },
    }),
  );
  emu.addFault({ Operation: "SearchQuickConnects", Error: "AccessDeniedException", Count: -1 });
  emu.resetCalls();
  const r = await importInto(emu, "target-demo", { exportFile: path, onConflict: "update" });
  assert.equal(r.exitCode, 0, r.lines.join("\n"));
  assert.equal(r.report!.Summary.Updated, 1);
  assert.equal(r.report!.Summary.Unchanged, 7);
  assert.equal(emu.calls().DescribeQuickConnect, 8);
  assert.ok(r.lines.some((l) => l.includes("WARNING - SearchQuickConnects is not available")));
  assert.equal(
    qcByName(instance(emu.state(), "target-demo"), "Legal Hotline")?.QuickConnectConfig
      .PhoneConfig?.PhoneNumber,
    legal.QuickConnectConfig.PhoneConfig?.PhoneNumber,
  );
});

Deno.test("reading untagged quick connects costs no ListTagsForResource (Search, and Describe when Search is denied)", async () => {
  for (const searchDenied of [false, true]) {
    await using emu = await startEmulator({
      seed: targetSeed({ QuickConnects: existingPhones(["A", "B", "C"]) }),
      quotas: false,
    });
    if (searchDenied) {
      emu.addFault({ Operation: "SearchQuickConnects", Error: "AccessDeniedException", Count: -1 });
    }
    const r = await importInto(emu, "target", {
      exportFile: await tempJson({ QuickConnects: ["A", "B", "C"].map((n) => phoneItem(n)) }),
      onConflict: "update",
      verify: true,
    });
    assert.equal(r.exitCode, 0, r.lines.join("\n"));
    assert.equal(r.report!.Summary.Unchanged, 3);
    assert.equal(emu.calls().ListTagsForResource, undefined, `searchDenied=${searchDenied}`);
  }
});
