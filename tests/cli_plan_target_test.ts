/**
 * `--plan FILE` and `--undo FILE` through the real CLI: the file names the instance and the
 * Region it is for, so both may be left out (the file's Region wins over AWS_REGION, which
 * could only be refused); one given that differs is refused with the fix for what was given.
 * Issue 23, item 4.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../emulator/testing.ts";
import { exportInstance, idOf, instance, mutatingCalls } from "./import_helpers.ts";
import { migrationFixture } from "./support/generate.ts";
import { cliCommand, runCli } from "./support/cli.ts";

// AWS_REGION names another Region than the target's: the file's must win.
const ENV = { CONNECT_QUOTA_SCALE: "20", AWS_REGION: "us-east-1" };

/** A source in us-east-1 with `n` quick connects, its export, and an empty target in eu-west-2. */
async function setup(n: number, opts: { latencyMs?: number } = {}) {
  const fixture = migrationFixture({ quickConnects: n, queues: 2, linksPerQueue: 3 });
  const [source, target] = fixture.Instances;
  assert.ok(source && target);
  target.Region = "eu-west-2";
  await using src = await startEmulator({ seed: { Instances: [source] }, quotas: false });
  const { path } = await exportInstance(src, "source");
  const emu = await startEmulator({ seed: fixture, quotas: false, ...opts });
  const dir = await Deno.makeTempDir({ prefix: "plan_target_" });
  await Deno.copyFile(path, `${dir}/export.json`);
  const cli = (args: string[]) => runCli("import", ["--endpoint-url", emu.url, ...args], dir, ENV);
  const count = () => instance(emu.state(), "target").QuickConnects.length;
  return { emu, dir, cli, count, target: idOf(emu.state(), "target") };
}

Deno.test("--plan and --undo without --instance-id and --region act where the file says; a given one that differs is refused with the fix for it", async () => {
  const s = await setup(5);
  await using _ = s.emu;
  const plan = await s.cli([
    ...["--instance-id", s.target, "--region", "eu-west-2", "--export-file", "export.json"],
    ...["--dry-run", "--plan-out", "plan.json"],
  ]);
  assert.equal(plan.code, 0, plan.stderr);
  s.emu.resetCalls();

  const region = await s.cli(["--plan", "plan.json", "--region", "us-east-1"]);
  assert.equal(region.code, 2, region.stderr);
  assert.match(
    region.stderr,
    new RegExp(
      `^error: Refusing plan "plan\\.json": it was made for instance ${s.target} in eu-west-2, ` +
        "not us-east-1; drop --region, or make a new plan against us-east-1 with --dry-run --plan-out$",
      "m",
    ),
  );
  const source = idOf(s.emu.state(), "source");
  const other = await s.cli(["--plan", "plan.json", "--instance-id", source]);
  assert.equal(other.code, 2, other.stderr);
  assert.match(other.stderr, new RegExp(`in eu-west-2, not ${source}; drop --instance-id, or`));
  assert.deepEqual(mutatingCalls(s.emu.calls()), {}, "refused before any change");

  const applied = await s.cli(["--plan", "plan.json"]);
  assert.equal(applied.code, 0, applied.stderr);
  assert.match(
    applied.stderr,
    new RegExp(
      `INFO - Using the instance ${s.target} and Region eu-west-2 that "plan\\.json" names`,
    ),
  );
  assert.equal(s.count(), 5);
  // The run's record is named after the instance the plan named.
  const record = [...Deno.readDirSync(s.dir)].map((e) => e.name)
    .find((n) => n.startsWith(`connect_quick_connects_import_${s.target}_`));
  assert.ok(record, "the run kept its record under the default name");

  const wrong = await s.cli(["--undo", record, "--instance-id", source, "--region", "us-east-1"]);
  assert.equal(wrong.code, 2, wrong.stderr);
  assert.match(
    wrong.stderr,
    /a run is undone where it ran: drop --instance-id and --region \(the file names them\)$/m,
  );
  const undo = await s.cli(["--undo", record, "--report", "undo.json"]);
  assert.equal(undo.code, 0, undo.stderr);
  assert.equal(s.count(), 0, "undone in eu-west-2, where the plan was applied");
});

Deno.test("--undo of a killed run's journal (JSON Lines) takes the instance and Region from its first line", async () => {
  const s = await setup(16, { latencyMs: 40 });
  await using _ = s.emu;
  const child = cliCommand(
    "import",
    [
      ...["--endpoint-url", s.emu.url, "--instance-id", s.target, "--region", "eu-west-2"],
      ...["--export-file", "export.json", "--report", "run.json"],
    ],
    s.dir,
    ENV,
  ).spawn();
  while ((s.emu.calls().CreateQuickConnect ?? 0) < 3) await new Promise((r) => setTimeout(r, 20));
  child.kill("SIGKILL");
  await child.output();
  const first = JSON.parse((await Deno.readTextFile(`${s.dir}/run.json`)).split("\n")[0]!);
  assert.deepEqual([first.kind, first.instanceId, first.region], ["run", s.target, "eu-west-2"]);
  assert.ok(s.count() > 0);
  const undo = await s.cli(["--undo", "run.json"]);
  assert.equal(undo.code, 0, undo.stderr);
  assert.match(undo.stderr, /Using the instance \S+ and Region eu-west-2 that "run\.json" names/);
  assert.equal(s.count(), 0);
});

Deno.test("--export-file still needs --instance-id: refused before the log or any call", async () => {
  const s = await setup(1);
  await using _ = s.emu;
  s.emu.resetCalls();
  const r = await s.cli(["--export-file", "export.json", "--region", "eu-west-2"]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    /^error: Missing required option --instance-id \(only a --plan or --undo file names its own\)$/m,
  );
  assert.deepEqual(s.emu.calls(), {});
  assert.ok(![...Deno.readDirSync(s.dir)].some((e) => e.name.endsWith(".log")), "no log file");
});
