/**
 * The least-privilege policies of docs/credentials-and-iam.md are exactly the IAM actions each
 * command calls (listed here), and they are enough: both commands run to exit 0 on the emulator
 * with every other Connect action denied.
 */
import assert from "node:assert/strict";
import { TagResourceCommand } from "@aws-sdk/client-connect";
import { createConnectClient } from "../lib/aws/client.ts";
import { runExport } from "../lib/export/run_export.ts";
import { runImport } from "../lib/import/run_import.ts";
import type { RunContext } from "../lib/context.ts";
import { type Emulator, startEmulator } from "../emulator/testing.ts";
import { testContext } from "./support/context.ts";
import { importOptions } from "./import_helpers.ts";
import { MUTATING_OPERATIONS, OPERATIONS } from "../emulator/routes.ts";

/** Export is read only. ListTagsForResource is not needed: Search and Describe carry tags. */
const EXPORT_ACTIONS: readonly string[] = [
  "connect:SearchQuickConnects",
  "connect:ListQuickConnects",
  "connect:DescribeQuickConnect",
  "connect:ListUsers",
  "connect:ListQueues",
  "connect:ListContactFlows",
  "connect:ListQueueQuickConnects",
  "connect:SearchRoutingProfiles",
];

/** Import reads the target like export does, then writes. */
const IMPORT_ACTIONS: readonly string[] = [
  ...EXPORT_ACTIONS,
  "connect:CreateQuickConnect",
  "connect:UpdateQuickConnectName",
  "connect:UpdateQuickConnectConfig",
  "connect:TagResource",
  "connect:UntagResource",
  "connect:AssociateQueueQuickConnects",
];

/** Only with --prune, --prune-links or --undo (which remove what a run added). */
const SYNC_ACTIONS: readonly string[] = [
  "connect:DeleteQuickConnect",
  "connect:DisassociateQueueQuickConnects",
];

function denyAllBut(emu: Emulator, allowed: readonly string[]): void {
  for (const op of OPERATIONS) {
    if (!allowed.includes(`connect:${op}`)) {
      emu.addFault({ Operation: op, Error: "AccessDeniedException", Count: -1 });
    }
  }
}

function policyActions(doc: string, heading: string): string[] {
  const at = doc.indexOf(heading);
  assert.ok(at >= 0, `docs/credentials-and-iam.md has "${heading}"`);
  const block = /```json\n([\s\S]*?)\n```/.exec(doc.slice(at))?.[1] ?? "";
  return JSON.parse(block).Statement[0].Action;
}

const context = async (emu: Emulator, instanceId: string): Promise<RunContext> =>
  (await testContext(emu, instanceId)).ctx;

Deno.test("the documented IAM policies are exactly the actions the commands need", async () => {
  const doc = await Deno.readTextFile(new URL("../docs/credentials-and-iam.md", import.meta.url));
  assert.deepEqual(
    policyActions(doc, "**Export (read only)**").sort(),
    [...EXPORT_ACTIONS].sort(),
  );
  assert.deepEqual(policyActions(doc, "**Import**").sort(), [...IMPORT_ACTIONS].sort());
  assert.deepEqual(policyActions(doc, "**Removing**").sort(), [...SYNC_ACTIONS].sort());
});

Deno.test("--prune and --undo succeed with the removing actions added, and only those", async () => {
  await using emu = await startEmulator({ seed: "tests/fixtures/sample_seed.json", quotas: false });
  const target = emu.state().Instances.find((i) => i.Alias === "target-demo");
  assert.ok(target?.Id);
  const dir = await Deno.makeTempDir();
  const file = `${dir}/one.json`;
  // One quick connect the target lacks: an empty export cannot drive --prune (issue 16).
  const item = {
    QuickConnect: {
      Name: "Only this one",
      QuickConnectConfig: {
        QuickConnectType: "PHONE_NUMBER",
        PhoneConfig: { PhoneNumber: "+14155550199" },
      },
    },
  };
  await Deno.writeTextFile(file, JSON.stringify({ QuickConnects: [item] }));
  denyAllBut(emu, [...IMPORT_ACTIONS, ...SYNC_ACTIONS]);
  const pruned = await runImport(
    await context(emu, target.Id),
    await importOptions({
      exportFile: file,
      prune: true,
      maxDeletes: 100,
      reportFile: `${dir}/r.json`,
    }),
  );
  assert.equal(pruned.exitCode, 0);
  assert.ok((pruned.report?.Deleted?.length ?? 0) > 0);
  const undone = await runImport(
    await context(emu, target.Id),
    await importOptions({
      exportFile: "",
      undo: JSON.parse(await Deno.readTextFile(`${dir}/r.json`)),
    }),
  );
  assert.equal(undone.exitCode, 0);
  assert.deepEqual(emu.faulted(), {}, "nothing called outside the policies");
  const calls = emu.calls();
  for (const op of ["DeleteQuickConnect", "DisassociateQueueQuickConnects", "CreateQuickConnect"]) {
    assert.ok((calls[op] ?? 0) > 0, `exercised ${op}`);
  }
});

Deno.test("the export policy holds no mutating action; the import policy adds only mutating ones", () => {
  const op = (action: string) => action.replace(/^connect:/, "");
  for (const a of [...EXPORT_ACTIONS, ...IMPORT_ACTIONS]) assert.ok(OPERATIONS.has(op(a)), a);
  assert.deepEqual(EXPORT_ACTIONS.filter((a) => MUTATING_OPERATIONS.includes(op(a))), []);
  const added = IMPORT_ACTIONS.filter((a) => !EXPORT_ACTIONS.includes(a));
  assert.ok(added.length > 0);
  for (const a of added) assert.ok(MUTATING_OPERATIONS.includes(op(a)), a);
});

Deno.test("export and import (with updates and queue links) succeed under least privilege", async () => {
  await using emu = await startEmulator({ seed: "tests/fixtures/sample_seed.json", quotas: false });
  const state = emu.state();
  const source = state.Instances.find((i) => i.Alias === "source-demo");
  const target = state.Instances.find((i) => i.Alias === "target-demo");
  assert.ok(source?.Id && target?.Id);
  const dir = await Deno.makeTempDir();

  // Make an existing target quick connect differ, so the import has to update it.
  const existing = target.QuickConnects[0];
  assert.ok(existing?.QuickConnectId);
  await createConnectClient({
    region: "us-east-1",
    endpoint: emu.url,
    credentials: () => Promise.resolve({ accessKeyId: "AKIDTEST", secretAccessKey: "s" }),
  }).send(
    new TagResourceCommand({
      resourceArn:
        `arn:aws:connect:us-east-1:${target.AccountId}:instance/${target.Id}/transfer-destination/${existing.QuickConnectId}`,
      tags: { Stale: "yes" },
    }),
  );

  denyAllBut(emu, EXPORT_ACTIONS);
  const exp = await runExport(await context(emu, source.Id), { output: `${dir}/e.json` });
  assert.equal(exp.exitCode, 0);
  assert.equal(exp.readMode, "search");
  assert.equal(exp.file.SuccessfulExports, source.QuickConnects.length);
  assert.deepEqual(emu.faulted(), {}, "export called nothing outside its policy");

  emu.clearFaults();
  denyAllBut(emu, IMPORT_ACTIONS);
  emu.resetCalls();
  const imp = await runImport(
    await context(emu, target.Id),
    await importOptions({
      exportFile: `${dir}/e.json`,
      onConflict: "update",
      verify: true,
    }),
  );
  assert.equal(imp.exitCode, 0);
  assert.deepEqual(emu.faulted(), {}, "import called nothing outside its policy");
  const s = imp.report?.Summary;
  assert.ok(s && s.Created > 0 && s.Updated >= 1 && s.Failed === 0, JSON.stringify(s));
  assert.ok((imp.report?.Associations.Added ?? 0) > 0);
  const calls = emu.calls();
  for (const op of ["CreateQuickConnect", "UntagResource", "AssociateQueueQuickConnects"]) {
    assert.ok((calls[op] ?? 0) > 0, `import exercised ${op}`);
  }
});
