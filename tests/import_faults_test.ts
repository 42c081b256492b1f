/**
 * The import under API faults and limits, on the emulator with the real SDK: throttling
 * storms and 500s retried, our limiter keeping under the emulated quotas, access denied on
 * one create, a read error while planning, an unexpected error mid-run, the instance
 * quota, and fatal errors (unknown instance, denied listing). Lost create responses are in
 * import_settle_test.ts.
 */
import assert from "node:assert/strict";
import { SAMPLE_SEED_PATH, startEmulator } from "../emulator/testing.ts";
import {
  context,
  existingPhones,
  exportInstance,
  hasLine,
  importInto,
  instance,
  phoneItem,
  readReport,
  targetSeed,
  tempJson,
} from "./import_helpers.ts";
import { importOptions } from "./import_helpers.ts";
import { RateLimiter } from "../lib/aws/limiter.ts";

const QUEUES = [{ Id: "q-support", Name: "Support" }, { Id: "q-big", Name: "Big" }];

const names = (n: number, prefix = "QC") =>
  Array.from({ length: n }, (_, i) => `${prefix} ${String(i).padStart(3, "0")}`);

Deno.test("faults: a 429 storm and 500s are retried; everything is created once", async () => {
  await using emu = await startEmulator({ seed: SAMPLE_SEED_PATH, quotas: false });
  const { path } = await exportInstance(emu, "source-demo");
  emu.resetCalls();
  emu.addFault({ Operation: "CreateQuickConnect", Error: "ThrottlingException", Count: 6 });
  emu.addFault({ Operation: "ListQuickConnects", Error: "ThrottlingException", Count: 3 });
  emu.addFault({ Operation: "ListUsers", Error: "InternalServiceException", Count: 2 });
  emu.addFault({
    Operation: "AssociateQueueQuickConnects",
    Error: "InternalServiceException",
    Count: 2,
  });
  const r = await importInto(emu, "target-demo", { exportFile: path });
  assert.equal(r.exitCode, 0, r.lines.join("\n"));
  assert.equal(r.report?.Summary.Created, 6);
  assert.equal(emu.faulted().CreateQuickConnect, 6);
  assert.equal(emu.calls().CreateQuickConnect, 12);
  const tgt = instance(emu.state(), "target-demo");
  assert.equal(new Set(tgt.QuickConnects.map((q) => q.Name)).size, tgt.QuickConnects.length);
  assert.equal(tgt.QuickConnects.length, 8);
});

Deno.test("faults: emulator quotas with our limiter: no 429 at all", async () => {
  await using emu = await startEmulator({ seed: SAMPLE_SEED_PATH, quotaScale: 20 });
  const { path } = await exportInstance(emu, "source-demo");
  emu.resetCalls();
  const r = await importInto(emu, "target-demo", { exportFile: path }, {
    limiter: new RateLimiter({ scale: 20 }),
  });
  assert.equal(r.exitCode, 0);
  assert.deepEqual(emu.throttled(), {});
});

Deno.test("faults: access denied on one create fails only that item", async () => {
  await using emu = await startEmulator({ seed: SAMPLE_SEED_PATH, quotas: false });
  const { path } = await exportInstance(emu, "source-demo");
  emu.addFault({
    Operation: "CreateQuickConnect",
    Error: "AccessDeniedException",
    Count: -1,
    ResourceId: "Legal Hotline",
  });
  const r = await importInto(emu, "target-demo", { exportFile: path });
  assert.equal(r.exitCode, 1);
  const failed = r.report!.Items.filter((i) => i.Action === "failed");
  assert.deepEqual(failed.map((i) => i.Name), ["Legal Hotline"]);
  assert.match(failed[0]?.Error ?? "", /AccessDeniedException.*connect:CreateQuickConnect/);
  assert.equal(r.report!.Summary.Created, 5);
  assert.ok(
    r.lines.some((l) => l.includes(" - ERROR - Error creating quick connect Legal Hotline: ")),
  );
  assert.ok(r.lines.some((l) => l.endsWith("Failed: 1")));
  // Re-run after the permission is fixed: only the missing one is created.
  emu.clearFaults();
  emu.resetCalls();
  const again = await importInto(emu, "target-demo", { exportFile: path });
  assert.equal(again.exitCode, 0);
  assert.equal(emu.calls().CreateQuickConnect, 1);
});

Deno.test("faults: a DescribeQuickConnect error while planning an update fails that item only; report kept", async () => {
  await using emu = await startEmulator({
    seed: targetSeed({ QuickConnects: existingPhones(["A", "B"]) }),
    quotas: false,
  });
  emu.addFault({ Operation: "SearchQuickConnects", Error: "AccessDeniedException", Count: -1 });
  emu.addFault({
    Operation: "DescribeQuickConnect",
    Error: "InternalServiceException",
    Count: -1,
    ResourceId: "qc-0",
  });
  const dir = await Deno.makeTempDir();
  const r = await importInto(emu, "target", {
    exportFile: await tempJson({
      QuickConnects: [phoneItem("A", { tags: { T: "1" } }), phoneItem("B")],
    }),
    onConflict: "update",
    reportFile: `${dir}/report.json`,
  });
  assert.equal(r.exitCode, 1, r.lines.join("\n"));
  const a = r.report!.Items.find((i) => i.Name === "A")!;
  assert.equal(a.Action, "failed");
  assert.equal(a.TargetId, "qc-0");
  assert.match(
    a.Error ?? "",
    /Cannot read the existing quick connect qc-0.*InternalServiceException/,
  );
  assert.equal(r.report!.Items.find((i) => i.Name === "B")?.Action, "unchanged");
  assert.ok(hasLine(r.lines, " - ERROR - Error updating quick connect A: Cannot read"));
  assert.ok(hasLine(r.lines, "Failed: 1"));
  assert.equal((await readReport(`${dir}/report.json`)).Summary.Failed, 1);
});

Deno.test("faults: any unexpected error still ends with an ERROR line, the summary and the report (exit 1)", async () => {
  await using emu = await startEmulator({ seed: targetSeed(), quotas: false });
  const dir = await Deno.makeTempDir();
  const r = await importInto(emu, "target", {
    exportFile: await tempJson({ QuickConnects: [phoneItem("A"), phoneItem("B")] }),
    reportFile: `${dir}/report.json`,
    onProgress: (done) => {
      if (done === 1) throw new TypeError("boom");
    },
  });
  assert.equal(r.exitCode, 1);
  assert.ok(hasLine(r.lines, " - ERROR - Unexpected error, the import stopped: TypeError: boom"));
  assert.ok(hasLine(r.lines, "Successful: 1"));
  assert.ok(hasLine(r.lines, "Failed: 1"));
  const saved = await readReport(`${dir}/report.json`);
  assert.equal(saved.ExitCode, 1);
  assert.deepEqual(saved.Items.map((i: { Action: string }) => i.Action), ["created", "failed"]);
  assert.match(saved.Items[1].Error, /^Not attempted: .*unexpected error \(TypeError: boom\)/);
});

Deno.test("faults: the instance quota fails the item with a clear message and stops creating", async () => {
  const items = names(6).map((n) => phoneItem(n));
  await using emu = await startEmulator({
    seed: targetSeed({ Queues: QUEUES, QuickConnectQuota: 3 }),
    quotas: false,
  });
  const r = await importInto(emu, "target", {
    exportFile: await tempJson({ QuickConnects: items }),
  });
  assert.equal(r.exitCode, 1);
  assert.equal(r.report!.Summary.Created, 3);
  assert.equal(r.report!.Summary.Failed, 3);
  // One call hits the quota; the two after it are not attempted.
  assert.equal(emu.calls().CreateQuickConnect, 4);
  const failed = r.report!.Items.filter((i) => i.Action === "failed");
  assert.match(failed[0]?.Error ?? "", /quota of quick connects is reached.*L-68BBE2E8/);
  assert.match(failed[2]?.Error ?? "", /^Not attempted: the target instance's quota/);
});

Deno.test("faults: after the instance quota is reached, each create not attempted has its own ERROR line", async () => {
  await using emu = await startEmulator({
    seed: targetSeed({ QuickConnectQuota: 1 }),
    quotas: false,
  });
  const r = await importInto(emu, "target", {
    exportFile: await tempJson({ QuickConnects: ["A", "B", "C", "D"].map((n) => phoneItem(n)) }),
  });
  assert.equal(r.exitCode, 1);
  assert.equal(emu.calls().CreateQuickConnect, 2);
  for (const n of ["C", "D"]) {
    assert.ok(
      hasLine(r.lines, ` - ERROR - Error creating quick connect ${n}: Not attempted: the target`),
      n,
    );
  }
});

Deno.test("fatal: unknown instance and denied listing are exit 3 with cause and hint", async () => {
  await using emu = await startEmulator({ seed: targetSeed({ Queues: QUEUES }), quotas: false });
  const file = await tempJson({ QuickConnects: [phoneItem("A")] });
  const dir = await Deno.makeTempDir();
  const run = await context(emu, "11111111-2222-3333-4444-555555555555");
  const { runImport } = await import("../lib/import/run_import.ts");
  const r = await runImport(
    run.ctx,
    await importOptions({ exportFile: file, reportFile: `${dir}/r.json` }),
  );
  assert.equal(r.exitCode, 3);
  const errors = run.lines.filter((l) => l.includes(" - ERROR - "));
  assert.equal(errors.length, 2);
  assert.match(errors[0] ?? "", /was not found in us-east-1$/);
  assert.match(errors[1] ?? "", / - ERROR - What to do: check --instance-id/);
  const report = JSON.parse(await Deno.readTextFile(`${dir}/r.json`));
  assert.equal(report.ExitCode, 3);
  assert.match(report.Items[0].Error, /^Not attempted: /);
  assert.equal(report.Items[0].Outcome, "not-attempted");

  emu.addFault({ Operation: "ListQuickConnects", Error: "AccessDeniedException", Count: -1 });
  const denied = await importInto(emu, "target", { exportFile: file });
  assert.equal(denied.exitCode, 3);
  assert.ok(denied.lines.some((l) => l.includes("Access denied for connect:ListQuickConnects")));
  assert.equal(emu.calls().CreateQuickConnect, undefined);
});
