/**
 * --verify: after the import, the target is read again and compared with the export file;
 * each difference is an ERROR line and a report entry (exit 1), including a quick connect
 * that cannot be read.
 */
import assert from "node:assert/strict";
import { TagResourceCommand, UpdateQuickConnectConfigCommand } from "@aws-sdk/client-connect";
import { SAMPLE_SEED_PATH, startEmulator } from "../emulator/testing.ts";
import {
  ACCOUNT,
  context,
  existingPhones,
  exportInstance,
  hasLine,
  importInto,
  instance,
  phoneItem,
  qcByName,
  readReport,
  targetSeed,
  tempJson,
} from "./import_helpers.ts";

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
  // A drift check: what --on-conflict update would change is a difference (under skip, an
  // existing quick connect that differs is listed apart: see the next tests).
  const r = await importInto(emu, "target-demo", {
    exportFile: path,
    verify: true,
    dryRun: true,
    onConflict: "update",
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
    r.lines.some((l) => l.includes("Verification found 2 differences in 1 quick connect")),
  );
  const saved = JSON.parse(await Deno.readTextFile(`${dir}/report.json`));
  assert.equal(saved.Verify.Differences.length, 2);
});

Deno.test("--verify: a quick connect that cannot be read is a difference, not a crash", async () => {
  await using emu = await startEmulator({
    seed: targetSeed({ QuickConnects: existingPhones(["A", "B"]) }),
    quotas: false,
  });
  emu.addFault({ Operation: "SearchQuickConnects", Error: "AccessDeniedException", Count: -1 });
  emu.addFault({
    Operation: "DescribeQuickConnect",
    Error: "InternalServiceException",
    Count: -1,
    ResourceId: "qc-1",
  });
  const dir = await Deno.makeTempDir();
  const r = await importInto(emu, "target", {
    exportFile: await tempJson({ QuickConnects: [phoneItem("A"), phoneItem("B")] }),
    verify: true,
    reportFile: `${dir}/report.json`,
  });
  assert.equal(r.exitCode, 1, r.lines.join("\n"));
  const diffs = r.report!.Verify!.Differences;
  assert.equal(diffs.length, 1);
  assert.equal(diffs[0]?.Name, "B");
  assert.match(diffs[0]?.Actual ?? "", /^could not be read: InternalServiceException/);
  assert.ok(hasLine(r.lines, " - ERROR - Verify: B: QuickConnect: expected readable"));
  assert.equal((await readReport(`${dir}/report.json`)).Verify.Differences.length, 1);
});

Deno.test("--verify after --on-conflict skip: skipped ones that differ are listed apart, not failures", async () => {
  await using emu = await startEmulator({
    seed: targetSeed({ QuickConnects: existingPhones(["A", "B"]) }),
    quotas: false,
  });
  // B exists with another number: skipped, so it differs, as the user chose.
  const file = {
    QuickConnects: [phoneItem("A"), { ...phoneItem("B"), Tags: { Team: "new" } }, phoneItem("C")],
  };
  const r = await importInto(emu, "target", { exportFile: await tempJson(file), verify: true });
  assert.equal(r.exitCode, 0, r.lines.join("\n"));
  assert.deepEqual(r.report!.Verify!.Differences, []);
  assert.deepEqual(r.report!.Verify!.Skipped, [{ Name: "B", Fields: ['Tags["Team"]'] }]);
  assert.ok(
    hasLine(r.lines, ' - WARNING - Verify: B: skipped: differs from the export in Tags["Team"]'),
  );
  assert.ok(
    hasLine(r.lines, "Verification passed: 2 quick connects match the export file (1 skipped"),
  );
});
