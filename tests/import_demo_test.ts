/**
 * `deno task demo` runs clean: the demo script, as the task runs it, in a scratch
 * directory, exits 0 and leaves its files in ./demo-output/.
 */
import assert from "node:assert/strict";

const DEMO = new URL("../scripts/demo.ts", import.meta.url).pathname;
const CONFIG = new URL("../deno.json", import.meta.url).pathname;

const demo = (dir: string) =>
  new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--config",
      CONFIG,
      "--allow-env",
      "--allow-net",
      "--allow-read",
      "--allow-write",
      "--allow-sys",
      "--allow-run",
      DEMO,
    ],
    cwd: dir,
    env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();

Deno.test("deno task demo: export → dry run → import → verify succeeds and writes its files", async () => {
  const dir = await Deno.makeTempDir({ prefix: "import_demo_" });
  const out = await demo(dir);
  const stdout = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, stdout + new TextDecoder().decode(out.stderr));
  assert.match(
    stdout,
    /2\/4 dry run\s+exit 0 {2}would create 6, skip 2, add 7 queue links; 0 changes made/,
  );
  assert.match(stdout, /3\/4 import\s+exit 0 {2}created 6, skipped 2/);
  assert.match(
    stdout,
    /4\/4 verify\s+exit 0 {2}created 0; 8 quick connects checked, 0 differences/,
  );
  assert.match(stdout, /Demo OK/);
  for (
    const f of [
      "export.json",
      "dry-run-report.json",
      "import-report.json",
      "verify-report.json",
      "import.log",
      "export.log",
    ]
  ) {
    assert.ok((await Deno.stat(`${dir}/demo-output/${f}`)).isFile, f);
  }
  // docs/review-example.md is the demo's dry run as --review writes it, kept true here.
  assert.equal(
    await Deno.readTextFile(`${dir}/demo-output/review.md`),
    await Deno.readTextFile(new URL("../docs/review-example.md", import.meta.url)),
    "docs/review-example.md is what the tool writes for the demo's dry run: copy demo-output/review.md there",
  );
});

Deno.test("deno task demo runs again in the same folder (its own files are replaced)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "import_demo_" });
  assert.equal((await demo(dir)).code, 0);
  const again = await demo(dir);
  assert.equal(again.code, 0, new TextDecoder().decode(again.stdout));
});
