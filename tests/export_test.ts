import assert from "node:assert/strict";
import { runExport } from "../lib/export/run_export.ts";
import type { ExportFile } from "../lib/export_file.ts";
import { RateLimiter } from "../lib/aws/limiter.ts";
import { type Emulator, startEmulator } from "../emulator/testing.ts";
import { instance, testContext, type TestRun } from "./support/context.ts";
import { instanceFixture } from "./support/generate.ts";

const FIXED = new Date(Date.UTC(2026, 10, 25, 12, 0, 0));
const LINE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} - (DEBUG|INFO|WARNING|ERROR) - /;

type Run = TestRun;

/** A context on the real client factory (limiter middleware, our retry policy, no delays). */
const context = (emu: Emulator, instanceId: string, limiter?: RateLimiter): Promise<Run> =>
  testContext(emu, instanceId, { limiter });

async function exportOf(run: Run, extra: { noSearch?: boolean } = {}) {
  const result = await runExport(run.ctx, {
    output: `${run.dir}/out.json`,
    now: () => FIXED,
    ...extra,
  });
  const file = JSON.parse(await Deno.readTextFile(result.output)) as ExportFile;
  return { result, file };
}

Deno.test("runExport() writes every quick connect of the sample instance exactly", async () => {
  await using emu = await startEmulator({ seed: "tests/fixtures/sample_seed.json", quotas: false });
  const src = instance(emu.state(), "source-demo");
  const run = await context(emu, src.Id ?? "");
  const { result, file } = await exportOf(run);
  assert.equal(result.exitCode, 0);
  assert.equal(result.readMode, "search");
  assert.equal(file.FormatVersion, 2);
  assert.equal(file.InstanceId, src.Id);
  assert.equal(file.Region, "us-east-1");
  assert.equal(file.InstanceArn, `arn:aws:connect:us-east-1:123456789012:instance/${src.Id}`);
  assert.equal(file.ExportTimestamp, "2026-11-25T12:00:00Z");
  assert.equal(file.TotalQuickConnects, src.QuickConnects.length);
  assert.equal(file.SuccessfulExports, src.QuickConnects.length);
  assert.equal(file.FailedExports, 0);
  const users = new Map(src.Users.map((u) => [u.Id, u.Username]));
  const queues = new Map(src.Queues.map((q) => [q.Id, q.Name]));
  const flows = new Map(src.ContactFlows.map((f) => [f.Id, f]));
  const types = new Set<string>();
  for (const qc of src.QuickConnects) {
    const item = file.QuickConnects.find((i) =>
      i.QuickConnect.QuickConnectId === qc.QuickConnectId
    );
    assert.ok(item, `exported ${qc.Name}`);
    assert.equal(item.QuickConnect.Name, qc.Name);
    assert.equal(item.QuickConnect.Description, qc.Description);
    assert.deepEqual(item.QuickConnect.QuickConnectConfig, qc.QuickConnectConfig);
    assert.deepEqual(item.Tags, qc.Tags ?? {});
    assert.equal(item.ExportTimestamp, "2026-11-25T12:00:00Z");
    const c = qc.QuickConnectConfig;
    types.add(c.QuickConnectType);
    if (c.UserConfig) {
      assert.deepEqual(item.References?.User, {
        Id: c.UserConfig.UserId,
        Username: users.get(c.UserConfig.UserId),
      });
    }
    if (c.QueueConfig) {
      assert.deepEqual(item.References?.Queue, {
        Id: c.QueueConfig.QueueId,
        Name: queues.get(c.QueueConfig.QueueId),
      });
    }
    const flowId = c.UserConfig?.ContactFlowId ?? c.QueueConfig?.ContactFlowId ??
      c.FlowConfig?.ContactFlowId;
    if (flowId) {
      const f = flows.get(flowId);
      assert.deepEqual(item.References?.ContactFlow, {
        Id: flowId,
        Name: f?.Name,
        Type: f?.ContactFlowType,
      });
    } else assert.equal(item.References?.ContactFlow, undefined);
    const linked = Object.entries(src.QueueQuickConnects)
      .filter(([, ids]) => ids.includes(qc.QuickConnectId ?? ""))
      .map(([id]) => ({ Id: id, Name: queues.get(id) }))
      .sort((a, b) => (a.Name ?? "").localeCompare(b.Name ?? ""));
    assert.deepEqual(item.Queues, linked, `queue links of ${qc.Name}`);
  }
  assert.deepEqual([...types].sort(), ["FLOW", "PHONE_NUMBER", "QUEUE", "USER"]);
  for (const l of run.lines) assert.match(l, LINE);
  assert.ok(run.lines.some((l) => l.includes("Export completed successfully!")));
  run.ctx.logger.close();
});

Deno.test("runExport() of 250 quick connects makes one pass per list and ⌈250/100⌉ Search calls", async () => {
  const seed = {
    Instances: [instanceFixture({ quickConnects: 250, queues: 12, users: 30, linksPerQueue: 60 })],
  };
  await using emu = await startEmulator({ seed, quotas: true });
  const id = seed.Instances[0]?.Id ?? "";
  // Real default quotas on both sides: the limiter must keep the export free of 429s.
  const run = await context(emu, id, new RateLimiter());
  const { result, file } = await exportOf(run);
  assert.equal(result.exitCode, 0);
  assert.equal(file.SuccessfulExports, 250);
  assert.deepEqual(emu.calls(), {
    SearchQuickConnects: 3,
    ListUsers: 1,
    ListQueues: 1,
    ListContactFlows: 1,
    ListQueueQuickConnects: 12,
    SearchRoutingProfiles: 1,
  });
  assert.deepEqual(emu.throttled(), {});
  const pages = run.lines.filter((l) =>
    / - INFO - Retrieved \d+ quick connects from page \d$/.test(l)
  );
  assert.deepEqual(pages.map((l) => l.replace(/^.* - INFO - /, "")), [
    "Retrieved 100 quick connects from page 1",
    "Retrieved 100 quick connects from page 2",
    "Retrieved 50 quick connects from page 3",
  ]);
  assert.equal(run.lines.filter((l) => l.includes("Exporting quick connect ")).length, 250);
  assert.match(
    run.lines.find((l) => l.includes("Exporting quick connect 1/250")) ?? "",
    /QC 00000 \(/,
  );
  const links = file.QuickConnects.reduce((n, i) => n + (i.Queues?.length ?? 0), 0);
  assert.equal(links, 12 * 60);
  run.ctx.logger.close();
});

Deno.test("runExport() falls back to List + Describe when Search is denied, with the same file", async () => {
  const seed = { Instances: [instanceFixture({ quickConnects: 1005, queues: 3, quota: 2000 })] };
  await using emu = await startEmulator({ seed, quotas: false });
  const id = seed.Instances[0]?.Id ?? "";
  const a = await context(emu, id);
  const viaSearch = await exportOf(a);
  emu.resetCalls();
  emu.addFault({ Operation: "SearchQuickConnects", Error: "AccessDeniedException", Count: -1 });
  const b = await context(emu, id);
  const viaList = await exportOf(b);
  assert.equal(viaList.result.readMode, "list+describe");
  assert.equal(viaList.result.exitCode, 0);
  assert.deepEqual(viaList.file, viaSearch.file);
  const calls = emu.calls();
  assert.equal(calls.ListQuickConnects, 2, "1005 summaries take two pages of 1000");
  assert.equal(calls.DescribeQuickConnect, 1005);
  assert.equal(calls.ListTagsForResource, undefined, "Describe carries the tags");
  assert.ok(b.lines.some((l) => / - WARNING - SearchQuickConnects is not available/.test(l)));
  a.ctx.logger.close();
  b.ctx.logger.close();
});

Deno.test("runExport() puts a quick connect it cannot read in FailedQuickConnects and exports the rest", async () => {
  await using emu = await startEmulator({ seed: "tests/fixtures/sample_seed.json", quotas: false });
  const src = instance(emu.state(), "source-demo");
  const victim = src.QuickConnects[1];
  assert.ok(victim);
  emu.addFault({ Operation: "SearchQuickConnects", Error: "AccessDeniedException", Count: -1 });
  emu.addFault({
    Operation: "DescribeQuickConnect",
    Error: "AccessDeniedException",
    Count: -1,
    ResourceId: victim.QuickConnectId,
  });
  const run = await context(emu, src.Id ?? "");
  const { result, file } = await exportOf(run);
  assert.equal(result.exitCode, 1);
  assert.equal(file.TotalQuickConnects, src.QuickConnects.length);
  assert.equal(file.SuccessfulExports, src.QuickConnects.length - 1);
  assert.equal(file.FailedExports, 1);
  assert.equal(file.FailedQuickConnects[0]?.QuickConnectId, victim.QuickConnectId);
  assert.equal(file.FailedQuickConnects[0]?.Name, victim.Name);
  assert.match(file.FailedQuickConnects[0]?.Error ?? "", /^AccessDeniedException/);
  assert.ok(
    !file.QuickConnects.some((i) => i.QuickConnect.QuickConnectId === victim.QuickConnectId),
  );
  assert.ok(run.lines.some((l) => l.endsWith(" - INFO - Failed exports: 1")));
  run.ctx.logger.close();
});

Deno.test("runExport() rides out a 429 storm and 500s and still exports everything", async () => {
  const seed = { Instances: [instanceFixture({ quickConnects: 120, queues: 5 })] };
  await using emu = await startEmulator({ seed, quotas: false });
  const id = seed.Instances[0]?.Id ?? "";
  emu.addFault({ Operation: "SearchQuickConnects", Error: "ThrottlingException", Count: 6 });
  emu.addFault({
    Operation: "ListQueueQuickConnects",
    Error: "InternalServiceException",
    Count: 4,
  });
  emu.addFault({ Operation: "ListUsers", Error: "ConnectionReset", Count: 2 });
  const run = await context(emu, id);
  const { result, file } = await exportOf(run);
  assert.equal(result.exitCode, 0);
  assert.equal(file.SuccessfulExports, 120);
  assert.deepEqual(emu.faulted(), {
    SearchQuickConnects: 6,
    ListQueueQuickConnects: 4,
    ListUsers: 2,
  });
  assert.equal(emu.calls().SearchQuickConnects, 2 + 6);
  run.ctx.logger.close();
});

Deno.test("runExport() of an empty instance warns and writes a valid file with zero items", async () => {
  const seed = { Instances: [instanceFixture({ quickConnects: 0 })] };
  await using emu = await startEmulator({ seed, quotas: false });
  const run = await context(emu, seed.Instances[0]?.Id ?? "");
  const { result, file } = await exportOf(run);
  assert.equal(result.exitCode, 0);
  assert.equal(file.TotalQuickConnects, 0);
  assert.deepEqual(file.QuickConnects, []);
  assert.ok(run.lines.some((l) => l.endsWith(" - WARNING - No quick connects found to export")));
  assert.deepEqual(emu.calls(), { SearchQuickConnects: 1 });
  run.ctx.logger.close();
});

Deno.test("runExport() escapes control characters of names in the log", async () => {
  const inst = instanceFixture({ quickConnects: 1 });
  const qc = inst.QuickConnects?.[0];
  assert.ok(qc);
  qc.Name = "Evil\n2026-01-01 00:00:00,000 - INFO - forged";
  await using emu = await startEmulator({ seed: { Instances: [inst] }, quotas: false });
  const run = await context(emu, inst.Id ?? "");
  const { file } = await exportOf(run);
  assert.equal(file.QuickConnects[0]?.QuickConnect.Name, qc.Name, "the file keeps the real name");
  assert.ok(!run.lines.some((l) => l.startsWith("2026-01-01 00:00:00,000")));
  assert.ok(run.lines.some((l) => l.includes("Evil\\n2026-01-01")));
  run.ctx.logger.close();
});

Deno.test("runExport() refuses to overwrite an existing file without force, before any call", async () => {
  await using emu = await startEmulator({ seed: "tests/fixtures/sample_seed.json", quotas: false });
  const src = instance(emu.state(), "source-demo");
  const run = await context(emu, src.Id ?? "");
  await Deno.writeTextFile(`${run.dir}/out.json`, "keep me");
  await assert.rejects(exportOf(run), /already exists: pass --force/);
  assert.equal(await Deno.readTextFile(`${run.dir}/out.json`), "keep me");
  assert.deepEqual(emu.calls(), {});
  const forced = await runExport(run.ctx, { output: `${run.dir}/out.json`, force: true });
  assert.equal(forced.exitCode, 0);
  assert.notEqual(await Deno.readTextFile(`${run.dir}/out.json`), "keep me");
  run.ctx.logger.close();
});

Deno.test("runExport() keeps a quick connect of a type it does not know, verbatim, with a warning", async () => {
  const inst = instanceFixture({ quickConnects: 2 });
  await using emu = await startEmulator({ seed: { Instances: [inst] }, quotas: false });
  const future = {
    QuickConnectType: "HOLOGRAM",
    HologramConfig: { ProjectorId: "p-1", Brightness: 3 },
  };
  emu.putUnvalidatedQuickConnect(inst.Id ?? "", {
    QuickConnectId: "f0000000-0000-4000-8000-000000000001",
    Name: "From the future",
    QuickConnectConfig: future,
  });
  const run = await context(emu, inst.Id ?? "");
  const { result, file } = await exportOf(run);
  assert.equal(result.exitCode, 0);
  assert.equal(file.SuccessfulExports, 3);
  const item = file.QuickConnects.find((i) => i.QuickConnect.Name === "From the future");
  assert.deepEqual(item?.QuickConnect.QuickConnectConfig, future);
  assert.deepEqual(item?.References, {});
  assert.ok(
    run.lines.some((l) =>
      / - WARNING - Quick connect From the future \(f0000000-.*\) has type HOLOGRAM, unknown to this version: exported verbatim$/
        .test(l)
    ),
  );
  run.ctx.logger.close();
});
