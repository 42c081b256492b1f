/**
 * `deno task` from a folder outside the repository, exactly as the README says to type it:
 * `deno task --config /path/to/repo/deno.json …`. Deno runs every task in the repository
 * root; the emulator's --seed, like the commands' files, is still the caller's.
 */
import assert from "node:assert/strict";
import { linesExport, linesTarget } from "./support/lines.ts";
import { cliEnv, output, ROOT, taskCommand } from "./support/cli.ts";
import { emulatorProcess } from "./support/emulator_process.ts";

const TARGET = "00000000-0000-4000-8000-0000000000f7";

/** `deno task --config ROOT/deno.json emulator …` in `cwd`, in a process group of its own. */
const taskEmulator = (args: string[], cwd: string) =>
  emulatorProcess(
    new Deno.Command("setsid", {
      args: [
        Deno.execPath(),
        "task",
        "--quiet",
        "--config",
        `${ROOT}deno.json`,
        "emulator",
        ...args,
      ],
      cwd,
      env: cliEnv(cwd),
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }),
    // The group: deno task and the emulator it started.
    { group: true },
  );

Deno.test("from another folder: deno task --config …/deno.json emulator --seed FILE reads FILE there, and import runs there", async () => {
  const home = await Deno.makeTempDir({ prefix: "qc_elsewhere_" });
  await Deno.writeTextFile(`${home}/seed.json`, JSON.stringify(linesTarget(TARGET)));
  await Deno.writeTextFile(`${home}/export.json`, JSON.stringify(linesExport(2)));
  await using emu = await taskEmulator(["--seed", "seed.json", "--no-quotas"], home);
  const url = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(emu.first)?.[1];
  assert.ok(url, emu.first);
  const r = await output(
    taskCommand("import", [
      "--instance-id",
      TARGET,
      "--endpoint-url",
      url,
      "--export-file",
      "export.json",
      "--report",
      "r.json",
    ], home),
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Created: 2,/);
  const files = [...Deno.readDirSync(home)].map((e) => e.name);
  for (const f of ["r.json", "connect_quick_connect_import.log"]) assert.ok(files.includes(f), f);
});
