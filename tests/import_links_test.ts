/**
 * Queue links: more than 50 quick connects per queue go in AssociateQueueQuickConnects
 * batches of 50 with the existing links skipped, and a link to a queue the target lacks is
 * counted, reported and completed by a mapping on a re-run.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../emulator/testing.ts";
import { importInto, mutatingCalls, phoneItem, targetSeed, tempJson } from "./import_helpers.ts";

const QUEUES = [{ Id: "q-support", Name: "Support" }, { Id: "q-big", Name: "Big" }];

const names = (n: number, prefix = "QC") =>
  Array.from({ length: n }, (_, i) => `${prefix} ${String(i).padStart(3, "0")}`);

Deno.test("associations beyond 50 per queue go in batches of 50, existing links skipped", async () => {
  const all = names(120);
  const pre = all.slice(0, 5);
  await using emu = await startEmulator({
    seed: targetSeed({
      Queues: QUEUES,
      QuickConnectQuota: 200,
      QuickConnects: pre.map((n, i) => ({
        QuickConnectId: `pre-${i}`,
        Name: n,
        QuickConnectConfig: {
          QuickConnectType: "PHONE_NUMBER",
          PhoneConfig: { PhoneNumber: "+14155550100" },
        },
      })),
      QueueQuickConnects: { "q-big": pre.map((_, i) => `pre-${i}`) },
    }),
    quotas: false,
  });
  const file = await tempJson({
    QuickConnects: all.map((n) => phoneItem(n, { queues: ["Big", "Support"] })),
  });
  const r = await importInto(emu, "target", { exportFile: file });
  assert.equal(r.exitCode, 0, r.lines.slice(-10).join("\n"));
  assert.deepEqual(r.report!.Associations, {
    Added: 115 + 120,
    AlreadyPresent: 5,
    Failed: 0,
    Errors: [],
  });
  // Big: 115 missing → 50 + 50 + 15; Support: 120 → 50 + 50 + 20.
  assert.equal(emu.calls().AssociateQueueQuickConnects, 6);
  const inst = emu.state().Instances[0]!;
  assert.equal(inst.QueueQuickConnects["q-big"]?.length, 120);
  assert.equal(inst.QueueQuickConnects["q-support"]?.length, 120);
  emu.resetCalls();
  const again = await importInto(emu, "target", { exportFile: file });
  assert.equal(again.report!.Associations.AlreadyPresent, 240);
  assert.deepEqual(mutatingCalls(emu.calls()), {});
});

Deno.test("a queue link that cannot be resolved is counted and reported, exit 1", async () => {
  await using emu = await startEmulator({ seed: targetSeed({ Queues: QUEUES }), quotas: false });
  const file = await tempJson({
    QuickConnects: [phoneItem("Linked", { queues: ["Support", "Nowhere"] })],
  });
  const r = await importInto(emu, "target", { exportFile: file });
  assert.equal(r.exitCode, 1);
  assert.equal(r.report!.Items[0]?.Action, "created");
  assert.equal(r.report!.Associations.Added, 1);
  assert.equal(r.report!.Associations.Failed, 1);
  assert.match(
    r.report!.Associations.Errors[0] ?? "",
    /queue 'Nowhere' \(source id src-queue-Nowhere\) not found in target; create it or map it in --mapping under Queues/,
  );
  // A mapping for the queue completes the links on a re-run.
  const mapping = await tempJson({ Queues: { Nowhere: "Big" } }, "mapping.json");
  const again = await importInto(emu, "target", { exportFile: file, mappingFile: mapping });
  assert.equal(again.exitCode, 0);
  assert.equal(again.report!.Items[0]?.Action, "skipped");
  assert.equal(again.report!.Associations.Added, 1);
  assert.deepEqual(emu.state().Instances[0]!.QueueQuickConnects["q-big"]?.length, 1);
});
