/**
 * scripts/smoke_binaries.ts, which gates releases, is itself tested on every CI run: against
 * stand-in "binaries" (shell wrappers running the entrypoints with the flags deno compile
 * bakes in, since no binary can be built here) it must pass, and against stand-ins broken
 * the way a bad build could be it must fail and name the step.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Target } from "../scripts/compile.ts";
import { PERMISSIONS, RUNTIME_FLAGS } from "../scripts/permissions.ts";
import {
  BAD_FLAG,
  binaryName,
  denoDir,
  jsonDiff,
  Normaliser,
  standInScript,
  STEPS,
  textDiff,
  writeStandIn,
} from "../scripts/smoke_binaries.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CONFIG = join(ROOT, "deno.json");
/** Stand-ins are POSIX shell scripts. */
const ON_WINDOWS = Deno.build.os === "windows";
const TARGET = Deno.build.target as Target;
/** Every step of the flow, plus the final comparison of the target instance. */
const ALL_STEPS = [...STEPS.map((s) => s.name), "target state"];

interface SmokeOutput {
  code: number;
  stdout: string;
  stderr: string;
  /** Step name → PASS or FAIL, from the printed table. */
  rows: Map<string, string>;
}

/** Runs `deno task smoke-binaries ARGS` from `cwd`, as a user would from any folder. */
async function smoke(args: string[], cwd: string): Promise<SmokeOutput> {
  // Not our own environment: under `deno task test` it holds INIT_CWD (the repo), which
  // the inner `deno task` would keep rather than set to `cwd`.
  const env: Record<string, string> = { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };
  for (const k of ["PATH", "HOME", "DENO_DIR", "TMPDIR"]) {
    const v = Deno.env.get(k);
    if (v !== undefined) env[k] = v;
  }
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "--config", CONFIG, "smoke-binaries", ...args],
    cwd,
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const rows = new Map<string, string>();
  for (
    const m of stdout.matchAll(/^(\S.*?)\s{2,}(?:exit -?\d+|-)\s+(?:exit -?\d+|-)\s+(PASS|FAIL)$/gm)
  ) {
    rows.set(m[1] ?? "", m[2] ?? "");
  }
  return { code: out.code, stdout, stderr: new TextDecoder().decode(out.stderr), rows };
}

/** The flags a stand-in's exec line passes to deno, with simple single-quote unquoting. */
function execWords(script: string): string[] {
  const line = script.split("\n").find((l) => l.startsWith("exec ")) ?? "";
  return [...line.slice(5).matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? "");
}

Deno.test("a stand-in runs the entrypoint with exactly the flags deno compile bakes in", () => {
  for (const entry of ["export", "import"] as const) {
    const words = execWords(standInScript(entry, "/cache"));
    assert.deepEqual(words, [
      Deno.execPath(),
      "run",
      "--no-prompt",
      ...RUNTIME_FLAGS,
      ...PERMISSIONS[entry],
      join(ROOT, `${entry}.ts`),
      '"$@"',
    ]);
  }
});

Deno.test("Normaliser: only what differs between two correct runs is rewritten", () => {
  const seed = new Set(["11111111-1111-4111-8111-111111111111"]);
  const n = new Normaliser(["/tmp/ref", "/private/tmp/ref"], seed);
  assert.equal(
    n.text(
      "2025-01-15 14:30:25,123 - INFO - Exported 8 quick connects to /tmp/ref/export.json\n" +
        "2025-01-15 14:30:25,124 - INFO - wrote /private/tmp/ref/r.json at 2025-01-15T14:30:25.123Z",
    ),
    "INFO - Exported 8 quick connects to export.json\nINFO - wrote r.json at <time>",
  );
  assert.equal(n.text("http://127.0.0.1:40123/x"), "http://127.0.0.1:<port>/x");
  // Seeded IDs stay; generated ones are numbered by first appearance, everywhere the same.
  assert.equal(
    n.text(
      "11111111-1111-4111-8111-111111111111 aaaaaaaa-0000-4000-8000-000000000001 " +
        "bbbbbbbb-0000-4000-8000-000000000002 aaaaaaaa-0000-4000-8000-000000000001",
    ),
    "11111111-1111-4111-8111-111111111111 <new-id-1> <new-id-2> <new-id-1>",
  );
  assert.deepEqual(
    n.json({ "bbbbbbbb-0000-4000-8000-000000000002": ["/tmp/ref/export.json", 3, null] }),
    { "<new-id-2>": ["export.json", 3, null] },
  );
});

Deno.test("jsonDiff and textDiff say where two runs differ", () => {
  assert.deepEqual(jsonDiff({ a: [1, { b: "x" }] }, { a: [1, { b: "x" }] }), []);
  assert.deepEqual(jsonDiff({ a: [1, { b: "x" }] }, { a: [1, { b: "y" }], c: true }), [
    'a[1].b: reference "x", binary "y"',
    "c: reference (absent), binary true",
  ]);
  assert.equal(textDiff("a\nb", "a\nb"), undefined);
  assert.equal(
    textDiff("a\nb", "a\nc\nd"),
    'line 2: reference "b", binary "c" (reference 2 lines, binary 3)',
  );
});

Deno.test({
  name: "smoke-binaries --stand-in: the flow passes with stand-ins built from the baked flags",
  ignore: ON_WINDOWS,
  async fn() {
    const cwd = await Deno.makeTempDir({ prefix: "smoke_test_" });
    try {
      const out = await smoke(["--stand-in"], cwd);
      assert.equal(out.code, 0, out.stdout + out.stderr);
      assert.deepEqual([...out.rows.keys()], ALL_STEPS);
      for (const [step, result] of out.rows) assert.equal(result, "PASS", step);
      assert.match(out.stdout, /Smoke OK: all 12 steps match the reference run/);
      // The binaries ran elsewhere: nothing lands in the caller's folder or the repo.
      assert.deepEqual([...Deno.readDirSync(cwd)], []);
    } finally {
      await Deno.remove(cwd, { recursive: true });
    }
  },
});

Deno.test({
  name: "smoke-binaries fails a build without --allow-read: the profile (and file) steps",
  ignore: ON_WINDOWS,
  async fn() {
    const cwd = await Deno.makeTempDir({ prefix: "smoke_test_" });
    try {
      const cache = await denoDir();
      const flags = [...RUNTIME_FLAGS, ...PERMISSIONS.export].filter((f) => f !== "--allow-read");
      await writeStandIn(join(cwd, "export-no-read"), "export", cache, flags);
      await writeStandIn(join(cwd, "import"), "import", cache);
      const out = await smoke(["--export-bin", "export-no-read", "--import-bin", "import"], cwd);
      assert.equal(out.code, 1, out.stdout + out.stderr);
      assert.equal(out.rows.get("export --profile"), "FAIL", out.stdout);
      assert.match(
        out.stdout,
        /FAIL export --profile:\n {2}- binary exited 2, expected 0 .*needs --allow-read/,
      );
      // What needs no file passes, so the failure is pinned on the missing permission.
      for (
        const step of ["export --help", "export --version", "export bad flag", "import --help"]
      ) {
        assert.equal(out.rows.get(step), "PASS", step);
      }
      assert.match(out.stdout, /Smoke FAILED: .*export --profile/);
    } finally {
      await Deno.remove(cwd, { recursive: true });
    }
  },
});

Deno.test({
  name: "smoke-binaries DIR fails a build that exits 0 on a bad flag, and only that step",
  ignore: ON_WINDOWS,
  async fn() {
    const cwd = await Deno.makeTempDir({ prefix: "smoke_test_" });
    try {
      const cache = await denoDir();
      const dist = join(cwd, "dist");
      await Deno.mkdir(dist);
      await writeStandIn(join(dist, binaryName("export", TARGET)), "export", cache);
      await writeStandIn(join(cwd, "real-import"), "import", cache);
      // Works in every other way, but loses the exit code.
      await Deno.writeTextFile(
        join(dist, binaryName("import", TARGET)),
        `#!/bin/sh\n${join(cwd, "real-import")} "$@"\nexit 0\n`,
        { mode: 0o755 },
      );
      // DIR is relative: found from the folder deno task was run in (INIT_CWD).
      const out = await smoke(["dist"], cwd);
      assert.equal(out.code, 1, out.stdout + out.stderr);
      const failed = [...out.rows].filter(([, r]) => r === "FAIL").map(([s]) => s);
      assert.deepEqual(failed, ["import bad flag"], out.stdout);
      assert.match(out.stdout, new RegExp(`binary exited 0, expected 2 .*${BAD_FLAG}`));
    } finally {
      await Deno.remove(cwd, { recursive: true });
    }
  },
});

Deno.test({
  name: "smoke-binaries fails a build that behaves differently with the same exit codes",
  ignore: ON_WINDOWS,
  async fn() {
    const cwd = await Deno.makeTempDir({ prefix: "smoke_test_" });
    try {
      const cache = await denoDir();
      await writeStandIn(join(cwd, "real-export"), "export", cache);
      await writeStandIn(join(cwd, "import"), "import", cache);
      // As if built with another default: exports through List + Describe. The file and
      // every exit code are the same; the API calls are not.
      await Deno.writeTextFile(
        join(cwd, "export"),
        `#!/bin/sh\nexec ${join(cwd, "real-export")} "$@" --no-search\n`,
        { mode: 0o755 },
      );
      const out = await smoke(["--export-bin", "export", "--import-bin", "import"], cwd);
      assert.equal(out.code, 1, out.stdout + out.stderr);
      assert.equal(out.rows.get("export"), "FAIL", out.stdout);
      assert.equal(out.rows.get("export --profile"), "FAIL", out.stdout);
      assert.doesNotMatch(out.stdout, /exited/, "no exit code differs");
      assert.match(
        out.stdout,
        /FAIL export:\n(?: {2}- .*\n)* {2}- API calls differ: reference .*SearchQuickConnects 1, SearchRoutingProfiles 1; binary .*DescribeQuickConnect 8/,
      );
    } finally {
      await Deno.remove(cwd, { recursive: true });
    }
  },
});

Deno.test("smoke-binaries exits 2 when the binaries are missing or not executable", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "smoke_test_" });
  try {
    const missing = await smoke([cwd], cwd);
    assert.equal(missing.code, 2, missing.stdout);
    assert.match(missing.stderr, new RegExp(`Binary not found: .*${binaryName("export", TARGET)}`));

    if (!ON_WINDOWS) {
      for (const entry of ["export", "import"] as const) {
        await Deno.writeTextFile(join(cwd, binaryName(entry, TARGET)), "#!/bin/sh\n", {
          mode: 0o644,
        });
      }
      const notExec = await smoke(["."], cwd);
      assert.equal(notExec.code, 2, notExec.stdout);
      assert.match(notExec.stderr, /Not executable: .*\(run chmod \+x on it\)/);
    }

    const bad = await smoke(["--stand-in", "--target", "aarch64-apple-darwin"], cwd);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--target picks binaries in DIR/);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
