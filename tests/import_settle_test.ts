/**
 * Settling a create whose outcome is unknown: the response was lost (ConnectionReset) and
 * the retry met DuplicateResourceException, or every retry failed. The importer looks the
 * name up (one exact-name SearchQuickConnects; List + Describe when Search is denied),
 * counts the quick connect created, never creates it twice, fails only that item when the
 * look-up fails, and says it may exist when interrupted while settling.
 */
import assert from "node:assert/strict";
import type { ServiceInputTypes, ServiceOutputTypes } from "@aws-sdk/client-connect";
import type { InitializeMiddleware } from "@smithy/types";
import { SAMPLE_SEED_PATH, startEmulator } from "../emulator/testing.ts";
import {
  context,
  existingPhones,
  exportInstance,
  hasLine,
  importInto,
  instance,
  linksByName,
  phoneItem,
  qcByName,
  readReport,
  TARGET_ID,
  targetSeed,
  tempJson,
} from "./import_helpers.ts";
import { importOptions } from "./import_helpers.ts";
import { runImport } from "../lib/import/run_import.ts";

Deno.test("a create whose response is lost is counted created, never duplicated", async () => {
  await using emu = await startEmulator({ seed: SAMPLE_SEED_PATH, quotas: false });
  const { path } = await exportInstance(emu, "source-demo");
  emu.resetCalls();
  emu.addFault({
    Operation: "CreateQuickConnect",
    Error: "ConnectionReset",
    Count: 1,
    ResourceId: "Transfer to John Doe",
  });
  emu.addFault({
    Operation: "CreateQuickConnect",
    Error: "ConnectionReset",
    Count: 1,
    ResourceId: "Legal Hotline",
  });
  const r = await importInto(emu, "target-demo", { exportFile: path }, { verbose: true });
  assert.equal(r.exitCode, 0, r.lines.join("\n"));
  assert.equal(emu.faulted().CreateQuickConnect, 2);
  const john = r.report?.Items.find((i) => i.Name === "Transfer to John Doe");
  assert.equal(john?.Action, "created");
  const tgt = instance(emu.state(), "target-demo");
  assert.equal(john?.TargetId, qcByName(tgt, "Transfer to John Doe")?.QuickConnectId);
  assert.equal(tgt.QuickConnects.filter((q) => q.Name === "Transfer to John Doe").length, 1);
  assert.equal(tgt.QuickConnects.length, 8);
  assert.equal(r.report?.Summary.Created, 6);
  assert.equal(r.report?.Summary.Failed, 0);
  // Deno's HTTP layer resends the request whose response was lost, below the SDK: the one
  // attempt the SDK sees is answered "taken", which another run could have caused too.
  assert.ok(r.lines.some((l) => l.includes("its name was taken while its create was in flight")));
  assert.equal(john?.Outcome, "uncertain");
  // The row and the undo record agree: not claimed, so undo leaves it unless --force.
  const undo = r.report?.Undo?.Created.find((c) => c.Name === "Transfer to John Doe");
  assert.equal(undo?.Certain, false);
  assert.equal(undo?.Doubt, "taken");
  // Its queue link was still made.
  assert.deepEqual(linksByName(tgt)["Transfer to John Doe"], ["Support"]);
});

Deno.test("a create whose every attempt loses its response is created once, not failed", async () => {
  await using emu = await startEmulator({ seed: targetSeed(), quotas: false });
  emu.addFault({
    Operation: "CreateQuickConnect",
    Error: "ConnectionReset",
    Count: -1,
    ResourceId: "Lost",
  });
  const r = await importInto(emu, "target", {
    exportFile: await tempJson({
      QuickConnects: [phoneItem("Lost", { tags: { T: "1" }, description: "d" })],
    }),
  });
  assert.equal(r.exitCode, 0, r.lines.join("\n"));
  const tgt = instance(emu.state(), "target");
  assert.equal(tgt.QuickConnects.filter((q) => q.Name === "Lost").length, 1);
  assert.equal(r.report!.Items[0]?.Action, "created");
  assert.equal(r.report!.Items[0]?.TargetId, qcByName(tgt, "Lost")?.QuickConnectId);
  assert.ok(emu.calls().CreateQuickConnect! > 1);
  assert.ok(hasLine(r.lines, " - INFO - Created quick connect: Lost -> "));
});

Deno.test("a create applied, then answered 500 on every retry, is created; one never applied fails", async () => {
  await using emu = await startEmulator({ seed: targetSeed(), quotas: false });
  // Applied, response lost; the retries are refused with 500 before reaching the state.
  emu.addFault({ Operation: "CreateQuickConnect", Error: "ConnectionReset", ResourceId: "Made" });
  emu.addFault({
    Operation: "CreateQuickConnect",
    Error: "InternalServiceException",
    Count: -1,
  });
  const r = await importInto(emu, "target", {
    exportFile: await tempJson({ QuickConnects: [phoneItem("Made"), phoneItem("Never")] }),
  });
  assert.equal(r.exitCode, 1, r.lines.join("\n"));
  const [made, never] = r.report!.Items;
  assert.equal(made?.Action, "created");
  assert.equal(never?.Action, "failed");
  assert.match(never?.Error ?? "", /InternalServiceException.*it was not created/);
  assert.deepEqual(instance(emu.state(), "target").QuickConnects.map((q) => q.Name), ["Made"]);
});

Deno.test("each settle is one exact-name SearchQuickConnects, never a re-listing", async () => {
  await using emu = await startEmulator({
    seed: targetSeed({
      QuickConnects: existingPhones(Array.from({ length: 40 }, (_, i) => `Old ${i}`)),
    }),
    quotas: false,
  });
  for (const n of ["Lost 1", "Lost 2"]) {
    emu.addFault({ Operation: "CreateQuickConnect", Error: "ConnectionReset", ResourceId: n });
  }
  const r = await importInto(emu, "target", {
    exportFile: await tempJson({
      QuickConnects: [phoneItem("Lost 1"), phoneItem("Lost 2"), phoneItem("Plain")],
    }),
  });
  assert.equal(r.exitCode, 0, r.lines.join("\n"));
  assert.equal(r.report!.Summary.Created, 3);
  assert.equal(emu.calls().ListQuickConnects, 1);
  assert.equal(emu.calls().SearchQuickConnects, 2);
  assert.equal(emu.calls().DescribeQuickConnect, undefined);
});

Deno.test("when Search is denied, settling falls back to the list and still settles", async () => {
  await using emu = await startEmulator({ seed: targetSeed(), quotas: false });
  emu.addFault({ Operation: "CreateQuickConnect", Error: "ConnectionReset", ResourceId: "Lost" });
  emu.addFault({ Operation: "SearchQuickConnects", Error: "AccessDeniedException", Count: -1 });
  const r = await importInto(emu, "target", {
    exportFile: await tempJson({ QuickConnects: [phoneItem("Lost")] }),
  });
  assert.equal(r.exitCode, 0, r.lines.join("\n"));
  assert.equal(r.report!.Items[0]?.Action, "created");
  assert.ok(hasLine(r.lines, "WARNING - SearchQuickConnects is not available"));
  assert.equal(instance(emu.state(), "target").QuickConnects.length, 1);
});

Deno.test("settling with Search denied falls back to List + Describe; a Describe error fails the item", async () => {
  await using emu = await startEmulator({ seed: targetSeed(), quotas: false });
  emu.addFault({ Operation: "CreateQuickConnect", Error: "ConnectionReset", ResourceId: "Lost" });
  emu.addFault({ Operation: "SearchQuickConnects", Error: "AccessDeniedException", Count: -1 });
  emu.addFault({ Operation: "DescribeQuickConnect", Error: "InternalServiceException", Count: -1 });
  const r = await importInto(emu, "target", {
    exportFile: await tempJson({ QuickConnects: [phoneItem("Lost")] }),
  });
  assert.equal(r.exitCode, 1, r.lines.join("\n"));
  assert.match(r.report!.Items[0]?.Error ?? "", /looking its name up.*InternalServiceException/);
});

Deno.test("a read error while settling a duplicate create fails that item only; report kept", async () => {
  await using emu = await startEmulator({ seed: targetSeed(), quotas: false });
  // The first attempt is applied and its response lost; the retry meets DuplicateResource.
  emu.addFault({ Operation: "CreateQuickConnect", Error: "ConnectionReset", ResourceId: "Lost" });
  // Neither way of looking the name up works.
  emu.addFault({ Operation: "SearchQuickConnects", Error: "InternalServiceException", Count: -1 });
  emu.addFault({ Operation: "DescribeQuickConnect", Error: "InternalServiceException", Count: -1 });
  const dir = await Deno.makeTempDir();
  const r = await importInto(emu, "target", {
    exportFile: await tempJson({ QuickConnects: [phoneItem("Lost"), phoneItem("Fine")] }),
    reportFile: `${dir}/report.json`,
  });
  assert.equal(r.exitCode, 1, r.lines.join("\n"));
  const lost = r.report!.Items.find((i) => i.Name === "Lost")!;
  assert.equal(lost.Action, "failed");
  assert.match(lost.Error ?? "", /DuplicateResourceException.*looking its name up.*failed/);
  assert.equal(r.report!.Items.find((i) => i.Name === "Fine")?.Action, "created");
  assert.ok(hasLine(r.lines, "Import process completed!"));
  assert.equal((await readReport(`${dir}/report.json`)).Items.length, 2);
  // Never created twice.
  assert.equal(instance(emu.state(), "target").QuickConnects.length, 2);
});

Deno.test("an interrupt while settling a duplicate create says it may exist, not 'Not attempted'", async () => {
  await using emu = await startEmulator({ seed: targetSeed(), quotas: false });
  emu.addFault({ Operation: "CreateQuickConnect", Error: "ConnectionReset", ResourceId: "Lost" });
  const run = await context(emu, TARGET_ID);
  const ac = new AbortController();
  // Ctrl-C arrives just as the create comes back DuplicateResourceException.
  const abortOnCreateFailure: InitializeMiddleware<ServiceInputTypes, ServiceOutputTypes> =
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (err) {
        if ((err as Error).name === "DuplicateResourceException") ac.abort();
        throw err;
      }
    };
  run.ctx.client.middlewareStack.add(
    abortOnCreateFailure,
    { step: "initialize", name: "testAbortOnDuplicate" },
  );
  try {
    const r = await runImport(
      run.ctx,
      await importOptions({
        exportFile: await tempJson({ QuickConnects: [phoneItem("Lost"), phoneItem("Later")] }),
        signal: ac.signal,
      }),
    );
    assert.equal(r.exitCode, 130, run.lines.join("\n"));
    const [lost, later] = r.report!.Items;
    assert.match(lost?.Error ?? "", /^Interrupted while creating; it may or may not exist/);
    assert.match(later?.Error ?? "", /^Not attempted: the import was interrupted/);
  } finally {
    run.ctx.logger.close();
  }
});

Deno.test("a create answered 500 after its retries, and known not to exist, is sent once more and created", async () => {
  await using emu = await startEmulator({ seed: targetSeed(), quotas: false });
  // The emulator's 500 is not applied: after the SDK gives up, the name is free.
  emu.addFault({
    Operation: "CreateQuickConnect",
    Error: "InternalServiceException",
    Count: 2,
    ResourceId: "Flaky",
  });
  const r = await importInto(
    emu,
    "target",
    { exportFile: await tempJson({ QuickConnects: [phoneItem("Flaky")] }) },
    { maxAttempts: 2 },
  );
  assert.equal(r.exitCode, 0, r.lines.join("\n"));
  assert.equal(r.report!.Items[0]?.Action, "created");
  assert.equal(emu.calls().CreateQuickConnect, 3, "two attempts, then one more after the look-up");
  assert.equal(emu.calls().SearchQuickConnects, 1);
  assert.equal(instance(emu.state(), "target").QuickConnects.length, 1);
});
