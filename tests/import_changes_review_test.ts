/**
 * Change review, through the real CLI (issue: "Reviewed like code"): a dry run, a drift check
 * and the report say each field's old and new value, users, queues and flows by name; and
 * `--review FILE` (and $GITHUB_STEP_SUMMARY) is the plan as Markdown for a change ticket,
 * listed one by one at 100 quick connects and counted beyond.
 */
import assert from "node:assert/strict";
import {
  DescribeQuickConnectCommand,
  type QuickConnectConfig,
  TagResourceCommand,
  UpdateQuickConnectConfigCommand,
} from "@aws-sdk/client-connect";
import { SAMPLE_SEED_PATH, startEmulator } from "../emulator/testing.ts";
import {
  exportInstance,
  idOf,
  instance,
  phoneItem,
  TARGET_ID,
  targetSeed,
} from "./import_helpers.ts";
import { runCli } from "./support/cli.ts";
import { testContext } from "./support/context.ts";

Deno.test("a dry run, the drift check, the report and --review show each field old → new, by name", async () => {
  await using emu = await startEmulator({ seed: SAMPLE_SEED_PATH, quotas: false });
  const { path } = await exportInstance(emu, "source-demo");
  const dir = await Deno.makeTempDir({ prefix: "review_" });
  await Deno.copyFile(path, `${dir}/export.json`);
  const target = idOf(emu.state(), "target-demo");
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli("import", ["--instance-id", target, "--endpoint-url", emu.url, ...args], dir, env);
  assert.equal((await cli(["--export-file", "export.json", "--report", "first.json"])).code, 0);
  // Behind the tool's back: a queue quick connect moved to another queue, a number, a tag.
  const t = instance(emu.state(), "target-demo");
  const qc = (name: string) => t.QuickConnects.find((q) => q.Name === name)!;
  const billing = t.Queues!.find((q) => q.Name === "Billing")!.Id!;
  const sales = qc("Sales Queue");
  const client = await testContext(emu, target);
  const send = client.ctx.client;
  await send.send(
    new UpdateQuickConnectConfigCommand({
      InstanceId: target,
      QuickConnectId: sales.QuickConnectId!,
      QuickConnectConfig: {
        ...sales.QuickConnectConfig,
        QueueConfig: { ...sales.QuickConnectConfig!.QueueConfig!, QueueId: billing },
      } as QuickConnectConfig,
    }),
  );
  const helpdesk = qc("External Helpdesk");
  await send.send(
    new UpdateQuickConnectConfigCommand({
      InstanceId: target,
      QuickConnectId: helpdesk.QuickConnectId!,
      QuickConnectConfig: {
        QuickConnectType: "PHONE_NUMBER",
        PhoneConfig: { PhoneNumber: "+15555550999" },
      },
    }),
  );
  await send.send(
    new TagResourceCommand({
      resourceArn: (await send.send(
        new DescribeQuickConnectCommand({
          InstanceId: target,
          QuickConnectId: helpdesk.QuickConnectId!,
        }),
      )).QuickConnect?.QuickConnectARN,
      tags: { Owner: "oops" },
    }),
  );
  client.ctx.logger.close();
  const phoneNow = JSON.stringify(
    (await Deno.readTextFile(`${dir}/export.json`)).match(/"PhoneNumber": "([^"]+)"/)![1],
  );

  const summary = `${dir}/step-summary.md`;
  const dry = await cli(
    [
      "--export-file",
      "export.json",
      "--on-conflict",
      "update",
      "--dry-run",
      "--report",
      "dry.json",
      "--review",
      "review.md",
    ],
    { GITHUB_STEP_SUMMARY: summary },
  );
  assert.equal(dry.code, 0, dry.stderr);
  assert.doesNotMatch(dry.stderr, / - DEBUG - /);
  assert.match(dry.stderr, / - INFO - {3}Sales Queue: Queue 'Billing' → 'Sales'$/m);
  assert.match(dry.stderr, / - INFO - {3}External Helpdesk: PhoneNumber "\+15555550999" → /m);
  assert.match(dry.stderr, / - INFO - {3}External Helpdesk: Tags\["Owner"\] "oops" → \(absent\)$/m);
  const report = JSON.parse(await Deno.readTextFile(`${dir}/dry.json`));
  const row = report.Items.find((i: { Name: string }) => i.Name === "Sales Queue");
  assert.deepEqual(row.Fields, [{ Field: "Queue", Old: "'Billing'", New: "'Sales'" }]);
  const md = await Deno.readTextFile(`${dir}/review.md`);
  assert.match(md, /^# Quick connect import: review$/m);
  assert.match(md, /^\| 0 \| 2 \| 0 \| 6 \| 0 \| 0 \| \d+ \| 0 \|$/m);
  assert.match(md, /^### External Helpdesk$/m);
  assert.match(
    md,
    new RegExp(
      `^\\| PhoneNumber \\| "\\+15555550999" \\| ${phoneNow.replace("+", "\\+")} \\|$`,
      "m",
    ),
  );
  assert.match(md, /^\| Tags\["Owner"\] \| "oops" \| \(absent\) \|$/m);
  assert.match(md, /^\| Queue \| 'Billing' \| 'Sales' \|$/m);
  assert.equal(await Deno.readTextFile(summary), md, "the same review on the job's summary page");

  // The drift check under skip names the fields too, without changing anything.
  const drift = await cli(["--export-file", "export.json", "--dry-run", "--detailed-exitcode"]);
  assert.equal(drift.code, 0, drift.stderr);
  assert.match(
    drift.stderr,
    /differs from the file: Sales Queue \(QuickConnectConfig\.QueueConfig\.QueueId\)/,
  );
  assert.match(drift.stderr, / - INFO - {3}Sales Queue: Queue 'Billing' → 'Sales'$/m);
});

Deno.test("--review at 120 creates lists 50 by name and counts the rest; --undo --dry-run --review reviews the undo", async () => {
  await using emu = await startEmulator({
    seed: targetSeed({ QuickConnectQuota: 500 }),
    quotas: false,
  });
  const dir = await Deno.makeTempDir({ prefix: "review_" });
  const items = Array.from(
    { length: 120 },
    (_, i) => phoneItem(`Line ${String(i).padStart(3, "0")}`, { queues: ["Support"] }),
  );
  await Deno.writeTextFile(`${dir}/export.json`, JSON.stringify({ QuickConnects: items }));
  const cli = (args: string[]) =>
    runCli("import", ["--instance-id", TARGET_ID, "--endpoint-url", emu.url, ...args], dir, {
      CONNECT_QUOTA_SCALE: "50",
    });
  const dry = await cli(["--export-file", "export.json", "--dry-run", "--review", "review.md"]);
  assert.equal(dry.code, 0, dry.stderr);
  const md = await Deno.readTextFile(`${dir}/review.md`);
  assert.match(md, /^## Creates \(120\)$/m);
  assert.match(md, /^120 PHONE_NUMBER$/m);
  assert.match(md, /^- … and 70 more \(the report lists them all\)$/m);
  assert.match(md, /^\| Support \| Line 000, Line 001, .* and 100 more \| {2}\|$/m);
  assert.ok(md.split("\n").length < 100, "short enough to read");
  assert.equal((await cli(["--export-file", "export.json", "--report", "run.json"])).code, 0);
  const undo = await cli(["--undo", "run.json", "--dry-run", "--review", "undo.md"]);
  assert.equal(undo.code, 0, undo.stderr);
  const u = await Deno.readTextFile(`${dir}/undo.md`);
  assert.match(u, /^# Undo of run\.json: review$/m);
  assert.match(u, /^## Deletes \(120\)$/m);
});
