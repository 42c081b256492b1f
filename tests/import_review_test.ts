/**
 * Review, then apply exactly that: a saved plan is applied as it is, refused (exit 2, no
 * write) when the target changed since or when it was made elsewhere; a dry run's
 * detailed exit code tells a drift check whether changes are pending.
 */
import assert from "node:assert/strict";
import { type Emulator, startEmulator } from "../emulator/testing.ts";
import { exportInstance, idOf, instance, linksByName, mutatingCalls } from "./import_helpers.ts";
import { migrationFixture } from "./support/generate.ts";
import { runCli } from "./support/cli.ts";
import { planDigest } from "../lib/import/plan_file.ts";

const FAST = { CONNECT_QUOTA_SCALE: "20" };

async function setup() {
  const fixture = migrationFixture({ quickConnects: 12, queues: 3, linksPerQueue: 4 });
  const source = await startEmulator({ seed: fixture, quotas: false });
  const { path } = await exportInstance(source, "source");
  await source.close();
  const emu = await startEmulator({ seed: fixture, quotas: false });
  const dir = await Deno.makeTempDir({ prefix: "review_" });
  await Deno.copyFile(path, `${dir}/export.json`);
  return { emu, dir, target: idOf(emu.state(), "target") };
}

const importCli = (emu: Emulator, target: string, dir: string, args: string[]) =>
  runCli(
    "import",
    ["--instance-id", target, "--endpoint-url", emu.url, "--consistency-wait", "0", ...args],
    dir,
    FAST,
  );

Deno.test("--dry-run --plan-out, then --plan applies exactly that plan", async () => {
  const { emu, dir, target } = await setup();
  await using _ = emu;
  const dry = await importCli(emu, target, dir, [
    "--export-file",
    "export.json",
    "--dry-run",
    "--plan-out",
    "plan.json",
  ]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.deepEqual(mutatingCalls(emu.calls()), {});
  const plan = JSON.parse(await Deno.readTextFile(`${dir}/plan.json`));
  assert.equal(plan.PlanFormat, 2);
  assert.equal(plan.Digest, await planDigest(plan));
  assert.equal(plan.InstanceId, target);
  assert.equal(plan.Plan.entries.filter((e: { kind: string }) => e.kind === "create").length, 12);
  assert.ok(Object.keys(plan.Fingerprints).length >= 12);
  // The plan is what is applied: --export-file is not needed, and not allowed.
  const both = await importCli(emu, target, dir, [
    "--plan",
    "plan.json",
    "--export-file",
    "export.json",
  ]);
  assert.equal(both.code, 2);
  // Nor does anything that would shape another plan.
  const shaped = await importCli(emu, target, dir, ["--plan", "plan.json", "--include", "QC*"]);
  assert.equal(shaped.code, 2);
  assert.match(shaped.stderr, /--include does not go with --plan: the plan is already made/);
  const r = await importCli(emu, target, dir, ["--plan", "plan.json", "--report", "r.json"]);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(await Deno.readTextFile(`${dir}/r.json`));
  assert.equal(report.Summary.Created, 12);
  assert.deepEqual(
    linksByName(instance(emu.state(), "target")),
    linksByName(instance(emu.state(), "source")),
  );
});

Deno.test("a plan whose target changed since is refused before any write, naming what changed", async () => {
  const { emu, dir, target } = await setup();
  await using _ = emu;
  const dry = await importCli(emu, target, dir, [
    "--export-file",
    "export.json",
    "--dry-run",
    "--plan-out",
    "plan.json",
  ]);
  assert.equal(dry.code, 0, dry.stderr);
  // Someone creates one of the planned quick connects by hand meanwhile.
  const first = instance(emu.state(), "source").QuickConnects[0]!;
  const file = JSON.parse(await Deno.readTextFile(`${dir}/export.json`));
  file.QuickConnects = file.QuickConnects.filter((q: { QuickConnect: { Name: string } }) =>
    q.QuickConnect.Name === first.Name
  );
  await Deno.writeTextFile(`${dir}/one.json`, JSON.stringify(file));
  const one = await importCli(emu, target, dir, ["--export-file", "one.json"]);
  assert.equal(one.code, 0, one.stderr);
  emu.resetCalls();
  const stale = await importCli(emu, target, dir, ["--plan", "plan.json"]);
  assert.equal(stale.code, 2, stale.stderr);
  assert.match(
    stale.stderr,
    new RegExp(
      `Changed since the plan was made: quick connect "${first.Name}": was absent, now present`,
    ),
  );
  assert.match(stale.stderr, /Refusing plan "plan\.json": the target changed since it was made/);
  assert.deepEqual(mutatingCalls(emu.calls()), {});
  assert.equal(instance(emu.state(), "target").QuickConnects.length, 1);
});

Deno.test("a plan made for another instance or Region, or by another version, is refused", async () => {
  const { emu, dir, target } = await setup();
  await using _ = emu;
  await importCli(emu, target, dir, [
    "--export-file",
    "export.json",
    "--dry-run",
    "--plan-out",
    "plan.json",
  ]);
  const plan = JSON.parse(await Deno.readTextFile(`${dir}/plan.json`));
  const source = idOf(emu.state(), "source");
  const other = await importCli(emu, source, dir, ["--plan", "plan.json"]);
  assert.equal(other.code, 2);
  assert.match(
    other.stderr,
    new RegExp(`made for instance ${target} in us-east-1, not ${source}; drop --instance-id, or`),
  );
  const region = await runCli(
    "import",
    [
      "--instance-id",
      target,
      "--endpoint-url",
      emu.url,
      "--region",
      "eu-west-2",
      "--plan",
      "plan.json",
    ],
    dir,
    FAST,
  );
  assert.equal(region.code, 2);
  assert.match(
    region.stderr,
    /in us-east-1, not eu-west-2; drop --region, or make a new plan against eu-west-2 with/,
  );
  // As another version would have written it: its own content, its own digest.
  const older = { ...plan, ToolVersion: "0.0.1" };
  await Deno.writeTextFile(
    `${dir}/old.json`,
    JSON.stringify({ ...older, Digest: await planDigest(older) }),
  );
  const old = await importCli(emu, target, dir, ["--plan", "old.json"]);
  assert.equal(old.code, 2);
  assert.match(old.stderr, /made by version 0\.0\.1 of this tool/);
  assert.deepEqual(mutatingCalls(emu.calls()), {});
});

Deno.test("--dry-run --detailed-exitcode: 4 while changes are pending, 0 once the target matches", async () => {
  const { emu, dir, target } = await setup();
  await using _ = emu;
  const args = ["--export-file", "export.json", "--dry-run", "--detailed-exitcode"];
  assert.equal((await importCli(emu, target, dir, args)).code, 4);
  const plain = await importCli(emu, target, dir, ["--export-file", "export.json", "--dry-run"]);
  assert.equal(plain.code, 0, "without the flag a dry run with changes is exit 0");
  assert.equal((await importCli(emu, target, dir, ["--export-file", "export.json"])).code, 0);
  const clean = await importCli(emu, target, dir, args);
  assert.equal(clean.code, 0, clean.stderr);
  // Drift: a link removed by hand is a pending change again.
  const tgt = instance(emu.state(), "target");
  const [queueId, ids] = Object.entries(tgt.QueueQuickConnects).find(([, v]) => v.length > 0)!;
  await fetch(`${emu.url}/queues/${target}/${queueId}/disassociate-quick-connects`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization:
        "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/connect/aws4_request, SignedHeaders=host, Signature=00",
      "x-amz-date": "20250101T000000Z",
    },
    body: JSON.stringify({ QuickConnectIds: [ids[0]] }),
  }).then((r) => r.body?.cancel());
  const drift = await importCli(emu, target, dir, args);
  assert.equal(drift.code, 4, drift.stderr);
  assert.match(drift.stderr, /\[DRY RUN\] Would associate 1 quick connect with/);
  assert.equal(
    (await importCli(emu, target, dir, ["--plan-out", "p.json", "--export-file", "export.json"]))
      .code,
    2,
    "--plan-out goes with --dry-run",
  );
});
