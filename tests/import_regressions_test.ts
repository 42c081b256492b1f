/**
 * Regressions of the import path found in review, each on the emulator with the real SDK
 * (or on the pure function where the emulator cannot show it): read errors that crashed
 * the run, tag sync over 50 tags, lost creates whose retries all failed, flow types,
 * ListTagsForResource per untagged quick connect, quadratic duplicate names, an interrupt
 * while settling a create, quota skips without a log line, and per-settle full listings.
 */
import assert from "node:assert/strict";
import type { ServiceInputTypes, ServiceOutputTypes } from "@aws-sdk/client-connect";
import type { InitializeMiddleware } from "@smithy/types";
import { type FixtureInput, startEmulator } from "./emulator/testing.ts";
import { context, importInto, instance, qcByName, tempJson } from "./import_helpers.ts";
import { runImport } from "../lib/import/run_import.ts";
import { checkWritable } from "../lib/cli/paths.ts";
import { resolve } from "node:path";
import { parseExport } from "../lib/import/input.ts";
import { emptyMapping, parseMapping } from "../lib/import/mapping.ts";
import { Directory, resolveFlow } from "../lib/import/resolve.ts";

const ACCOUNT = "123456789012";
const TARGET_ID = "00000000-0000-4000-8000-0000000000bb";

type Inst = FixtureInput["Instances"][number];

function seed(extra: Partial<Inst> = {}): FixtureInput {
  return {
    Instances: [{
      Id: TARGET_ID,
      Alias: "target",
      Region: "us-east-1",
      AccountId: ACCOUNT,
      Queues: [{ Id: "q-support", Name: "Support" }],
      ...extra,
    }],
  };
}

const PHONE = "+14155550100";

function phoneItem(name: string, tags: Record<string, string> = {}, description?: string) {
  return {
    QuickConnect: {
      QuickConnectId: `src-${name}`,
      Name: name,
      ...(description ? { Description: description } : {}),
      QuickConnectConfig: { QuickConnectType: "PHONE_NUMBER", PhoneConfig: { PhoneNumber: PHONE } },
    },
    Tags: tags,
    ExportTimestamp: "2026-01-01T00:00:00Z",
    Queues: [],
  };
}

/** Existing phone quick connects in the target (fixture form). */
function existingPhones(names: string[], tags: Record<string, string> = {}) {
  return names.map((n, i) => ({
    QuickConnectId: `qc-${i}`,
    Name: n,
    QuickConnectConfig: {
      QuickConnectType: "PHONE_NUMBER" as const,
      PhoneConfig: { PhoneNumber: PHONE },
    },
    ...(Object.keys(tags).length > 0 ? { Tags: tags } : {}),
  }));
}

const has = (lines: string[], text: string) => lines.some((l) => l.includes(text));

async function readReport(path: string) {
  return JSON.parse(await Deno.readTextFile(path));
}

// ---------------------------------------------------------------- 1. read errors

Deno.test("bug 1: a DescribeQuickConnect error while planning an update fails that item only; report kept", async () => {
  await using emu = await startEmulator({
    seed: seed({ QuickConnects: existingPhones(["A", "B"]) }),
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
    exportFile: await tempJson({ QuickConnects: [phoneItem("A", { T: "1" }), phoneItem("B")] }),
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
  assert.ok(has(r.lines, " - ERROR - Error updating quick connect A: Cannot read"));
  assert.ok(has(r.lines, "Failed: 1"));
  assert.equal((await readReport(`${dir}/report.json`)).Summary.Failed, 1);
});

Deno.test("bug 1: a read error while settling a duplicate create fails that item only; report kept", async () => {
  await using emu = await startEmulator({ seed: seed(), quotas: false });
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
  assert.ok(has(r.lines, "Import process completed!"));
  assert.equal((await readReport(`${dir}/report.json`)).Items.length, 2);
  // Never created twice.
  assert.equal(instance(emu.state(), "target").QuickConnects.length, 2);
});

Deno.test("bug 1: settling with Search denied falls back to List + Describe; a Describe error fails the item", async () => {
  await using emu = await startEmulator({ seed: seed(), quotas: false });
  emu.addFault({ Operation: "CreateQuickConnect", Error: "ConnectionReset", ResourceId: "Lost" });
  emu.addFault({ Operation: "SearchQuickConnects", Error: "AccessDeniedException", Count: -1 });
  emu.addFault({ Operation: "DescribeQuickConnect", Error: "InternalServiceException", Count: -1 });
  const r = await importInto(emu, "target", {
    exportFile: await tempJson({ QuickConnects: [phoneItem("Lost")] }),
  });
  assert.equal(r.exitCode, 1, r.lines.join("\n"));
  assert.match(r.report!.Items[0]?.Error ?? "", /looking its name up.*InternalServiceException/);
});

Deno.test("bug 1: a read error during --verify is a difference, not a crash", async () => {
  await using emu = await startEmulator({
    seed: seed({ QuickConnects: existingPhones(["A", "B"]) }),
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
  assert.ok(has(r.lines, " - ERROR - Verify: B: QuickConnect: expected readable"));
  assert.equal((await readReport(`${dir}/report.json`)).Verify.Differences.length, 1);
});

Deno.test("bug 1: any unexpected error still ends with an ERROR line, the summary and the report (exit 1)", async () => {
  await using emu = await startEmulator({ seed: seed(), quotas: false });
  const dir = await Deno.makeTempDir();
  const r = await importInto(emu, "target", {
    exportFile: await tempJson({ QuickConnects: [phoneItem("A"), phoneItem("B")] }),
    reportFile: `${dir}/report.json`,
    onProgress: (done) => {
      if (done === 1) throw new TypeError("boom");
    },
  });
  assert.equal(r.exitCode, 1);
  assert.ok(has(r.lines, " - ERROR - Unexpected error, the import stopped: TypeError: boom"));
  assert.ok(has(r.lines, "Successful: 1"));
  assert.ok(has(r.lines, "Failed: 1"));
  const saved = await readReport(`${dir}/report.json`);
  assert.equal(saved.ExitCode, 1);
  assert.deepEqual(saved.Items.map((i: { Action: string }) => i.Action), ["created", "failed"]);
  assert.match(saved.Items[1].Error, /^Not attempted: .*unexpected error \(TypeError: boom\)/);
});

// ---------------------------------------------------------------- 2. untag before tag

Deno.test("bug 2: --on-conflict update replaces 30 tags by 30 others (untag first, never 60 at once)", async () => {
  const old = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`Old${i}`, "x"]));
  const fresh = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`New${i}`, "y"]));
  await using emu = await startEmulator({
    seed: seed({ QuickConnects: existingPhones(["A"], old) }),
    quotas: false,
  });
  const r = await importInto(emu, "target", {
    exportFile: await tempJson({ QuickConnects: [phoneItem("A", fresh)] }),
    onConflict: "update",
  });
  assert.equal(r.exitCode, 0, r.lines.join("\n"));
  assert.equal(r.report!.Summary.Updated, 1);
  assert.deepEqual(qcByName(instance(emu.state(), "target"), "A")?.Tags, fresh);
});

// ---------------------------------------------------------------- 3. lost creates

Deno.test("bug 3: a create whose every attempt loses its response is created once, not failed", async () => {
  await using emu = await startEmulator({ seed: seed(), quotas: false });
  emu.addFault({
    Operation: "CreateQuickConnect",
    Error: "ConnectionReset",
    Count: -1,
    ResourceId: "Lost",
  });
  const r = await importInto(emu, "target", {
    exportFile: await tempJson({ QuickConnects: [phoneItem("Lost", { T: "1" }, "d")] }),
  });
  assert.equal(r.exitCode, 0, r.lines.join("\n"));
  const tgt = instance(emu.state(), "target");
  assert.equal(tgt.QuickConnects.filter((q) => q.Name === "Lost").length, 1);
  assert.equal(r.report!.Items[0]?.Action, "created");
  assert.equal(r.report!.Items[0]?.TargetId, qcByName(tgt, "Lost")?.QuickConnectId);
  assert.ok(emu.calls().CreateQuickConnect! > 1);
  assert.ok(has(r.lines, " - INFO - Created quick connect: Lost -> "));
});

Deno.test("bug 3: a create applied, then answered 500 on every retry, is created; one never applied fails", async () => {
  await using emu = await startEmulator({ seed: seed(), quotas: false });
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

// ---------------------------------------------------------------- 4. flow types

function flowItem(
  name: string,
  type: "USER" | "QUEUE" | "FLOW",
  flowId: string,
  ref?: { Name?: string; Type?: string },
) {
  const config = type === "USER"
    ? { QuickConnectType: "USER", UserConfig: { UserId: "u-1", ContactFlowId: flowId } }
    : type === "QUEUE"
    ? { QuickConnectType: "QUEUE", QueueConfig: { QueueId: "q-support", ContactFlowId: flowId } }
    : { QuickConnectType: "FLOW", FlowConfig: { ContactFlowId: flowId } };
  return {
    QuickConnect: { QuickConnectId: `src-${name}`, Name: name, QuickConnectConfig: config },
    Tags: {},
    ExportTimestamp: "2026-01-01T00:00:00Z",
    ...(ref ? { References: { ContactFlow: { Id: flowId, ...ref } } } : {}),
    Queues: [],
  };
}

Deno.test("bug 4: a flow of the wrong type (mapped, same ID) fails at plan time, also in a dry run", async () => {
  await using emu = await startEmulator({
    seed: seed({
      Users: [{ Id: "u-1", Username: "jdoe" }],
      ContactFlows: [
        { Id: "f-queue", Name: "Queue xfer", ContactFlowType: "QUEUE_TRANSFER" },
        { Id: "f-agent", Name: "Agent xfer", ContactFlowType: "AGENT_TRANSFER" },
      ],
    }),
    quotas: false,
  });
  const exportFile = await tempJson({
    QuickConnects: [
      flowItem("Mapped", "USER", "src-flow-1"),
      flowItem("SameId", "USER", "f-queue"),
      flowItem("Good", "QUEUE", "f-queue"),
    ],
  });
  const mappingFile = await tempJson({ ContactFlows: { "src-flow-1": "f-queue" } });
  for (const dryRun of [true, false]) {
    emu.resetCalls();
    const r = await importInto(emu, "target", { exportFile, mappingFile, dryRun });
    assert.equal(r.exitCode, 1, r.lines.join("\n"));
    const byName = new Map(r.report!.Items.map((i) => [i.Name, i]));
    for (const n of ["Mapped", "SameId"]) {
      assert.equal(byName.get(n)?.Action, "failed", n);
      assert.match(
        byName.get(n)?.Error ?? "",
        /target flow 'Queue xfer' \(f-queue\) of type QUEUE_TRANSFER, but a USER quick connect needs a flow of type AGENT_TRANSFER/,
      );
    }
    assert.equal(byName.get("Good")?.Action, dryRun ? "would-create" : "created");
    assert.equal(emu.calls().CreateQuickConnect ?? 0, dryRun ? 0 : 1);
  }
});

Deno.test("bug 4: a References entry without Type picks the flow of the type needed, whatever the order", () => {
  const agent = { Id: "a", Name: "Transfer", ContactFlowType: "AGENT_TRANSFER" as const };
  const queue = { Id: "q", Name: "Transfer", ContactFlowType: "QUEUE_TRANSFER" as const };
  for (const flows of [[agent, queue], [queue, agent]]) {
    const m = emptyMapping();
    assert.deepEqual(
      resolveFlow(new Directory({ flows: flows }), m, "src", "Transfer", undefined, "USER"),
      {
        ok: true,
        value: "a",
      },
    );
    assert.deepEqual(
      resolveFlow(new Directory({ flows: flows }), m, "src", "Transfer", undefined, "QUEUE"),
      {
        ok: true,
        value: "q",
      },
    );
  }
  // A mapping to the name of a single flow of the wrong type fails, naming both types.
  const m = parseMapping({ ContactFlows: { src: "Transfer" } }, "m.json");
  const r = resolveFlow(new Directory({ flows: [queue] }), m, "src", undefined, undefined, "USER");
  assert.equal(r.ok, false);
  assert.match(r.ok ? "" : r.error, /of type QUEUE_TRANSFER, but a USER .* AGENT_TRANSFER/);
});

// ---------------------------------------------------------------- 5. no ListTags per item

Deno.test("bug 5: untagged quick connects cost no ListTagsForResource (Search, and Describe when Search is denied)", async () => {
  for (const searchDenied of [false, true]) {
    await using emu = await startEmulator({
      seed: seed({ QuickConnects: existingPhones(["A", "B", "C"]) }),
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

// ---------------------------------------------------------------- 6. duplicate names

Deno.test("bug 6: 3,000 items with one name: each error lists 5 indices and 'and N more'", () => {
  const n = 3000;
  const file = { QuickConnects: Array.from({ length: n }, () => phoneItem("Same")) };
  const t0 = performance.now();
  const out = parseExport(file, "f.json");
  const ms = performance.now() - t0;
  assert.equal(out.items.length, n);
  const errors = out.items.map((it) => (it as { error?: string }).error ?? "");
  assert.ok(errors.every((e) => e.includes("appears 3000 times")));
  assert.match(errors[7] ?? "", /\(items 0, 1, 2, 3, 4 and 2995 more\)/);
  assert.ok(
    errors.every((e) => e.length < 200),
    `longest ${Math.max(...errors.map((e) => e.length))}`,
  );
  assert.ok(ms < 5000, `${ms} ms`);
  // Two of a name still list both.
  const two = parseExport({ QuickConnects: [phoneItem("X"), phoneItem("X")] }, "f.json");
  assert.match(
    (two.items[1] as { error: string }).error,
    /appears 2 times in the file \(items 0, 1\)/,
  );
});

// ---------------------------------------------------------------- 7. interrupt while settling

Deno.test("bug 7: an interrupt while settling a duplicate create says it may exist, not 'Not attempted'", async () => {
  await using emu = await startEmulator({ seed: seed(), quotas: false });
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
    const r = await runImport(run.ctx, {
      exportFile: await tempJson({ QuickConnects: [phoneItem("Lost"), phoneItem("Later")] }),
      signal: ac.signal,
    });
    assert.equal(r.exitCode, 130, run.lines.join("\n"));
    const [lost, later] = r.report!.Items;
    assert.match(lost?.Error ?? "", /^Interrupted while creating; it may or may not exist/);
    assert.match(later?.Error ?? "", /^Not attempted: the import was interrupted/);
  } finally {
    run.ctx.logger.close();
  }
});

// ---------------------------------------------------------------- 8. quota skips logged

Deno.test("bug 8: after the quota is reached, each create not attempted has its own ERROR line", async () => {
  await using emu = await startEmulator({ seed: seed({ QuickConnectQuota: 1 }), quotas: false });
  const r = await importInto(emu, "target", {
    exportFile: await tempJson({ QuickConnects: ["A", "B", "C", "D"].map((n) => phoneItem(n)) }),
  });
  assert.equal(r.exitCode, 1);
  assert.equal(emu.calls().CreateQuickConnect, 2);
  for (const n of ["C", "D"]) {
    assert.ok(
      has(r.lines, ` - ERROR - Error creating quick connect ${n}: Not attempted: the target`),
      n,
    );
  }
});

// ---------------------------------------------------------------- 9. one Search per settle

Deno.test("bug 9: each settle is one exact-name SearchQuickConnects, never a re-listing", async () => {
  await using emu = await startEmulator({
    seed: seed({ QuickConnects: existingPhones(Array.from({ length: 40 }, (_, i) => `Old ${i}`)) }),
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

Deno.test("bug 9: when Search is denied, settling falls back to the list and still settles", async () => {
  await using emu = await startEmulator({ seed: seed(), quotas: false });
  emu.addFault({ Operation: "CreateQuickConnect", Error: "ConnectionReset", ResourceId: "Lost" });
  emu.addFault({ Operation: "SearchQuickConnects", Error: "AccessDeniedException", Count: -1 });
  const r = await importInto(emu, "target", {
    exportFile: await tempJson({ QuickConnects: [phoneItem("Lost")] }),
  });
  assert.equal(r.exitCode, 0, r.lines.join("\n"));
  assert.equal(r.report!.Items[0]?.Action, "created");
  assert.ok(has(r.lines, "WARNING - SearchQuickConnects is not available"));
  assert.equal(instance(emu.state(), "target").QuickConnects.length, 1);
});

// ---------------------------------------------------------------- report directory

Deno.test("--report: the directory is the path's dirname ('/' for /report.json, '.' for a bare name)", async () => {
  const check = (path: string) =>
    checkWritable("report", resolve(path), path, { replace: "force", force: true });
  // Accepted: "/" exists.
  await check("/report.json");
  // A backslash is part of a POSIX file name, not a separator: the directory is ".".
  if (Deno.build.os !== "windows") await check("no-such-dir\\report.json");
  await assert.rejects(
    check("/no-such-dir-xyz/report.json"),
    /directory "\/no-such-dir-xyz" does not exist/,
  );
});
