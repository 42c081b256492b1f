/**
 * The process edge, tried the way users meet it: `deno task` from another folder, a
 * terminal's Ctrl-C (SIGINT to the whole process group, which `deno task` also passes
 * on), a signal at any moment, paths that are wrong before the first call (and what the
 * directory of a path is), files that would overwrite each other, and the help text.
 */
import assert from "node:assert/strict";
import { type Emulator, startEmulator } from "../emulator/testing.ts";
import { linesExport, linesTarget } from "./support/lines.ts";
import { cliCommand, Lines, output, runCli, taskCommand } from "./support/cli.ts";
import { runCli as runCliInProcess } from "../lib/cli/run_cli.ts";
import { EXPORT_COMMAND } from "../lib/cli/export_command.ts";
import { IMPORT_COMMAND } from "../lib/cli/import_command.ts";
import { checkWritable } from "../lib/cli/paths.ts";
import { resolve } from "node:path";

const TARGET = "00000000-0000-4000-8000-0000000000dd";
const FAST = { CONNECT_QUOTA_SCALE: "10" };

const SEED = linesTarget(TARGET);
const exportFile = (n: number) => linesExport(n);

/** A user's folder holding `sub/export.json`; commands run in `sub`. */
async function userFolder(n: number): Promise<{ home: string; sub: string }> {
  const home = await Deno.makeTempDir({ prefix: "qc_user_" });
  const sub = `${home}/sub`;
  await Deno.mkdir(sub);
  await Deno.writeTextFile(`${sub}/export.json`, JSON.stringify(exportFile(n)));
  return { home, sub };
}

const names = (dir: string) => [...Deno.readDirSync(dir)].map((e) => e.name).sort();
const temps = (dir: string) => names(dir).filter((n) => n.includes(".tmp-"));

function importArgs(emu: Emulator, extra: string[] = []): string[] {
  return [
    "--instance-id",
    TARGET,
    "--export-file",
    "export.json",
    "--endpoint-url",
    emu.url,
    ...extra,
  ];
}

Deno.test("deno task import from a subfolder: relative paths and the default log are the caller's", async () => {
  await using emu = await startEmulator({ seed: SEED, quotas: false });
  const { sub } = await userFolder(3);
  await Deno.writeTextFile(`${sub}/mapping.json`, JSON.stringify({ Queues: {} }));
  const r = await output(
    taskCommand(
      "import",
      importArgs(emu, ["--mapping", "mapping.json", "--report", "r.json"]),
      sub,
      {
        env: FAST,
      },
    ),
  );
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(names(sub), [
    "connect_quick_connect_import.log",
    "export.json",
    "mapping.json",
    "r.json",
  ]);
  assert.match(r.stderr, /Report written to r\.json/);
  const custom = await output(
    taskCommand("import", importArgs(emu, ["--log-file", "logs.txt", "--dry-run"]), sub, {
      env: FAST,
    }),
  );
  assert.equal(custom.code, 0, custom.stderr);
  assert.ok(names(sub).includes("logs.txt"));
});

Deno.test("deno task export from a subfolder: --output, the default output and the log land there", async () => {
  await using emu = await startEmulator({ seed: "tests/fixtures/sample_seed.json", quotas: false });
  const id = emu.state().Instances.find((i) => i.Alias === "source-demo")?.Id ?? "";
  const { sub } = await userFolder(0);
  const args = ["--instance-id", id, "--endpoint-url", emu.url];
  const r = await output(taskCommand("export", [...args, "--output", "out.json"], sub));
  assert.equal(r.code, 0, r.stderr);
  const d = await output(taskCommand("export", args, sub));
  assert.equal(d.code, 0, d.stderr);
  const files = names(sub);
  assert.ok(files.includes("out.json"), files.join());
  assert.ok(files.includes("connect_quick_connect_export.log"), files.join());
  assert.ok(files.some((f) => f.startsWith(`connect_quick_connects_export_${id}_`)), files.join());
});

Deno.test("Ctrl-C in a terminal during deno task import: summary, report, no temp file, exit 130", async () => {
  await using emu = await startEmulator({ seed: SEED, quotas: false, latencyMs: 150 });
  const { sub } = await userFolder(12);
  const child = taskCommand("import", importArgs(emu, ["--report", "report.json"]), sub, {
    env: FAST,
    group: true,
  }).spawn();
  const lines = new Lines(child.stderr);
  await lines.until(/Created quick connect: Line 01 -> /);
  // What a terminal does: the whole group gets it, and deno task passes it on too.
  Deno.kill(-child.pid, "SIGINT");
  const text = await lines.rest();
  const status = await child.status;
  await child.stdout.cancel();
  assert.equal(status.code, 130, text);
  assert.match(text, /WARNING - Import process interrupted! \d+ quick connects were not attempted/);
  assert.doesNotMatch(text, /Uncaught|Second interrupt/);
  assert.deepEqual(temps(sub), []);
  const report = JSON.parse(await Deno.readTextFile(`${sub}/report.json`));
  assert.equal(report.Interrupted, true);
  assert.equal(report.ExitCode, 130);
  assert.equal(report.Items.length, 12);
});

Deno.test("a second Ctrl-C stops at once, and still writes the report of what was done", async () => {
  // Calls take 2 s: the first Ctrl-C waits for the one in flight, the second does not.
  await using emu = await startEmulator({ seed: SEED, quotas: false, latencyMs: 2000 });
  const { sub } = await userFolder(4);
  const child = taskCommand("import", importArgs(emu, ["--report", "report.json"]), sub, {
    env: FAST,
    group: true,
  }).spawn();
  const lines = new Lines(child.stderr);
  await lines.until(/Created quick connect: Line 00 -> /);
  Deno.kill(-child.pid, "SIGINT");
  await lines.until(/Interrupt received/);
  await new Promise((r) => setTimeout(r, 1000));
  const started = performance.now();
  Deno.kill(-child.pid, "SIGINT");
  const text = await lines.rest();
  const status = await child.status;
  await child.stdout.cancel();
  assert.ok(performance.now() - started < 2500, "stopped before the call in flight ended");
  assert.equal(status.code, 130, text);
  assert.match(text, /Second interrupt: stopping now/);
  assert.deepEqual(temps(sub), []);
  const report = JSON.parse(await Deno.readTextFile(`${sub}/report.json`));
  assert.equal(report.Interrupted, true);
  assert.equal(report.Items[0].Action, "created");
  assert.equal(report.Items.length, 4);
});

Deno.test("a signal at any moment ends the same way: exit 130 (or 0 if done), never an uncaught error", async () => {
  const n = 8;
  for (const delay of [0, 30, 90, 200, 400, 700, 1100]) {
    await using emu = await startEmulator({ seed: SEED, quotas: false, latencyMs: 60 });
    const { sub } = await userFolder(n);
    const child = cliCommand(
      "import",
      importArgs(emu, ["--report", "report.json", "--verify"]),
      sub,
      FAST,
    )
      .spawn();
    const lines = new Lines(child.stderr);
    await lines.until(/Initialized quick connect importer/);
    await new Promise((r) => setTimeout(r, delay));
    try {
      child.kill("SIGINT");
    } catch { /* already exited */ }
    const text = await lines.rest();
    const status = await child.status;
    await child.stdout.cancel();
    const at = `SIGINT ${delay} ms after start:\n${text}`;
    assert.doesNotMatch(text, /Uncaught|error: /, at);
    assert.ok(status.code === 130 || status.code === 0, at);
    assert.deepEqual(temps(sub), [], at);
    const report = JSON.parse(await Deno.readTextFile(`${sub}/report.json`));
    assert.equal(report.Items.length, n, at);
    assert.equal(report.ExitCode, status.code, at);
  }
});

Deno.test("Ctrl-C during export: exit 130, no file and no temp file", async () => {
  await using emu = await startEmulator({
    seed: "tests/fixtures/sample_seed.json",
    quotas: false,
    latencyMs: 400,
  });
  const id = emu.state().Instances.find((i) => i.Alias === "source-demo")?.Id ?? "";
  const { sub } = await userFolder(0);
  const child = taskCommand(
    "export",
    ["--instance-id", id, "--endpoint-url", emu.url, "--output", "out.json", "--no-search"],
    sub,
    { group: true },
  ).spawn();
  const lines = new Lines(child.stderr);
  await lines.until(/Retrieved \d+ quick connects from page 1/);
  Deno.kill(-child.pid, "SIGINT");
  const text = await lines.rest();
  const status = await child.status;
  await child.stdout.cancel();
  assert.equal(status.code, 130, text);
  assert.match(text, /Interrupted: export stopped, no file written/);
  assert.deepEqual(names(sub).filter((f) => f.startsWith("out.json")), []);
  assert.deepEqual(temps(sub), []);
});

Deno.test("files that would overwrite each other are refused before any call (exit 2)", async () => {
  await using emu = await startEmulator({ seed: SEED, quotas: false });
  const { sub } = await userFolder(2);
  await Deno.writeTextFile(`${sub}/mapping.json`, "{}");
  const cases = [
    ["--report", "export.json"],
    ["--log-file", "export.json"],
    ["--report", "./mapping.json", "--mapping", "mapping.json"],
    ["--log-file", "mapping.json", "--mapping", "mapping.json"],
    ["--report", "same.json", "--log-file", "same.json"],
  ];
  for (const extra of cases) {
    const r = await runCli("import", importArgs(emu, extra), sub, FAST);
    assert.equal(r.code, 2, `${extra.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, /name the same file/, extra.join(" "));
  }
  assert.equal(await Deno.readTextFile(`${sub}/mapping.json`), "{}");
  // An existing report is replaced only with --force.
  await Deno.writeTextFile(`${sub}/old.json`, "keep");
  const kept = await runCli("import", importArgs(emu, ["--report", "old.json"]), sub, FAST);
  assert.equal(kept.code, 2);
  assert.match(kept.stderr, /Report "old\.json" already exists: pass --force/);
  assert.equal(await Deno.readTextFile(`${sub}/old.json`), "keep");
  assert.deepEqual(emu.calls(), {});
  const forced = await runCli(
    "import",
    importArgs(emu, ["--report", "old.json", "--force"]),
    sub,
    FAST,
  );
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(JSON.parse(await Deno.readTextFile(`${sub}/old.json`)).ExitCode, 0);
});

Deno.test("paths are checked before any call: a missing folder is one line and exit 2", async () => {
  await using emu = await startEmulator({ seed: "tests/fixtures/sample_seed.json", quotas: false });
  const id = emu.state().Instances.find((i) => i.Alias === "source-demo")?.Id ?? "";
  const { sub } = await userFolder(1);
  const exp = ["--instance-id", id, "--endpoint-url", emu.url];
  const cases: [("export" | "import"), string[], RegExp][] = [
    [
      "export",
      [...exp, "--output", "nodir/out.json"],
      /Cannot write output file "nodir\/out\.json"/,
    ],
    ["export", [...exp, "--log-file", "nodir/x.log"], /Cannot write log file "nodir\/x\.log"/],
    [
      "import",
      importArgs(emu, ["--report", "nodir/r.json"]),
      /Cannot write report "nodir\/r\.json"/,
    ],
    [
      "import",
      importArgs(emu, ["--log-file", "nodir/i.log"]),
      /Cannot write log file "nodir\/i\.log"/,
    ],
  ];
  for (const [entry, args, message] of cases) {
    const r = await runCli(entry, args, sub);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.match(r.stderr, /^error: .*\nRun '.*--help' for the options\.\n$/);
  }
  assert.deepEqual(emu.calls(), {});
  assert.deepEqual(names(sub), ["export.json"]);
});

Deno.test("export --output - writes the file to stdout; the log stays on stderr", async () => {
  await using emu = await startEmulator({ seed: "tests/fixtures/sample_seed.json", quotas: false });
  const id = emu.state().Instances.find((i) => i.Alias === "source-demo")?.Id ?? "";
  const { sub } = await userFolder(0);
  const r = await runCli("export", [
    "--instance-id",
    id,
    "--endpoint-url",
    emu.url,
    "--output",
    "-",
  ], sub);
  assert.equal(r.code, 0, r.stderr);
  const file = JSON.parse(r.stdout);
  assert.equal(file.FormatVersion, 2);
  assert.ok(file.QuickConnects.length > 0);
  assert.match(r.stderr, /Exported \d+ quick connects to stdout/);
  assert.deepEqual(names(sub), ["connect_quick_connect_export.log", "export.json"]);
});

Deno.test("a fatal error before any call says the import was aborted, not completed", async () => {
  await using emu = await startEmulator({ seed: SEED, quotas: false });
  const { sub } = await userFolder(3);
  const r = await runCli("import", importArgs(emu), sub, {
    AWS_ACCESS_KEY_ID: "",
    AWS_SECRET_ACCESS_KEY: "",
  });
  assert.equal(r.code, 3, r.stderr);
  assert.doesNotMatch(r.stderr, /Import process completed!|Successful: /);
  assert.match(
    r.stderr,
    /WARNING - Import aborted: no quick connect was attempted \(3 in the export file\)/,
  );
});

Deno.test("help: -h works, names the command typed, fits 100 columns, says nothing of seeds", async () => {
  const { sub } = await userFolder(0);
  for (const entry of ["export", "import"] as const) {
    const viaTask = await output(taskCommand(entry, ["-h"], sub));
    assert.equal(viaTask.code, 0, viaTask.stderr);
    assert.match(viaTask.stdout, new RegExp(`^Usage: deno task ${entry} --instance-id ID`));
    const viaRun = await runCli(entry, ["--help"], sub);
    assert.match(viaRun.stdout, new RegExp(`^Usage: deno run \\[permissions\\] ${entry}\\.ts`));
    for (const text of [viaTask.stdout, viaRun.stdout]) {
      for (const line of text.split("\n")) assert.ok(line.length <= 100, `${entry}: ${line}`);
      assert.doesNotMatch(text, /seed/i);
    }
    const bad = await output(taskCommand(entry, ["--bogus"], sub));
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, new RegExp(`Run 'deno task ${entry} --help' for the options`));
  }
});

Deno.test("a compiled binary's usage names the binary; its version names the tool", async () => {
  for (
    const [command, bin] of [[
      EXPORT_COMMAND,
      "connect-qc-export-0.1.0-x86_64-unknown-linux-gnu",
    ]] as const
  ) {
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t) };
    const inv = { env: {}, cwd: "/", execPath: `/usr/local/bin/${bin}` };
    assert.equal(await runCliInProcess(command, ["-h"], inv, io), 0);
    assert.match(out[0] ?? "", new RegExp(`^Usage: ${bin} --instance-id ID`));
    // The version names the tool and the command, whatever the binary's file is called.
    assert.equal(await runCliInProcess(command, ["--version"], inv, io), 0);
    assert.match(out[1] ?? "", /^connect-quick-connects export \d+\.\d+\.\d+$/);
  }
  const out: string[] = [];
  const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t) };
  const inv = { env: {}, cwd: "/", execPath: "C:\\\\tools\\\\connect-qc-import.exe" };
  assert.equal(await runCliInProcess(IMPORT_COMMAND, ["--nope"], inv, io), 2);
  assert.match(out.join("\n"), /Run 'connect-qc-import\.exe --help' for the options/);
});

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
