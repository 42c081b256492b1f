/**
 * The run's record through the real CLI and a real Ctrl-C: a request that left and was never
 * answered is "may have been created" (and undo removes it where it matches what was sent),
 * and a link batch still waiting for the rate limiter is pending, not lost.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../emulator/testing.ts";
import { linesExport, linesTarget } from "./support/lines.ts";
import { cliCommand, Lines, runCli, taskCommand } from "./support/cli.ts";

const TARGET = "00000000-0000-4000-8000-0000000000de";

async function folder(file: unknown): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "qc_outcome_" });
  await Deno.writeTextFile(`${dir}/export.json`, JSON.stringify(file));
  return dir;
}

Deno.test("a second Ctrl-C while a create is in flight: 'may have been created', and undo removes it", async () => {
  // Calls take 2 s: after the first create is answered, the second is in flight.
  await using emu = await startEmulator({
    seed: linesTarget(TARGET),
    quotas: false,
    latencyMs: 2000,
  });
  const dir = await folder(linesExport(3, { queues: false }));
  const args = ["--instance-id", TARGET, "--endpoint-url", emu.url];
  const child = taskCommand(
    "import",
    [...args, "--export-file", "export.json", "--report", "report.json"],
    dir,
    { env: { CONNECT_QUOTA_SCALE: "10" }, group: true },
  ).spawn();
  const lines = new Lines(child.stderr);
  await lines.until(/Created quick connect: Line 00 -> /);
  Deno.kill(-child.pid, "SIGINT");
  await lines.until(/Interrupt received/);
  await new Promise((r) => setTimeout(r, 1000));
  Deno.kill(-child.pid, "SIGINT");
  const text = await lines.rest();
  assert.equal((await child.status).code, 130, text);
  await child.stdout.cancel();
  const report = JSON.parse(await Deno.readTextFile(`${dir}/report.json`));
  const [first, second, third] = report.Items;
  assert.equal(first.Action, "created");
  assert.equal(second.Outcome, "uncertain", JSON.stringify(second));
  assert.match(second.Error, /^Interrupted while creating; it may or may not exist/);
  assert.equal(third.Outcome, "not-attempted");
  assert.match(third.Error, /^Not attempted: /);
  assert.deepEqual(
    report.Undo.Created.map((c: { Name: string; Certain?: boolean }) => [c.Name, c.Certain]),
    [["Line 00", undefined], ["Line 01", false]],
  );
  // The emulator answers the create it was sent: Line 01 exists now.
  await new Promise((r) => setTimeout(r, 1500));
  const names = () => emu.state().Instances[0]!.QuickConnects.map((q) => q.Name).sort();
  assert.deepEqual(names(), ["Line 00", "Line 01"]);
  const undo = await runCli("import", [...args, "--undo", "report.json"], dir, {
    CONNECT_QUOTA_SCALE: "10",
  });
  assert.equal(undo.code, 0, undo.stderr);
  assert.match(
    undo.stderr,
    /Undo: deleting Line 01 \(.*\): the run may have created it, and it holds exactly what the run sent/,
  );
  assert.deepEqual(names(), []);
});

Deno.test("Ctrl-C while a link batch waits for the rate limiter: the batch is pending, not counted sent", async () => {
  await using emu = await startEmulator({ seed: linesTarget(TARGET), quotas: false });
  const dir = await folder(linesExport(6));
  await Deno.writeTextFile(`${dir}/bare.json`, JSON.stringify(linesExport(6, { queues: false })));
  const args = ["--instance-id", TARGET, "--endpoint-url", emu.url];
  assert.equal(
    (await runCli("import", [...args, "--export-file", "bare.json"], dir, {
      CONNECT_QUOTA_SCALE: "10",
    })).code,
    0,
  );
  // A tenth of the default quotas: the second queue's batch waits ~5 s for a token.
  const child = taskCommand(
    "import",
    [...args, "--export-file", "export.json", "--report", "report.json"],
    dir,
    { env: { CONNECT_QUOTA_SCALE: "0.1" }, group: true },
  ).spawn();
  const lines = new Lines(child.stderr);
  await lines.until(/Associated \d+ quick connects with queue /);
  Deno.kill(-child.pid, "SIGINT");
  const text = await lines.rest();
  assert.equal((await child.status).code, 130, text);
  await child.stdout.cancel();
  const report = JSON.parse(await Deno.readTextFile(`${dir}/report.json`));
  const a = report.Associations;
  const linked = emu.state().Instances[0]!.QueueQuickConnects ?? {};
  const inTarget = Object.values(linked).reduce((n, ids) => n + ids.length, 0);
  assert.equal(a.Added, inTarget, JSON.stringify(a));
  assert.ok((a.Pending?.length ?? 0) > 0, JSON.stringify(a));
  assert.equal(a.Added + a.Pending.length, 6, JSON.stringify(a));
  assert.equal(a.Uncertain, undefined);
});

Deno.test("a console that goes away (a '| tee' ended by the same Ctrl-C) does not stop the run or its report", async () => {
  await using emu = await startEmulator({
    seed: linesTarget(TARGET),
    quotas: false,
    latencyMs: 200,
  });
  const dir = await folder(linesExport(4));
  const child = cliCommand(
    "import",
    [
      "--instance-id",
      TARGET,
      "--endpoint-url",
      emu.url,
      "--export-file",
      "export.json",
      "--report",
      "report.json",
    ],
    dir,
    { CONNECT_QUOTA_SCALE: "10" },
  ).spawn();
  const lines = new Lines(child.stderr);
  await lines.until(/Created quick connect: Line 00 -> /);
  // Whoever read stderr is gone: every later console line meets a broken pipe.
  await lines.cancel();
  Deno.kill(child.pid, "SIGINT");
  const status = await child.status;
  await child.stdout.cancel();
  assert.equal(status.code, 130);
  const report = JSON.parse(await Deno.readTextFile(`${dir}/report.json`));
  assert.equal(report.Interrupted, true);
  assert.equal(report.Items.length, 4);
  const log = await Deno.readTextFile(`${dir}/connect_quick_connect_import.log`);
  assert.match(log, /Interrupt received/);
  assert.match(log, /Report written to report\.json/);
});

Deno.test("a run stopped while it reads the target says every quick connect was not attempted", async () => {
  // Calls take 3 s: the first Ctrl-C comes while the target is read, before any plan.
  await using emu = await startEmulator({
    seed: linesTarget(TARGET),
    quotas: false,
    latencyMs: 3000,
  });
  const dir = await folder(linesExport(3));
  const child = cliCommand(
    "import",
    [
      "--instance-id",
      TARGET,
      "--endpoint-url",
      emu.url,
      "--export-file",
      "export.json",
      "--report",
      "report.json",
    ],
    dir,
  ).spawn();
  const lines = new Lines(child.stderr);
  await lines.until(/Fetching existing quick connects/);
  Deno.kill(child.pid, "SIGINT");
  const text = await lines.rest();
  assert.equal((await child.status).code, 130, text);
  await child.stdout.cancel();
  assert.match(text, /Import process interrupted! 3 quick connects were not attempted/);
  const report = JSON.parse(await Deno.readTextFile(`${dir}/report.json`));
  assert.deepEqual(report.Items.map((i: { Outcome: string }) => i.Outcome), [
    "not-attempted",
    "not-attempted",
    "not-attempted",
  ]);
});
