import assert from "node:assert/strict";
import { type Emulator, startEmulator } from "../emulator/testing.ts";
import { runCli } from "./support/cli.ts";

/** Well-formed, and in no seed. */
const NO_SUCH_ID = "00000000-0000-4000-8000-00000000f00d";
const LINE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} - (DEBUG|INFO|WARNING|ERROR) - /;

const exportCli = (args: string[], cwd: string, env: Record<string, string> = {}) =>
  runCli("export", args, cwd, env);

function sourceId(emu: Emulator): string {
  const inst = emu.state().Instances.find((i) => i.Alias === "source-demo");
  return inst?.Id ?? "";
}

Deno.test("export.ts --help answers the usual questions and exits 0", async () => {
  const dir = await Deno.makeTempDir();
  const r = await exportCli(["--help"], dir);
  assert.equal(r.code, 0);
  for (
    const flag of [
      "--instance-id",
      "--region",
      "--profile",
      "--output",
      "--force",
      "--endpoint-url",
      "--log-file",
      "--version",
    ]
  ) {
    assert.ok(r.stdout.includes(flag), flag);
  }
  assert.match(r.stdout, /Exit codes:/);
  const v = await exportCli(["--version"], dir);
  assert.match(v.stdout, /^connect-quick-connects export \d+\.\d+\.\d+\n$/);
});

Deno.test("export.ts rejects bad flags with exit 2 and no log file", async () => {
  const dir = await Deno.makeTempDir();
  const unknown = await exportCli(["--instance-id", NO_SUCH_ID, "--bogus"], dir);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /error: Unknown option '--bogus'/);
  const missing = await exportCli([], dir);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /Missing required option --instance-id/);
  const badUrl = await exportCli(["--instance-id", NO_SUCH_ID, "--endpoint-url", "not a url"], dir);
  assert.equal(badUrl.code, 2);
  assert.match(badUrl.stderr, /--endpoint-url/);
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), []);
});

Deno.test("export.ts writes the file and a log in the seed format", async () => {
  await using emu = await startEmulator({ seed: "tests/fixtures/sample_seed.json" });
  const dir = await Deno.makeTempDir();
  const id = sourceId(emu);
  const r = await exportCli(["--instance-id", id, "--endpoint-url", emu.url], dir);
  assert.equal(r.code, 0, r.stderr);
  const files = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
  const name = `connect_quick_connects_export_${id}_`;
  assert.equal(files.length, 2, files.join());
  assert.ok(files[0]?.startsWith("connect_quick_connect_export.log") || files[1]?.startsWith(name));
  assert.match(files.find((f) => f.startsWith(name)) ?? "", /_\d{8}_\d{6}\.json$/);
  const log = (await Deno.readTextFile(`${dir}/connect_quick_connect_export.log`)).trimEnd().split(
    "\n",
  );
  for (const l of log) assert.match(l, LINE);
  // Where the calls go comes first (issue 17), then the seed's first line.
  assert.match(
    log[0] ?? "",
    new RegExp(` - INFO - Endpoint: ${emu.url} \\(from --endpoint-url\\)$`),
  );
  assert.match(
    log[1] ?? "",
    new RegExp(
      ` - INFO - Initialized quick connect exporter for instance: ${id} in region: us-east-1$`,
    ),
  );
  assert.match(log.at(-3) ?? "", / - INFO - Export completed successfully!$/);
  assert.match(
    log.at(-2) ?? "",
    / - INFO - Exported \d+ quick connects to connect_quick_connects_export_/,
  );
  assert.match(log.at(-1) ?? "", / - INFO - Failed exports: 0$/);
  // The console carries the same lines (stderr); stdout stays clean for data.
  assert.equal(r.stderr.trimEnd().split("\n").length, log.length);
  assert.equal(r.stdout, "");
});

Deno.test("export.ts exits 3 with a cause and a next step for a wrong instance or region", async () => {
  await using emu = await startEmulator({ seed: "tests/fixtures/sample_seed.json" });
  const dir = await Deno.makeTempDir();
  const wrong = await exportCli([
    "--instance-id",
    "00000000-0000-0000-0000-000000000000",
    "--endpoint-url",
    emu.url,
  ], dir);
  assert.equal(wrong.code, 3);
  assert.match(
    wrong.stderr,
    /ERROR - AWS API error while fetching quick connects: Amazon Connect instance 00000000-0000-0000-0000-000000000000 was not found in us-east-1/,
  );
  assert.match(wrong.stderr, /ERROR - What to do: check --instance-id/);
  const id = sourceId(emu);
  const region = await exportCli([
    "--instance-id",
    id,
    "--endpoint-url",
    emu.url,
    "--region",
    "eu-west-1",
  ], dir);
  assert.equal(region.code, 3);
  assert.match(region.stderr, /was not found in eu-west-1/);
  assert.equal([...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".json")).length, 0);
});

Deno.test("export.ts exits 2 when --output exists, and overwrites it with --force", async () => {
  await using emu = await startEmulator({ seed: "tests/fixtures/sample_seed.json" });
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/qc.json`, "precious");
  const id = sourceId(emu);
  const r = await exportCli(
    ["--instance-id", id, "--endpoint-url", emu.url, "--output", "qc.json"],
    dir,
  );
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Output file "qc.json" already exists: pass --force/);
  assert.equal(await Deno.readTextFile(`${dir}/qc.json`), "precious");
  assert.deepEqual(emu.calls(), {});
  const f = await exportCli([
    "--instance-id",
    id,
    "--endpoint-url",
    emu.url,
    "--output",
    "qc.json",
    "--force",
  ], dir);
  assert.equal(f.code, 0);
  assert.equal(JSON.parse(await Deno.readTextFile(`${dir}/qc.json`)).InstanceId, id);
});

Deno.test("export.ts explains missing credentials and an unreachable endpoint (exit 3)", async () => {
  const dir = await Deno.makeTempDir();
  const noCreds = await exportCli(
    ["--instance-id", NO_SUCH_ID, "--endpoint-url", "http://127.0.0.1:9"],
    dir,
    {
      AWS_ACCESS_KEY_ID: "",
      AWS_SECRET_ACCESS_KEY: "",
      AWS_SHARED_CREDENTIALS_FILE: `${dir}/none`,
      AWS_CONFIG_FILE: `${dir}/none`,
    },
  );
  assert.equal(noCreds.code, 3, noCreds.stderr);
  assert.match(noCreds.stderr, /No AWS credentials were found/);
  assert.match(noCreds.stderr, /What to do: set AWS_PROFILE or pass --profile/);
  const down = await exportCli([
    "--instance-id",
    NO_SUCH_ID,
    "--endpoint-url",
    "http://127.0.0.1:9",
    "--log-file",
    "x.log",
  ], dir);
  assert.equal(down.code, 3, down.stderr);
  assert.match(down.stderr, /Cannot reach the Amazon Connect endpoint http:\/\/127\.0\.0\.1:9/);
  assert.ok((await Deno.readTextFile(`${dir}/x.log`)).includes("Cannot reach"));
});
