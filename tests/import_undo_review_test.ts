/**
 * Undo after a run that stopped in the middle of a change, through the real CLI (found in
 * review): a create answered "name taken" and not yet settled is not this run's to delete,
 * and an update stopped between its untag and its tag is restored without --force.
 */
import assert from "node:assert/strict";
import { SAMPLE_SEED_PATH, startEmulator } from "../emulator/testing.ts";
import { exportInstance, idOf, instance } from "./import_helpers.ts";
import { runCli } from "./support/cli.ts";
import {
  DescribeQuickConnectCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateQuickConnectNameCommand,
} from "@aws-sdk/client-connect";
import { testClient } from "../emulator/testing.ts";

const FAST = { CONNECT_QUOTA_SCALE: "20" };

async function sample() {
  const seed = JSON.parse(await Deno.readTextFile(SAMPLE_SEED_PATH));
  const emu = await startEmulator({ seed, quotas: false });
  const target = idOf(emu.state(), "target-demo");
  const dir = await Deno.makeTempDir({ prefix: "qa_journal_" });
  const cli = (more: string[]) => runCli("import", ["--endpoint-url", emu.url, ...more], dir, FAST);
  return { emu, target, dir, cli };
}

Deno.test("a create answered 409 (name taken) whose run stopped before settling: undo must not delete the existing quick connect", async () => {
  const s = await sample();
  await using _ = s.emu;
  const existing = instance(s.emu.state(), "target-demo").QuickConnects
    .find((q) => q.Name === "External Helpdesk")!;
  // What a run leaves when it is killed (or Ctrl-C'd) while settling a create that was
  // answered DuplicateResourceException on its only attempt (create.ts sendCreate).
  const head = {
    kind: "run",
    seq: 0,
    at: "2026-01-01T00:00:00.000Z",
    journal: 1,
    tool: "connect-quick-connects",
    version: "0.1.0",
    instanceId: s.target,
    region: "us-east-1",
    source: "export.json",
  };
  const intent = {
    kind: "intent",
    seq: 1,
    at: "2026-01-01T00:00:00.000Z",
    op: "create",
    item: 0,
    name: existing.Name,
    after: {
      Description: existing.Description ?? "",
      QuickConnectConfig: existing.QuickConnectConfig,
      Tags: existing.Tags ?? {},
    },
  };
  const answer = {
    kind: "answer",
    seq: 2,
    at: "2026-01-01T00:00:00.100Z",
    of: 1,
    result: "taken",
    landed: false,
    reason:
      "DuplicateResourceException: A quick connect with the name External Helpdesk already exists.",
  };
  await Deno.writeTextFile(
    `${s.dir}/run.json`,
    [head, intent, answer].map((e) => JSON.stringify(e)).join("\n") + "\n",
  );
  await s.cli(["--undo", "run.json", "--report", "undo.json"]);
  const still = instance(s.emu.state(), "target-demo").QuickConnects
    .some((q) => q.QuickConnectId === existing.QuickConnectId);
  assert.ok(
    still,
    "undo deleted a quick connect that existed before the run (the run's create was refused 409)",
  );
});

Deno.test("an update whose TagResource is refused after UntagResource succeeded can be undone without --force", async () => {
  const s = await sample();
  await using _ = s.emu;
  const { path } = await exportInstance(s.emu, "source-demo");
  await Deno.copyFile(path, `${s.dir}/export.json`);
  const find = () =>
    instance(s.emu.state(), "target-demo").QuickConnects.find((q) => q.Name === "Support Queue")!;
  // The target's Support Queue gets a tag the file lacks and loses one it has: the update
  // then untags (Owner) and tags (Team).
  const qc = find();
  const client = testClient(s.emu);
  const arn = (await client.send(
    new DescribeQuickConnectCommand({ InstanceId: s.target, QuickConnectId: qc.QuickConnectId! }),
  )).QuickConnect!.QuickConnectARN!;
  await client.send(new TagResourceCommand({ resourceArn: arn, tags: { Owner: "oops" } }));
  await client.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ["Team"] }));
  const initial = JSON.stringify(find());
  s.emu.addFault({ Operation: "TagResource", Error: "AccessDeniedException", Count: 1 });
  const run = await s.cli([
    "--instance-id",
    s.target,
    "--export-file",
    "export.json",
    "--include",
    "Support Queue",
    "--on-conflict",
    "update",
    "--report",
    "run.json",
  ]);
  assert.equal(run.code, 1, run.stderr);
  assert.notEqual(JSON.stringify(find()), initial, "the run changed it (untagged Owner)");
  const undo = await s.cli(["--undo", "run.json", "--report", "undo.json"]);
  assert.equal(
    undo.code,
    0,
    undo.stderr.split("\n").filter((l) => /ERROR/.test(l)).join("\n"),
  );
  assert.equal(JSON.stringify(find()), initial, "undo restored the quick connect's tags");
});

Deno.test("undo leaves a quick connect edited since the run, and its queue link with it", async () => {
  const s = await sample();
  await using _ = s.emu;
  const { path } = await exportInstance(s.emu, "source-demo");
  await Deno.copyFile(path, `${s.dir}/export.json`);
  const run = await s.cli([
    "--instance-id",
    s.target,
    "--export-file",
    "export.json",
    "--include",
    "Transfer to John Doe",
    "--report",
    "run.json",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const find = () =>
    instance(s.emu.state(), "target-demo").QuickConnects.find((q) =>
      q.Name === "Transfer to John Doe"
    )!;
  const linked = () =>
    Object.values(instance(s.emu.state(), "target-demo").QueueQuickConnects ?? {})
      .some((ids) => ids.includes(find().QuickConnectId!));
  assert.ok(linked(), "the run linked it");
  const client = testClient(s.emu);
  await client.send(
    new UpdateQuickConnectNameCommand({
      InstanceId: s.target,
      QuickConnectId: find().QuickConnectId!,
      Description: "edited by hand",
    }),
  );
  const undo = await s.cli(["--undo", "run.json"]);
  assert.equal(undo.code, 1, undo.stderr);
  assert.match(undo.stderr, /leaving quick connect Transfer to John Doe: .*changed since/);
  assert.doesNotMatch(undo.stderr, /Removed \d+ links? from queue/);
  assert.ok(linked(), "agents still see the quick connect it left");
});
