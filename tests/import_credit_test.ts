/**
 * A report credits the run only with what its own calls did (issue: "Prune and undo remove
 * only what the user chose and what this run did"): two imports of one file at once into
 * one target, and a re-run right after a run under the emulator's consistency lag. What a
 * run cannot know to be its own is marked so, and its undo leaves it.
 */
import assert from "node:assert/strict";
import {
  DescribeQuickConnectCommand,
  TagResourceCommand,
  UpdateQuickConnectNameCommand,
} from "@aws-sdk/client-connect";
import { startEmulator } from "../emulator/testing.ts";
import { exportInstance, idOf, instance, linksByName } from "./import_helpers.ts";
import { migrationFixture } from "./support/generate.ts";
import { runCli } from "./support/cli.ts";
import { testContext } from "./support/context.ts";

const FAST = { CONNECT_QUOTA_SCALE: "20" };

interface Report {
  Items: { Name: string; Action: string; Outcome: string }[];
  Associations: { Added: number; Unconfirmed?: number };
  Undo: {
    Created: { Name: string; Certain?: boolean }[];
    LinksAdded: { Name: string; Certain?: boolean }[];
  };
}

const created = (r: Report) => r.Items.filter((i) => i.Action === "created").map((i) => i.Name);
/** Created and claimed: not contested with another run. */
const claimed = (r: Report) =>
  r.Items.filter((i) => i.Action === "created" && i.Outcome === "done").map((i) => i.Name);
const read = async (path: string): Promise<Report> => JSON.parse(await Deno.readTextFile(path));

async function setup(opts: { consistencyLagMs?: number; latencyMs?: number }) {
  const fixture = migrationFixture({ quickConnects: 24, queues: 3, linksPerQueue: 8 });
  await using source = await startEmulator({ seed: fixture, quotas: false });
  const { path } = await exportInstance(source, "source");
  const emu = await startEmulator({ seed: fixture, quotas: false, ...opts });
  const dir = await Deno.makeTempDir({ prefix: "credit_" });
  await Deno.copyFile(path, `${dir}/export.json`);
  const target = idOf(emu.state(), "target");
  const cli = (args: string[]) =>
    runCli(
      "import",
      ["--instance-id", target, "--endpoint-url", emu.url, ...args],
      dir,
      FAST,
    );
  const content = () => {
    const t = instance(emu.state(), "target");
    return { names: t.QuickConnects.map((q) => q.Name).sort(), links: linksByName(t) };
  };
  return { emu, dir, cli, content };
}

Deno.test("two imports of one file at once: each quick connect is credited to one run, and undo of the other leaves it", async () => {
  const { emu, dir, cli, content } = await setup({ latencyMs: 25 });
  await using _ = emu;
  const a = cli(["--export-file", "export.json", "--report", "a.json"]);
  // B starts once A has created something: a fixed head start is none on a busy machine.
  let aEnded = false;
  a.then(() => (aEnded = true), () => (aEnded = true));
  while (!aEnded && instance(emu.state(), "target").QuickConnects.length === 0) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const b = cli(["--export-file", "export.json", "--report", "b.json"]);
  const [ra, rb] = await Promise.all([a, b]);
  assert.equal(ra.code, 0, ra.stderr);
  assert.ok(rb.code === 0 || rb.code === 1, rb.stderr);
  const [repA, repB] = [await read(`${dir}/a.json`), await read(`${dir}/b.json`)];
  const both = [...claimed(repA), ...claimed(repB)];
  assert.equal(new Set(both).size, both.length, "none claimed by both runs");
  assert.equal(new Set([...created(repA), ...created(repB)]).size, 24, "each created by a run");
  assert.ok(claimed(repA).length > 0);
  // B's undo record claims nothing A made, and no link to it as certain.
  const fromA = new Set(claimed(repA));
  assert.ok(repB.Undo.Created.every((c) => !fromA.has(c.Name) || c.Certain === false));
  assert.ok(repB.Undo.LinksAdded.every((l) => !fromA.has(l.Name) || l.Certain === false));
  const before = content();
  assert.equal(before.names.length, 24);
  const undo = await cli(["--undo", "b.json"]);
  assert.ok(undo.code === 0 || undo.code === 1, undo.stderr);
  const after = content();
  for (const name of fromA) {
    assert.ok(after.names.includes(name), `${name}, created by A, is still there`);
    assert.deepEqual(after.links[name], before.links[name], `${name}'s links are kept`);
  }
});

Deno.test("a re-run right after a run under a 3 s consistency lag credits itself with nothing, and its undo changes nothing", async () => {
  const { emu, dir, cli, content } = await setup({ consistencyLagMs: 3000 });
  await using _ = emu;
  const first = await cli(["--export-file", "export.json", "--report", "a.json"]);
  assert.equal(first.code, 0, first.stderr);
  const again = await cli(["--export-file", "export.json", "--report", "b.json"]);
  assert.equal(again.code, 0, again.stderr);
  const repB = await read(`${dir}/b.json`);
  assert.deepEqual(created(repB), [], "the re-run created nothing");
  assert.ok(repB.Undo.Created.every((c) => c.Certain === false));
  // Links it sent to quick connects it did not create may have been there already.
  assert.equal(repB.Associations.Unconfirmed ?? 0, repB.Associations.Added);
  assert.ok(repB.Undo.LinksAdded.every((l) => l.Certain === false));
  await new Promise((r) => setTimeout(r, 3100));
  const before = content();
  const undo = await cli(["--undo", "b.json"]);
  assert.equal(undo.code, 0, undo.stderr);
  assert.deepEqual(content(), before, "undo of the re-run removed nothing");
  if (repB.Undo.LinksAdded.length > 0) {
    assert.match(undo.stderr, /Undo: leaving \d+ links that may have been there before the run/);
  }
});

Deno.test("undo after later edits: a tag added to an updated quick connect and a created one renamed are left, named, exit 1; --force undoes them", async () => {
  const fixture = migrationFixture({ quickConnects: 4, queues: 1, linksPerQueue: 0 });
  await using source = await startEmulator({ seed: fixture, quotas: false });
  const { path, file } = await exportInstance(source, "source");
  await using emu = await startEmulator({ seed: fixture, quotas: false });
  const dir = await Deno.makeTempDir({ prefix: "credit_" });
  const target = idOf(emu.state(), "target");
  const cli = (args: string[], env = FAST) =>
    runCli("import", ["--instance-id", target, "--endpoint-url", emu.url, ...args], dir, env);
  // The target has the first one already, with another description: the run updates it.
  const old = {
    ...file,
    QuickConnects: [{
      ...file.QuickConnects[0]!,
      QuickConnect: { ...file.QuickConnects[0]!.QuickConnect, Description: "old" },
    }],
  };
  await Deno.writeTextFile(`${dir}/old.json`, JSON.stringify(old));
  assert.equal((await cli(["--export-file", "old.json"])).code, 0);
  await Deno.copyFile(path, `${dir}/export.json`);
  const run = await cli([
    "--export-file",
    "export.json",
    "--on-conflict",
    "update",
    "--report",
    "run.json",
  ]);
  assert.equal(run.code, 0, run.stderr);
  // Another admin, behind the tool's back: a tag on the updated one, a rename of a created one.
  const t = instance(emu.state(), "target");
  const updated = t.QuickConnects.find((q) => q.Name === file.QuickConnects[0]!.QuickConnect.Name)!;
  const renamed = t.QuickConnects.find((q) => q.Name === file.QuickConnects[1]!.QuickConnect.Name)!;
  const client = await testContext(emu, target);
  const arn = (await client.ctx.client.send(
    new DescribeQuickConnectCommand({ InstanceId: target, QuickConnectId: updated.QuickConnectId }),
  )).QuickConnect?.QuickConnectARN;
  await client.ctx.client.send(
    new TagResourceCommand({ resourceArn: arn, tags: { Added: "later" } }),
  );
  await client.ctx.client.send(
    new UpdateQuickConnectNameCommand({
      InstanceId: target,
      QuickConnectId: renamed.QuickConnectId!,
      Name: "Renamed by hand",
    }),
  );
  client.ctx.logger.close();
  const undo = await cli(["--undo", "run.json"]);
  assert.equal(undo.code, 1, undo.stderr);
  assert.match(
    undo.stderr,
    /leaving quick connect .*: Not undone: it was changed since the run updated it \(tags\)/,
  );
  assert.match(
    undo.stderr,
    /leaving quick connect Renamed by hand: Not undone: created by the run, it was changed since \(name\)/,
  );
  const names = () => instance(emu.state(), "target").QuickConnects.map((q) => q.Name).sort();
  assert.deepEqual(
    names(),
    [updated.Name, "Renamed by hand"].sort(),
    "only the untouched two undone",
  );
  const forced = await cli(["--undo", "run.json", "--force"]);
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stderr, /restoring .* although it was changed since \(tags\): --force/);
  assert.deepEqual(names(), [updated.Name]);
  const back = instance(emu.state(), "target").QuickConnects[0]!;
  assert.equal(back.Description, "old");
  assert.deepEqual(back.Tags ?? {}, old.QuickConnects[0]!.Tags ?? {});
});
