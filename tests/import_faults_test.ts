/**
 * The import under faults and limits, on the emulator with the real SDK: throttling
 * storms, 500s, a lost create response, access denied on one create, the instance quota,
 * more than 50 links per queue, fatal read errors, Search denied, --verify after a change
 * made behind the importer's back, and a name that tries to forge a log line.
 */
import assert from "node:assert/strict";
import { TagResourceCommand, UpdateQuickConnectConfigCommand } from "@aws-sdk/client-connect";
import { type FixtureInput, SAMPLE_SEED_PATH, startEmulator } from "./emulator/testing.ts";
import {
  context,
  exportInstance,
  importInto,
  instance,
  linksByName,
  LOG_LINE,
  mutatingCalls,
  qcByName,
  tempJson,
} from "./import_helpers.ts";
import { RateLimiter } from "../lib/aws/limiter.ts";

const ACCOUNT = "123456789012";

function phoneItem(name: string, queues: string[] = [], tags: Record<string, string> = {}) {
  return {
    QuickConnect: {
      QuickConnectId: `src-${name}`,
      Name: name,
      QuickConnectConfig: {
        QuickConnectType: "PHONE_NUMBER",
        PhoneConfig: { PhoneNumber: "+14155550100" },
      },
    },
    Tags: tags,
    ExportTimestamp: "2026-01-01T00:00:00Z",
    Queues: queues.map((q) => ({ Id: `src-queue-${q}`, Name: q })),
  };
}

function target(extra: Partial<FixtureInput["Instances"][number]> = {}): FixtureInput {
  return {
    Instances: [{
      Id: "00000000-0000-4000-8000-0000000000bb",
      Alias: "target",
      Region: "us-east-1",
      AccountId: ACCOUNT,
      Queues: [{ Id: "q-support", Name: "Support" }, { Id: "q-big", Name: "Big" }],
      ...extra,
    }],
  };
}

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

Deno.test("faults: a create whose response is lost is counted created, never duplicated", async () => {
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
  assert.ok(r.lines.some((l) => l.includes("an earlier attempt whose response was lost")));
  // Its queue link was still made.
  assert.deepEqual(linksByName(tgt)["Transfer to John Doe"], ["Support"]);
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

Deno.test("faults: the instance quota fails the item with a clear message and stops creating", async () => {
  const items = names(6).map((n) => phoneItem(n));
  await using emu = await startEmulator({
    seed: target({ QuickConnectQuota: 3 }),
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

Deno.test("associations beyond 50 per queue go in batches of 50, existing links skipped", async () => {
  const all = names(120);
  const pre = all.slice(0, 5);
  await using emu = await startEmulator({
    seed: target({
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
  const file = await tempJson({ QuickConnects: all.map((n) => phoneItem(n, ["Big", "Support"])) });
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
  await using emu = await startEmulator({ seed: target(), quotas: false });
  const file = await tempJson({ QuickConnects: [phoneItem("Linked", ["Support", "Nowhere"])] });
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

Deno.test("fatal: unknown instance and denied listing are exit 3 with cause and hint", async () => {
  await using emu = await startEmulator({ seed: target(), quotas: false });
  const file = await tempJson({ QuickConnects: [phoneItem("A")] });
  const dir = await Deno.makeTempDir();
  const run = await context(emu, "11111111-2222-3333-4444-555555555555");
  const { runImport } = await import("../lib/import/run_import.ts");
  const r = await runImport(run.ctx, { exportFile: file, reportFile: `${dir}/r.json` });
  assert.equal(r.exitCode, 3);
  const errors = run.lines.filter((l) => l.includes(" - ERROR - "));
  assert.equal(errors.length, 2);
  assert.match(errors[0] ?? "", /was not found in us-east-1$/);
  assert.match(errors[1] ?? "", / - ERROR - What to do: check --instance-id/);
  const report = JSON.parse(await Deno.readTextFile(`${dir}/r.json`));
  assert.equal(report.ExitCode, 3);
  assert.match(report.Items[0].Error, /^Not attempted: /);

  emu.addFault({ Operation: "ListQuickConnects", Error: "AccessDeniedException", Count: -1 });
  const denied = await importInto(emu, "target", { exportFile: file });
  assert.equal(denied.exitCode, 3);
  assert.ok(denied.lines.some((l) => l.includes("Access denied for connect:ListQuickConnects")));
  assert.equal(emu.calls().CreateQuickConnect, undefined);
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

Deno.test("--verify catches a change made behind the importer's back (exit 1, each difference listed)", async () => {
  await using emu = await startEmulator({ seed: SAMPLE_SEED_PATH, quotas: false });
  const { path } = await exportInstance(emu, "source-demo");
  const first = await importInto(emu, "target-demo", { exportFile: path, verify: true });
  assert.equal(first.exitCode, 0);
  assert.ok(
    first.lines.some((l) =>
      l.endsWith("Verification passed: 8 quick connects match the export file")
    ),
  );

  const tgt = instance(emu.state(), "target-demo");
  const john = qcByName(tgt, "Transfer to John Doe")!;
  const run = await context(emu, tgt.Id!);
  await run.ctx.client.send(
    new TagResourceCommand({
      resourceArn:
        `arn:aws:connect:us-east-1:${ACCOUNT}:instance/${tgt.Id}/transfer-destination/${john.QuickConnectId}`,
      tags: { Team: "Hijacked" },
    }),
  );
  const other = tgt.Users.find((u) => u.Username === "asmith")!;
  await run.ctx.client.send(
    new UpdateQuickConnectConfigCommand({
      InstanceId: tgt.Id,
      QuickConnectId: john.QuickConnectId,
      QuickConnectConfig: {
        QuickConnectType: "USER",
        UserConfig: {
          UserId: other.Id,
          ContactFlowId: john.QuickConnectConfig.UserConfig!.ContactFlowId,
        },
      },
    }),
  );
  const dir = await Deno.makeTempDir();
  const r = await importInto(emu, "target-demo", {
    exportFile: path,
    verify: true,
    reportFile: `${dir}/report.json`,
  });
  assert.equal(r.exitCode, 1);
  const diffs = r.report!.Verify!.Differences;
  assert.deepEqual(diffs.map((d) => d.Field).sort(), [
    "QuickConnectConfig.UserConfig.UserId",
    'Tags["Team"]',
  ]);
  assert.ok(diffs.every((d) => d.Name === "Transfer to John Doe"));
  assert.ok(
    r.lines.some((l) =>
      l.includes(
        ` - ERROR - Verify: Transfer to John Doe: Tags["Team"]: expected "Support", found "Hijacked"`,
      )
    ),
  );
  assert.ok(
    r.lines.some((l) => l.includes("Verification found 2 differences in 1 quick connects")),
  );
  const saved = JSON.parse(await Deno.readTextFile(`${dir}/report.json`));
  assert.equal(saved.Verify.Differences.length, 2);
});

Deno.test("a name with a newline cannot forge a log line", async () => {
  await using emu = await startEmulator({ seed: target(), quotas: false });
  const evil = "Evil\n2026-01-01 00:00:00,000 - ERROR - forged\u001b[31m";
  const file = await tempJson({ QuickConnects: [phoneItem(evil)] });
  const r = await importInto(emu, "target", { exportFile: file, verify: true });
  assert.equal(r.exitCode, 0);
  for (const l of r.lines) {
    assert.match(l, LOG_LINE);
    assert.ok(!l.includes("\n") && !l.includes("\u001b"));
  }
  assert.ok(
    r.lines.some((l) =>
      l.includes(
        "Created quick connect: Evil\\n2026-01-01 00:00:00,000 - ERROR - forged\\u001b[31m -> ",
      )
    ),
  );
  // The name itself is kept as it is.
  assert.equal(emu.state().Instances[0]!.QuickConnects[0]?.Name, evil);
});
