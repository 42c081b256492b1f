/**
 * The run's journal (lib/import/journal.ts), through the real CLI: written ahead of every
 * change, so a killed run, a full disk, a dead endpoint or a name another run took leaves a
 * record that the report and `--undo` read. Issue: "Nothing a run does can be lost".
 */
import assert from "node:assert/strict";
import { startEmulator } from "../emulator/testing.ts";
import { exportInstance, idOf, instance, linksByName } from "./import_helpers.ts";
import { migrationFixture } from "./support/generate.ts";
import { cliCommand, runCli } from "./support/cli.ts";

const FAST = { CONNECT_QUOTA_SCALE: "20" };

/** A source of `n` quick connects on 2 queues, its export, and an empty target. */
async function setup(n: number, opts: { latencyMs?: number } = {}) {
  const fixture = migrationFixture({ quickConnects: n, queues: 2, linksPerQueue: 4 });
  await using source = await startEmulator({ seed: fixture, quotas: false });
  const { path, file } = await exportInstance(source, "source");
  const emu = await startEmulator({ seed: fixture, quotas: false, ...opts });
  const dir = await Deno.makeTempDir({ prefix: "journal_" });
  await Deno.copyFile(path, `${dir}/export.json`);
  const target = idOf(emu.state(), "target");
  const args = (more: string[]) => ["--instance-id", target, "--endpoint-url", emu.url, ...more];
  const cli = (more: string[], cwd = dir) => runCli("import", args(more), cwd, FAST);
  const content = () => {
    const t = instance(emu.state(), "target");
    const qcs = t.QuickConnects.map((q) => ({
      Name: q.Name,
      Description: q.Description ?? "",
      Config: q.QuickConnectConfig,
      Tags: q.Tags ?? {},
    })).sort((a, b) => a.Name.localeCompare(b.Name));
    return { qcs, links: linksByName(t) };
  };
  return { emu, dir, file, args, cli, content };
}

const lines = (text: string) => text.split("\n").filter((l) => l.trim() !== "");

/**
 * Runs `body` with a small tmpfs of `options` (e.g. "size=12k", "ro,size=64k") mounted on a
 * fresh folder, unmounted after. Not root (no mount): the test has nothing to try, and ends.
 */
async function withTmpfs(options: string, body: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "journal_disk_" });
  const mount = new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", options, "tmpfs", dir],
    stderr: "null",
  });
  if (!(await mount.output()).success) return;
  try {
    await body(dir);
  } finally {
    await new Deno.Command("umount", { args: [dir] }).output();
  }
}

Deno.test("kill -9 mid-import: the journal is on disk, and --undo of it restores the target exactly, updated ones included", async () => {
  const s = await setup(24, { latencyMs: 40 });
  await using _ = s.emu;
  // Half the target holds the first items already, with another description: they are updated.
  const old = {
    ...s.file,
    QuickConnects: s.file.QuickConnects.slice(0, 6).map((q) => ({
      ...q,
      QuickConnect: { ...q.QuickConnect, Description: "before the run" },
      Tags: { ...q.Tags, Owner: "old" },
    })),
  };
  await Deno.writeTextFile(`${s.dir}/old.json`, JSON.stringify(old));
  assert.equal((await s.cli(["--export-file", "old.json", "--report", "old-run.json"])).code, 0);
  const before = s.content();
  const child = cliCommand(
    "import",
    s.args(["--export-file", "export.json", "--on-conflict", "update", "--report", "run.json"]),
    s.dir,
    FAST,
  ).spawn();
  // Wait until some creates and updates landed, then kill it without warning.
  for (;;) {
    await new Promise((r) => setTimeout(r, 25));
    const c = s.emu.calls();
    if ((c.CreateQuickConnect ?? 0) >= 5 && (c.UpdateQuickConnectName ?? 0) >= 2) break;
  }
  child.kill("SIGKILL");
  await child.output();
  const journal = await Deno.readTextFile(`${s.dir}/run.json`);
  const entries = lines(journal).map((l) => JSON.parse(l));
  assert.equal(entries[0].kind, "run", "a journal, not a report: the run never ended");
  assert.ok(entries.some((e) => e.kind === "intent" && e.op === "update" && e.before));
  assert.equal((await Deno.stat(`${s.dir}/run.json`)).mode! & 0o777, 0o600);
  assert.notDeepEqual(s.content(), before);
  const undo = await s.cli(["--undo", "run.json", "--report", "undo.json"]);
  assert.ok(undo.code === 0, undo.stderr);
  assert.deepEqual(s.content(), before, "the target is as it was before the killed run");
});

Deno.test("a full disk under the journal stops the run (exit 3, no stack trace) before the change it could not record; undo of what it holds", async () => {
  await withTmpfs("size=12k", async (disk) => {
    const s = await setup(40);
    await using _ = s.emu;
    const before = s.content();
    const r = await s.cli(["--export-file", "export.json", "--report", `${disk}/run.json`]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /Cannot write the run's journal .*run\.json.*: No space left on device/);
    assert.doesNotMatch(r.stderr, /Uncaught|at async|\.ts:\d+:\d+/);
    const entries = lines(await Deno.readTextFile(`${disk}/run.json`)).flatMap((l) => {
      try {
        return [JSON.parse(l)];
      } catch {
        return []; // the line the disk cut short
      }
    });
    const intents = entries.filter((e) => e.kind === "intent" && e.op === "create").length;
    const made = instance(s.emu.state(), "target").QuickConnects.length;
    assert.ok(made > 0 && made < 40, `${made} created before the disk filled`);
    assert.ok(intents >= made, "every create that was sent has its intent on disk");
    assert.equal(s.emu.calls().CreateQuickConnect, intents, "no create sent without its intent");
    await Deno.copyFile(`${disk}/run.json`, `${s.dir}/journal.json`);
    const undo = await s.cli(["--undo", "journal.json"]);
    assert.equal(undo.code, 0, undo.stderr);
    assert.deepEqual(s.content(), before);
  });
});

Deno.test("a folder the record cannot be written in is refused before any call (exit 2)", async () => {
  await withTmpfs("ro,size=64k", async (ro) => {
    const s = await setup(4);
    await using _ = s.emu;
    s.emu.resetCalls();
    const r = await s.cli(["--export-file", "export.json", "--report", `${ro}/run.json`]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^error: Cannot write the run's record .*run\.json/m);
    assert.deepEqual(s.emu.calls(), {});
  });
});

/**
 * Two imports of the two halves of one file at once, both given `--report same.json`
 * (`extra`: more flags). Calls of 200 ms: each run lasts seconds, so both are under way before
 * either ends, even when one process starts late on a busy machine. Returns their outputs and
 * the names in the records same.json and same_2.json.
 */
async function twoRuns(s: Awaited<ReturnType<typeof setup>>, extra: string[] = []) {
  const half = (from: number, to: number) => ({
    ...s.file,
    QuickConnects: s.file.QuickConnects.slice(from, to),
  });
  await Deno.writeTextFile(`${s.dir}/a.json`, JSON.stringify(half(0, 6)));
  await Deno.writeTextFile(`${s.dir}/b.json`, JSON.stringify(half(6, 12)));
  const [a, b] = await Promise.all(
    ["a.json", "b.json"].map((f) => s.cli(["--export-file", f, "--report", "same.json", ...extra])),
  );
  assert.equal(a!.code, 0, a!.stderr);
  assert.equal(b!.code, 0, b!.stderr);
  const created = await Promise.all(["same.json", "same_2.json"].map(async (f) => {
    assert.equal((await Deno.stat(`${s.dir}/${f}`)).mode! & 0o777, 0o600, f);
    const r = JSON.parse(await Deno.readTextFile(`${s.dir}/${f}`));
    return r.Undo.Created.map((c: { Name: string }) => c.Name) as string[];
  }));
  return { stderr: a!.stderr + b!.stderr, created: new Set(created.flat()) };
}

Deno.test("two runs with one --report name: neither record is lost, the second gets a numbered name", async () => {
  const s = await setup(12, { latencyMs: 200 });
  await using _ = s.emu;
  const { stderr, created } = await twoRuns(s);
  assert.equal(created.size, 12, "every create is in one of the two records");
  assert.match(
    stderr,
    /"same\.json" was taken by another run meanwhile: this run's record is "same_2\.json"/,
  );
  assert.match(stderr, /Record of this run: same_2\.json; to undo it: .* --undo same_2\.json/);
});

Deno.test("a run that changes something keeps its record without --report; one that changes nothing leaves no file", async () => {
  const s = await setup(3);
  await using _ = s.emu;
  const first = await s.cli(["--export-file", "export.json"]);
  assert.equal(first.code, 0, first.stderr);
  const named = /Record of this run: (connect_quick_connects_import_\S+\.json); to undo it: /.exec(
    first.stderr,
  );
  assert.ok(named, first.stderr);
  const report = JSON.parse(await Deno.readTextFile(`${s.dir}/${named[1]}`));
  assert.equal(report.Summary.Created, 3);
  const again = await s.cli(["--export-file", "export.json"]);
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stderr, /Record of this run/);
  const records = [...Deno.readDirSync(s.dir)].filter((e) =>
    e.name.startsWith("connect_quick_connects_import_")
  );
  assert.equal(records.length, 1, `the re-run changed nothing and left no file: ${again.stderr}`);
});

Deno.test("a create whose answers never come is uncertain, stops the run (exit 3), and undo removes it", async () => {
  const s = await setup(3);
  await using _ = s.emu;
  s.emu.addFault({
    Operation: "CreateQuickConnect",
    Error: "SlowAnswer",
    Count: -1,
    DelayMs: 3000,
  });
  const r = await s.cli([
    "--export-file",
    "export.json",
    "--report",
    "run.json",
    "--read-timeout",
    "1",
  ]);
  assert.equal(r.code, 3, r.stderr);
  const report = JSON.parse(await Deno.readTextFile(`${s.dir}/run.json`));
  const first = report.Items.find((i: { Outcome: string }) => i.Outcome === "uncertain");
  assert.ok(first, JSON.stringify(report.Items));
  assert.equal(report.Items.filter((i: { Outcome: string }) => i.Outcome === "failed").length, 0);
  assert.deepEqual(
    report.Undo.Created.map((c: { Name: string; Certain?: boolean }) => [c.Name, c.Certain]),
    [[first.Name, false]],
  );
  s.emu.clearFaults();
  assert.equal(instance(s.emu.state(), "target").QuickConnects.length, 1, "it landed");
  const undo = await s.cli(["--undo", "run.json"]);
  assert.equal(undo.code, 0, undo.stderr);
  assert.match(undo.stderr, /the run may have created it, and it holds exactly what the run sent/);
  assert.equal(instance(s.emu.state(), "target").QuickConnects.length, 0);
});

Deno.test("links whose answers never come: uncertain, not failed, and the run stops after one queue (exit 3)", async () => {
  const s = await setup(6);
  await using _ = s.emu;
  s.emu.addFault({
    Operation: "AssociateQueueQuickConnects",
    Error: "SlowAnswer",
    Count: -1,
    DelayMs: 3000,
  });
  const t0 = performance.now();
  const r = await s.cli([
    "--export-file",
    "export.json",
    "--report",
    "run.json",
    "--read-timeout",
    "1",
  ]);
  const seconds = (performance.now() - t0) / 1000;
  assert.equal(r.code, 3, r.stderr);
  assert.ok(seconds < 20, `stopped after one queue's attempts (${seconds.toFixed(1)} s)`);
  const queues = s.emu.callLog().filter((e) => e.operation === "AssociateQueueQuickConnects")
    .map((e) => e.resource);
  assert.equal(new Set(queues).size, 1, "one queue's attempts, not the next queue's");
  const report = JSON.parse(await Deno.readTextFile(`${s.dir}/run.json`));
  assert.equal(report.Associations.Failed, 0);
  assert.ok(report.Associations.Uncertain > 0, JSON.stringify(report.Associations));
  assert.ok(report.Undo.LinksAdded.every((l: { Certain?: boolean }) => l.Certain === false));
});

Deno.test("a disk already full at the first change: exit 3, nothing sent, and no empty record left to undo", async () => {
  await withTmpfs("size=16k", async (disk) => {
    const s = await setup(3);
    await using _ = s.emu;
    // Fill it to the last byte.
    await new Deno.Command("dd", {
      args: ["if=/dev/zero", `of=${disk}/fill`, "bs=1k", "count=64"],
      stderr: "null",
    }).output();
    s.emu.resetCalls();
    const r = await s.cli(["--export-file", "export.json", "--report", `${disk}/run.json`]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /Cannot write the run's journal/);
    assert.doesNotMatch(r.stderr, /Record of this run/);
    assert.equal(s.emu.calls().CreateQuickConnect ?? 0, 0);
    await assert.rejects(Deno.stat(`${disk}/run.json`), Deno.errors.NotFound);
  });
});

Deno.test("two runs given one --report name with --force: the file there before is replaced once, the second run gets a numbered name", async () => {
  const s = await setup(12, { latencyMs: 200 });
  await using _ = s.emu;
  await Deno.writeTextFile(`${s.dir}/same.json`, "{}\n", { mode: 0o644 });
  const { created } = await twoRuns(s, ["--force"]);
  assert.equal(created.size, 12, "both records whole, none overwritten");
});
