/**
 * import.ts as a user runs it: a subprocess under the binaries' permission set, against an
 * emulator in this process. Help, bad flags and files (exit 2, no API call), a full run
 * with a report, and Ctrl-C in the middle of an import followed by a re-run that finishes
 * the job with the target exactly as an uninterrupted run leaves it.
 */
import assert from "node:assert/strict";
import { type Emulator, type Fixture, startEmulator } from "../emulator/testing.ts";
import { LOG_LINE } from "./import_helpers.ts";
import { linesExport, linesTarget } from "./support/lines.ts";
import { cliCommand, Lines, runCli } from "./support/cli.ts";

const TARGET = "00000000-0000-4000-8000-0000000000dd";
// The emulator has generous quotas; so may the client.
const FAST = { CONNECT_QUOTA_SCALE: "10" };

const command = (args: string[], cwd: string, extraEnv: Record<string, string> = {}) =>
  cliCommand("import", args, cwd, { ...FAST, ...extraEnv });
const importCli = (args: string[], cwd: string, extraEnv: Record<string, string> = {}) =>
  runCli("import", args, cwd, { ...FAST, ...extraEnv });

const SEED = linesTarget(TARGET);
const exportFile = (n: number) => linesExport(n, { descriptions: true });

/** The target with generated IDs replaced by names, so two runs can be compared exactly. */
function normalized(state: Fixture) {
  const inst = state.Instances.find((i) => i.Id === TARGET)!;
  const name = new Map(inst.QuickConnects.map((q) => [q.QuickConnectId, q.Name]));
  return {
    QuickConnects: inst.QuickConnects.map(({ QuickConnectId: _, ...rest }) => rest)
      .sort((a, b) => a.Name.localeCompare(b.Name)),
    QueueQuickConnects: Object.fromEntries(
      Object.entries(inst.QueueQuickConnects).map((
        [q, ids],
      ) => [q, ids.map((id) => name.get(id)).sort()]),
    ),
  };
}

async function workdir(n = 12): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "import_cli_" });
  await Deno.writeTextFile(`${dir}/export.json`, JSON.stringify(exportFile(n)));
  return dir;
}

Deno.test("import.ts --help answers what the flags do, resolution order, exit codes, example", async () => {
  const dir = await Deno.makeTempDir();
  const r = await importCli(["--help"], dir);
  assert.equal(r.code, 0);
  for (
    const s of [
      "--instance-id",
      "--export-file",
      "--region",
      "--profile",
      "--dry-run",
      "--on-conflict",
      "one of: skip, update, fail",
      "default: skip",
      "--mapping",
      "--report",
      "--verify",
      "--endpoint-url",
      "--log-file",
      "--verbose",
      "--version",
      "How references are resolved",
      "Exit codes:",
      "130",
      "Example:",
    ]
  ) assert.ok(r.stdout.includes(s), s);
  const v = await importCli(["--version"], dir);
  assert.match(v.stdout, /^connect-quick-connects import \d+\.\d+\.\d+\n$/);
});

Deno.test("import.ts: bad flags and bad files exit 2 and call nothing", async () => {
  await using emu = await startEmulator({ seed: SEED, quotas: false });
  const dir = await workdir();
  const url = ["--endpoint-url", emu.url, "--instance-id", TARGET];
  const bogus = await importCli([...url, "--export-file", "export.json", "--bogus"], dir);
  assert.equal(bogus.code, 2);
  assert.match(bogus.stderr, /Unknown option '--bogus'/);
  const missing = await importCli(url, dir);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /Missing required option --export-file/);
  const policy = await importCli(
    [...url, "--export-file", "export.json", "--on-conflict", "x"],
    dir,
  );
  assert.equal(policy.code, 2);
  assert.match(policy.stderr, /--on-conflict: "x" \(expected one of: skip, update, fail\)/);

  await Deno.writeTextFile(`${dir}/bad.json`, `{"QuickConnects": "nope"}`);
  const bad = await importCli([...url, "--export-file", "bad.json"], dir);
  assert.equal(bad.code, 2);
  // A bad file is refused like a bad flag: one `error:` line, not a log line as well.
  assert.equal(
    bad.stderr,
    'error: Invalid export file "bad.json": QuickConnects: must be an array, not a string\n',
  );
  const log = await Deno.readTextFile(`${dir}/connect_quick_connect_import.log`);
  assert.match(log, / - ERROR - Invalid export file "bad.json"/);
  const noReportDir = await importCli(
    [...url, "--export-file", "export.json", "--report", "nodir/r.json"],
    dir,
  );
  assert.equal(noReportDir.code, 2);
  assert.match(noReportDir.stderr, /Cannot write report "nodir\/r.json"/);
  assert.deepEqual(emu.calls(), {});
});

Deno.test("import.ts: a full run with --report and --verify, then a re-run that changes nothing", async () => {
  await using emu = await startEmulator({ seed: SEED, quotaScale: 10 });
  const dir = await workdir(8);
  const args = [
    "--instance-id",
    TARGET,
    "--export-file",
    "export.json",
    "--endpoint-url",
    emu.url,
    "--report",
    "report.json",
    "--verify",
  ];
  const r = await importCli(args, dir);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stderr.trimEnd().split("\n");
  for (const l of lines) assert.match(l, LOG_LINE);
  assert.match(r.stderr, /Successful: 8\n.*Failed: 0\n.*Skipped: 0\n/);
  const report = JSON.parse(await Deno.readTextFile(`${dir}/report.json`));
  assert.deepEqual(report.Summary, { Created: 8, Updated: 0, Unchanged: 0, Skipped: 0, Failed: 0 });
  assert.equal(report.Associations.Added, 8);
  assert.equal(report.Verify.Differences.length, 0);
  const log = await Deno.readTextFile(`${dir}/connect_quick_connect_import.log`);
  assert.equal(log, r.stderr);

  const before = emu.state();
  const again = await importCli([...args, "--force"], dir);
  assert.equal(again.code, 0);
  assert.match(again.stderr, /Successful: 0\n.*Failed: 0\n.*Skipped: 8\n/);
  assert.deepEqual(emu.state(), before);
});

Deno.test("import.ts: no credentials is exit 3 with the cause and what to do (two ERROR lines, as export)", async () => {
  await using emu = await startEmulator({ seed: SEED, quotas: false });
  const dir = await workdir(2);
  const r = await importCli(
    ["--instance-id", TARGET, "--export-file", "export.json", "--endpoint-url", emu.url],
    dir,
    { AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "" },
  );
  assert.equal(r.code, 3, r.stderr);
  const errors = r.stderr.split("\n").filter((l) => l.includes(" - ERROR - "));
  assert.equal(errors.length, 2, r.stderr);
  assert.match(errors[0] ?? "", / - ERROR - No AWS credentials were found$/);
  assert.match(errors[1] ?? "", / - ERROR - What to do: set AWS_PROFILE or pass --profile/);
  assert.deepEqual(emu.calls(), {});
});

Deno.test("import.ts: SIGINT mid-import exits 130 with a report; a re-run finishes exactly", async () => {
  const n = 12;
  // What an uninterrupted run leaves behind.
  let expected;
  {
    await using clean = await startEmulator({ seed: SEED, quotas: false });
    const dir = await workdir(n);
    const r = await importCli(
      ["--instance-id", TARGET, "--export-file", "export.json", "--endpoint-url", clean.url],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    expected = normalized(clean.state());
  }

  // Slow calls, so the interrupt lands while creates are still to come.
  await using emu: Emulator = await startEmulator({ seed: SEED, quotas: false, latencyMs: 150 });
  const dir = await workdir(n);
  const args = [
    "--instance-id",
    TARGET,
    "--export-file",
    "export.json",
    "--endpoint-url",
    emu.url,
    "--report",
    "report.json",
  ];
  const child = command(args, dir).spawn();
  const lines = new Lines(child.stderr);
  await lines.until(/Created quick connect: Line 01 -> /);
  child.kill("SIGINT");
  const text = await lines.rest();
  await child.stdout.cancel();
  const status = await child.status;
  assert.match(text, /Skipped: \d+$/m);
  assert.equal(status.code, 130, text);
  assert.match(text, /WARNING - Interrupt received/);
  assert.match(text, /WARNING - Import process interrupted! \d+ quick connects were not attempted/);

  const report = JSON.parse(await Deno.readTextFile(`${dir}/report.json`));
  assert.equal(report.Interrupted, true);
  assert.equal(report.ExitCode, 130);
  assert.equal(report.Items.length, n);
  const created = report.Items.filter((i: { Action: string }) => i.Action === "created").length;
  assert.ok(created >= 2 && created < n, `created ${created}`);
  for (const it of report.Items) {
    assert.ok(it.Action === "created" || /^Not attempted|^Interrupted/.test(it.Error), it.Error);
  }
  // No new calls after the interrupt: at most the one in flight finished.
  const inTarget = emu.state().Instances[0]!.QuickConnects.length;
  assert.ok(inTarget <= created + 1, `${inTarget} in target, ${created} reported`);

  const again = await importCli([...args, "--force"], dir);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(normalized(emu.state()), expected);
  const second = JSON.parse(await Deno.readTextFile(`${dir}/report.json`));
  assert.equal(second.Summary.Created + second.Summary.Skipped, n);
});
