/**
 * A run never replaces a file it did not create, through the real CLI: two exports in the
 * same second get two files; a default name that is taken gets a number; an --output or
 * --report that appears while the run works is left alone (and replaced with --force).
 */
import assert from "node:assert/strict";
import { type Emulator, startEmulator } from "../emulator/testing.ts";
import {
  allowReplacing,
  FileExistsError,
  numbered,
  writeJsonAtomic,
  writeJsonAtomicSync,
} from "../lib/json_file.ts";
import { cliCommand, Lines, runCli } from "./support/cli.ts";
import { linesExport, linesTarget } from "./support/lines.ts";

const UTC = { TZ: "UTC" };
const pad = (n: number) => String(n).padStart(2, "0");

/** The default export name for `d`, in UTC (the children run with TZ=UTC). */
function defaultName(id: string, d: Date): string {
  const stamp = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}_${
    pad(d.getUTCHours())
  }${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
  return `connect_quick_connects_export_${id}_${stamp}.json`;
}

function sourceId(emu: Emulator): string {
  return emu.state().Instances.find((i) => i.Alias === "source-demo")?.Id ?? "";
}

const names = (dir: string) => [...Deno.readDirSync(dir)].map((e) => e.name).sort();

Deno.test("two exports in the same second into one folder: two complete files, both exit 0", async () => {
  await using emu = await startEmulator({ seed: "tests/fixtures/sample_seed.json", quotas: false });
  const id = sourceId(emu);
  const dir = await Deno.makeTempDir({ prefix: "no_clobber_" });
  // Every default name of the next 60 s is taken by a file nobody may lose: both runs
  // then meet on the same numbered names, whatever second they start in.
  const now = Date.now();
  const precious = Array.from({ length: 60 }, (_, s) => defaultName(id, new Date(now + s * 1000)));
  for (const p of precious) await Deno.writeTextFile(`${dir}/${p}`, "precious\n");
  const args = ["--instance-id", id, "--endpoint-url", emu.url];
  const [a, b] = await Promise.all([
    runCli("export", args, dir, UTC),
    runCli("export", args, dir, UTC),
  ]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  for (const p of precious) assert.equal(await Deno.readTextFile(`${dir}/${p}`), "precious\n", p);
  const made = names(dir).filter((n) => n.endsWith(".json") && !precious.includes(n));
  assert.equal(made.length, 2, made.join(", "));
  assert.ok(made.every((n) => /_\d{8}_\d{6}_[23]\.json$/.test(n)), made.join(", "));
  const total = emu.state().Instances.find((i) => i.Id === id)?.QuickConnects.length;
  for (const n of made) {
    const file = JSON.parse(await Deno.readTextFile(`${dir}/${n}`));
    assert.equal(file.QuickConnects.length, total, n);
  }
  // Each run names the file it wrote.
  const said = [a, b].map((r) => /Exported \d+ quick connects to (\S+)/.exec(r.stderr)?.[1]);
  assert.deepEqual(said.sort(), made);
  assert.deepEqual(names(dir).filter((n) => n.includes(".tmp-")), []);
});

Deno.test("two exports at once without help: distinct files, both whole", async () => {
  await using emu = await startEmulator({ seed: "tests/fixtures/sample_seed.json", quotas: false });
  const id = sourceId(emu);
  const dir = await Deno.makeTempDir({ prefix: "no_clobber_" });
  const args = ["--instance-id", id, "--endpoint-url", emu.url];
  const runs = await Promise.all([1, 2, 3].map(() => runCli("export", args, dir, UTC)));
  for (const r of runs) assert.equal(r.code, 0, r.stderr);
  const made = names(dir).filter((n) => n.endsWith(".json"));
  assert.equal(made.length, 3, made.join(", "));
  for (const n of made) assert.ok(JSON.parse(await Deno.readTextFile(`${dir}/${n}`)).QuickConnects);
});

Deno.test("an --output created while the export runs is not replaced; with --force it is", async () => {
  await using emu = await startEmulator({
    seed: "tests/fixtures/sample_seed.json",
    quotas: false,
    latencyMs: 400,
  });
  const id = sourceId(emu);
  const dir = await Deno.makeTempDir({ prefix: "no_clobber_" });
  for (const force of [false, true]) {
    await Deno.remove(`${dir}/out.json`).catch(() => {});
    const args = ["--instance-id", id, "--endpoint-url", emu.url, "--output", "out.json"];
    const child = cliCommand("export", force ? [...args, "--force"] : args, dir).spawn();
    const lines = new Lines(child.stderr);
    await lines.until(/Fetching quick connects page 1/);
    await Deno.writeTextFile(`${dir}/out.json`, "someone else's\n");
    const text = await lines.rest();
    const status = await child.status;
    await child.stdout.cancel();
    const content = await Deno.readTextFile(`${dir}/out.json`);
    if (force) {
      assert.equal(status.code, 0, text);
      assert.ok(JSON.parse(content).QuickConnects, "replaced by the export");
    } else {
      assert.equal(status.code, 2, text);
      assert.match(
        text,
        /Output file "out\.json" was created by someone else while the export ran: not replaced/,
      );
      assert.equal(content, "someone else's\n");
    }
    assert.deepEqual(names(dir).filter((n) => n.includes(".tmp-")), []);
  }
});

Deno.test("a --report created while the import runs is not replaced: the report goes to a numbered name; with --force it replaces it", async () => {
  const target = "00000000-0000-4000-8000-0000000000f3";
  await using emu = await startEmulator({
    seed: linesTarget(target),
    quotas: false,
    latencyMs: 300,
  });
  const dir = await Deno.makeTempDir({ prefix: "no_clobber_" });
  await Deno.writeTextFile(`${dir}/export.json`, JSON.stringify(linesExport(2)));
  for (const force of [false, true]) {
    await Deno.remove(`${dir}/r.json`).catch(() => {});
    const args = [
      "--instance-id",
      target,
      "--export-file",
      "export.json",
      "--endpoint-url",
      emu.url,
      "--report",
      "r.json",
      "--dry-run",
    ];
    const child = cliCommand("import", force ? [...args, "--force"] : args, dir).spawn();
    const lines = new Lines(child.stderr);
    await lines.until(/Fetching existing quick connects/);
    await Deno.writeTextFile(`${dir}/r.json`, "someone else's\n");
    const text = await lines.rest();
    const status = await child.status;
    await child.stdout.cancel();
    const content = await Deno.readTextFile(`${dir}/r.json`);
    if (force) {
      assert.equal(status.code, 0, text);
      assert.equal(JSON.parse(content).DryRun, true);
    } else {
      // The record is not lost: it goes under the next free name, and the log says so.
      assert.equal(status.code, 0, text);
      assert.match(
        text,
        /WARNING - "r\.json" was taken by another run meanwhile: this run's record is "r_2\.json"/,
      );
      assert.equal(content, "someone else's\n");
      assert.equal(JSON.parse(await Deno.readTextFile(`${dir}/r_2.json`)).DryRun, true);
      await Deno.remove(`${dir}/r_2.json`);
    }
  }
});

Deno.test("writeJsonAtomic never replaces a file unless allowed; numbered names", async () => {
  const dir = await Deno.makeTempDir({ prefix: "no_clobber_" });
  const path = `${dir}/r.json`;
  await Deno.writeTextFile(path, "mine\n");
  await assert.rejects(writeJsonAtomic(path, { a: 1 }), FileExistsError);
  assert.throws(() => writeJsonAtomicSync(path, { a: 1 }), FileExistsError);
  assert.equal(await Deno.readTextFile(path), "mine\n");
  allowReplacing(path);
  await writeJsonAtomic(path, { a: 2 });
  assert.deepEqual(JSON.parse(await Deno.readTextFile(path)), { a: 2 });
  writeJsonAtomicSync(path, { a: 3 });
  assert.deepEqual(JSON.parse(await Deno.readTextFile(path)), { a: 3 });
  await writeJsonAtomic(`${dir}/new.json`, { b: 1 });
  assert.deepEqual(names(dir), ["new.json", "r.json"]);
  assert.equal(numbered("/a/b.json", 1), "/a/b.json");
  assert.equal(numbered("/a/b.json", 2), "/a/b_2.json");
  assert.equal(numbered("/a.d/b", 3), "/a.d/b_3");
  assert.equal(numbered("/a/.hidden", 2), "/a/.hidden_2");
});
