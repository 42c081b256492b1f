/**
 * The log never breaks a run: a log file that takes no more lines (a full disk: /dev/full
 * fails every write on Linux) costs one WARNING on stderr and the run goes on to its usual
 * end; a log file that cannot be opened (a read-only working folder) is a refusal before
 * any call, not a stack trace. The log is private to its owner: with --verbose it holds
 * phone numbers.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../emulator/testing.ts";
import { migrationFixture } from "./support/generate.ts";
import { cliEnv, output, ROOT, runCli } from "./support/cli.ts";

const linux = Deno.build.os === "linux";

Deno.test({
  name: "--log-file /dev/full: export and import finish as they otherwise would, with one WARNING",
  ignore: !linux,
  async fn() {
    await using emu = await startEmulator({
      seed: migrationFixture({ quickConnects: 4, queues: 2 }),
      quotas: false,
    });
    const [source, target] = emu.state().Instances;
    const dir = await Deno.makeTempDir({ prefix: "qc_log_" });
    const common = ["--endpoint-url", emu.url, "--log-file", "/dev/full", "--verbose"];
    // Deno lets only --allow-all touch /dev: the entrypoints run under it here.
    const run = (entry: string, args: string[]) =>
      output(
        new Deno.Command(Deno.execPath(), {
          args: ["run", "--allow-all", `${ROOT}${entry}.ts`, ...args, ...common],
          cwd: dir,
          env: cliEnv(dir),
          clearEnv: true,
          stdout: "piped",
          stderr: "piped",
        }),
      );
    const exp = await run("export", ["--instance-id", source!.Id!, "--output", "e.json"]);
    const imp = await run("import", [
      "--instance-id",
      target!.Id!,
      "--export-file",
      "e.json",
      "--report",
      "r.json",
    ]);
    for (const [r, done] of [[exp, /Export completed/], [imp, /Created: 4,/]] as const) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, done);
      const warnings = r.stderr.split("\n").filter((l) => /Cannot write to the log file/.test(l));
      assert.equal(warnings.length, 1, r.stderr);
      assert.match(
        warnings[0]!,
        /WARNING - Cannot write to the log file \/dev\/full \(No space left on device.*\): lines it cannot take are dropped/,
      );
      assert.doesNotMatch(r.stderr, /Uncaught|Unexpected error/);
    }
    assert.ok((await Deno.stat(`${dir}/r.json`)).isFile, "the report is written");
  },
});

/**
 * A folder this process cannot create files in: a temp folder made read-only, or, as root
 * (where chmod stops nothing), the same folder bind-mounted read-only, else /sys.
 */
async function readOnlyFolder(): Promise<{ dir: string; [Symbol.asyncDispose](): Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: "qc_ro_" });
  await Deno.chmod(dir, 0o555);
  const writable = async (d: string) => {
    try {
      await Deno.remove(await Deno.makeTempFile({ dir: d }));
      return true;
    } catch {
      return false;
    }
  };
  const undo: (() => Promise<unknown>)[] = [() => Deno.chmod(dir, 0o755)];
  let at = dir;
  if (await writable(dir)) {
    const mount = (...args: string[]) =>
      new Deno.Command("mount", { args, stdout: "null", stderr: "null" }).output();
    if ((await mount("--bind", dir, dir)).success) {
      undo.unshift(() => new Deno.Command("umount", { args: [dir] }).output());
      await mount("-o", "remount,bind,ro", dir);
    }
    if (await writable(dir)) at = "/sys";
  }
  assert.ok(!await writable(at), `no read-only folder found (${at})`);
  return {
    dir: at,
    async [Symbol.asyncDispose]() {
      for (const u of undo) await u();
    },
  };
}

Deno.test({
  name: "a read-only working folder is `error: …` and exit 2 before any call, no stack trace",
  ignore: !linux,
  async fn() {
    await using emu = await startEmulator({
      seed: migrationFixture({ quickConnects: 2, queues: 1 }),
      quotas: false,
    });
    const [source, target] = emu.state().Instances;
    const files = await Deno.makeTempDir({ prefix: "qc_files_" });
    await Deno.writeTextFile(`${files}/e.json`, JSON.stringify({ QuickConnects: [] }));
    await using ro = await readOnlyFolder();
    const exp = await runCli(
      "export",
      ["--instance-id", source!.Id!, "--endpoint-url", emu.url, "--output", `${files}/out.json`],
      ro.dir,
    );
    const imp = await runCli(
      "import",
      ["--instance-id", target!.Id!, "--endpoint-url", emu.url, "--export-file", `${files}/e.json`],
      ro.dir,
    );
    for (const [r, log] of [[exp, "export"], [imp, "import"]] as const) {
      assert.equal(r.code, 2, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(
          `^error: Cannot write log file "connect_quick_connect_${log}\\.log": .*\\(choose another path, or run in a folder you can write\\)`,
        ),
      );
      assert.doesNotMatch(r.stderr, /Uncaught|\n\s+at /);
    }
    assert.deepEqual(emu.calls(), {});
  },
});

Deno.test({
  name: "the log file is created readable by its owner only (0600)",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using emu = await startEmulator({
      seed: migrationFixture({ quickConnects: 1, queues: 1 }),
      quotas: false,
    });
    const dir = await Deno.makeTempDir({ prefix: "qc_log_" });
    const r = await runCli("export", [
      "--instance-id",
      emu.state().Instances[0]!.Id!,
      "--endpoint-url",
      emu.url,
      "--output",
      "e.json",
    ], dir);
    assert.equal(r.code, 0, r.stderr);
    const mode = (await Deno.stat(`${dir}/connect_quick_connect_export.log`)).mode! & 0o777;
    assert.equal(mode, 0o600);
  },
});
