/**
 * What the commands leave on disk and show while they run: files holding phone numbers are
 * private to the user, and the slow read path (List + Describe) reports its progress as it
 * goes rather than at the end.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../emulator/testing.ts";
import { migrationFixture } from "./support/generate.ts";
import { runCli } from "./support/cli.ts";

const stamp = (line: string) => {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d),(\d{3})/.exec(line);
  assert.ok(m, line);
  const [, y, mo, d, h, mi, s, ms] = m.map(Number);
  return new Date(y!, mo! - 1, d, h, mi, s, ms).getTime();
};

Deno.test({
  name: "the export file and the report are created readable by their owner only (0600)",
  ignore: Deno.build.os === "windows",
  async fn() {
    const fixture = migrationFixture({ quickConnects: 4, queues: 2 });
    await using emu = await startEmulator({ seed: fixture, quotas: false });
    const [source, target] = emu.state().Instances;
    const dir = await Deno.makeTempDir();
    const exp = await runCli("export", [
      "--instance-id",
      source!.Id!,
      "--endpoint-url",
      emu.url,
      "--output",
      "e.json",
    ], dir);
    assert.equal(exp.code, 0, exp.stderr);
    const imp = await runCli("import", [
      "--instance-id",
      target!.Id!,
      "--endpoint-url",
      emu.url,
      "--export-file",
      "e.json",
      "--report",
      "r.json",
    ], dir);
    assert.equal(imp.code, 0, imp.stderr);
    for (const f of ["e.json", "r.json"]) {
      assert.equal((await Deno.stat(`${dir}/${f}`)).mode! & 0o777, 0o600, f);
    }
  },
});

Deno.test("export --no-search logs its progress while the Describe calls run", async () => {
  const fixture = migrationFixture({ quickConnects: 60, queues: 2 });
  await using emu = await startEmulator({ seed: fixture, quotas: false, latencyMs: 40 });
  const source = emu.state().Instances[0]!;
  const dir = await Deno.makeTempDir();
  const r = await runCli(
    "export",
    [
      "--instance-id",
      source.Id!,
      "--endpoint-url",
      emu.url,
      "--no-search",
      "--output",
      "e.json",
    ],
    dir,
    { CONNECT_QUOTA_SCALE: "5" },
  );
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stderr.trimEnd().split("\n");
  const progress = lines.filter((l) =>
    /Read \d+\/60 quick connects with DescribeQuickConnect/.test(l)
  );
  assert.ok(progress.length >= 5, progress.join("\n"));
  const total = lines.find((l) => /Total quick connects retrieved: 60/.test(l));
  assert.ok(total);
  // Spread over the reading, not printed at once at its end.
  assert.ok(stamp(total) - stamp(progress[0]!) >= 200, `${progress[0]}\n${total}`);
  assert.match(progress.at(-1)!, /Read 60\/60/);
});
