/**
 * The flag table's rules through the real CLI: every refusal before the first API call is
 * one `error: …` line on stderr and exit 2, with no log line and no call. Plan-shaping
 * flags (now --on-conflict too, when given) do not go with --plan or --undo; numbers are
 * checked by the table; an unknown flag names the one it most likely meant; --version names
 * the tool; a malformed --instance-id is refused before any call.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../emulator/testing.ts";
import { type FlagSpecs, nearestFlag, parseFlags } from "../lib/cli/flags.ts";
import { UsageError } from "../lib/errors.ts";
import { VERSION } from "../lib/version.ts";
import { exportInstance, idOf } from "./import_helpers.ts";
import { runCli } from "./support/cli.ts";
import { migrationFixture } from "./support/generate.ts";

const FAST = { CONNECT_QUOTA_SCALE: "20" };
const HELP_LINE = (entry: string) =>
  `Run 'deno run [permissions] ${entry}.ts --help' for the options.\n`;

/** Exactly one refusal line plus the pointer to --help: no timestamped log line. */
function assertRefused(r: { code: number; stderr: string }, message: string, entry = "import") {
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stderr, `error: ${message}\n${HELP_LINE(entry)}`);
}

Deno.test("--plan and --undo refuse every plan-shaping flag, --on-conflict included, before any call", async () => {
  const fixture = migrationFixture({ quickConnects: 3, queues: 1, linksPerQueue: 2 });
  await using emu = await startEmulator({ seed: fixture, quotas: false });
  const { path } = await exportInstance(emu, "source");
  const dir = await Deno.makeTempDir({ prefix: "cli_flags_" });
  await Deno.copyFile(path, `${dir}/export.json`);
  const target = idOf(emu.state(), "target");
  const cli = (args: string[]) =>
    runCli("import", ["--instance-id", target, "--endpoint-url", emu.url, ...args], dir, FAST);
  // A plan made with the default policy, skip.
  const dry = await cli(["--export-file", "export.json", "--dry-run", "--plan-out", "plan.json"]);
  assert.equal(dry.code, 0, dry.stderr);
  emu.resetCalls();

  for (const source of [["--plan", "plan.json"], ["--undo", "report.json"]]) {
    const flag = source[0] ?? "";
    for (const policy of ["update", "skip"]) {
      const r = await cli([...source, "--on-conflict", policy]);
      assertRefused(r, `--on-conflict does not go with ${flag}: the plan is already made`);
    }
  }
  const mapped = await cli(["--plan", "plan.json", "--mapping", "m.json"]);
  assertRefused(mapped, "--mapping does not go with --plan: the plan is already made");
  const pruned = await cli(["--undo", "report.json", "--prune"]);
  assertRefused(pruned, "--prune does not go with --undo: the plan is already made");
  assert.deepEqual(emu.calls(), {});
  // The default policy is not a flag given: the saved plan applies as it is.
  const applied = await cli(["--plan", "plan.json", "--consistency-wait", "0"]);
  assert.equal(applied.code, 0, applied.stderr);
  assert.ok((emu.calls().CreateQuickConnect ?? 0) > 0);
});

Deno.test("refused combinations and bad numbers: one error line, exit 2, no log file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cli_flags_" });
  const id = ["--instance-id", "00000000-0000-4000-8000-0000000000dd"];
  const cases: [string[], string][] = [
    [["--export-file", "e.json", "--plan-out", "p.json"], "--plan-out goes with --dry-run"],
    [
      ["--export-file", "e.json", "--detailed-exitcode"],
      "--detailed-exitcode goes with --dry-run",
    ],
    [[], "Missing required option --export-file (or --plan, or --undo)"],
    [
      ["--export-file", "e.json", "--undo", "r.json"],
      "Give one of --export-file, --plan and --undo: each says what to do on its own",
    ],
    [
      ["--export-file", "e.json", "--max-deletes", "2.5"],
      'Invalid value for --max-deletes: "2.5" (expected a whole number, e.g. 25)',
    ],
    [
      ["--export-file", "e.json", "--max-deletes=-1"],
      'Invalid value for --max-deletes: "-1" (expected a whole number, e.g. 25)',
    ],
    [
      ["--export-file", "e.json", "--max-deletes", "-1"],
      'Option --max-deletes needs a value (one that starts with "-" is given as --max-deletes=VALUE)',
    ],
    [
      ["--export-file", "e.json", "--consistency-wait", "soon"],
      'Invalid value for --consistency-wait: "soon" (expected seconds, e.g. 30)',
    ],
    [
      ["--export-file", "e.json", "--consistency-wait", "0x10"],
      'Invalid value for --consistency-wait: "0x10" (expected seconds, e.g. 30)',
    ],
  ];
  for (const [args, message] of cases) {
    assertRefused(await runCli("import", [...id, ...args], dir), message);
  }
  assert.deepEqual([...Deno.readDirSync(dir)], [], "no log file, no other file");
});

Deno.test("an unknown flag names the nearest known one, and none when nothing is close", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cli_flags_" });
  const cases: ["export" | "import", string, string][] = [
    ["import", "--dryrun", "Unknown option '--dryrun': did you mean --dry-run?"],
    ["export", "--instance", "Unknown option '--instance': did you mean --instance-id?"],
    ["import", "--on-conflicts", "Unknown option '--on-conflicts': did you mean --on-conflict?"],
    ["export", "--bogus", "Unknown option '--bogus'"],
  ];
  for (const [entry, flag, message] of cases) {
    assertRefused(await runCli(entry, [flag], dir), message, entry);
  }
});

Deno.test("nearestFlag(): prefixes, small typos, case; nothing for a far or ambiguous guess", () => {
  const known = ["instance-id", "dry-run", "region", "report", "plan", "plan-out", "tag", "type"];
  assert.equal(nearestFlag("instance", known), "instance-id");
  assert.equal(nearestFlag("Dry-Run", known), "dry-run");
  assert.equal(nearestFlag("regoin", known), "region");
  assert.equal(nearestFlag("plan-ot", known), "plan-out");
  assert.equal(nearestFlag("tags", known), "tag");
  assert.equal(nearestFlag("bogus", known), undefined);
  assert.equal(nearestFlag("xyz", known), undefined);
});

Deno.test("--version names the tool and the command", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cli_flags_" });
  for (const entry of ["export", "import"] as const) {
    const r = await runCli(entry, ["--version"], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `connect-quick-connects ${entry} ${VERSION}\n`);
  }
});

Deno.test("import --help says which flags need --dry-run and which do not go with --plan or --undo", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cli_flags_" });
  const r = await runCli("import", ["--help"], dir);
  assert.equal(r.code, 0, r.stderr);
  // Each flag's row, up to the next flag's: the notes come from the same table as the rules.
  const row = (flag: string) => {
    const text = r.stdout.split(/\n(?= {2}-)/).find((l) => l.startsWith(`  ${flag} `)) ?? "";
    return text.replace(/\s+/g, " ");
  };
  for (const flag of ["--plan-out", "--write-mapping", "--detailed-exitcode"]) {
    assert.match(row(flag), /\(only with --dry-run[;)]/, flag);
  }
  for (const flag of ["--on-conflict", "--mapping", "--prune", "--include", "--tag"]) {
    assert.match(row(flag), /not with --plan or --undo\)/, flag);
  }
  for (const flag of ["--report", "--verify", "--consistency-wait", "--dry-run"]) {
    assert.doesNotMatch(row(flag), /not with|only with/, flag);
  }
  assert.match(row("--max-deletes"), /\(default: 10\)/);
});

Deno.test("a malformed --instance-id is exit 2 naming the value, before any call or file", async () => {
  await using emu = await startEmulator({ seed: "tests/fixtures/sample_seed.json" });
  const dir = await Deno.makeTempDir({ prefix: "cli_flags_" });
  const id = emu.state().Instances.find((i) => i.Alias === "source-demo")?.Id ?? "";
  const bad = [
    "not-a-uuid",
    "../../etc/passwd",
    `${id}/`,
    `${id}x`,
    `arn:aws:connect:us-east-1:123456789012:instance/${id}/queue/q-1`,
    `arn:aws:connect:us-east-1:123456789012:user/${id}`,
    `arn:aws:s3:::${id}`,
  ];
  for (const value of bad) {
    const r = await runCli("export", ["--instance-id", value, "--endpoint-url", emu.url], dir);
    assert.equal(r.code, 2, `${value}: ${r.stderr}`);
    assert.ok(
      r.stderr.startsWith(`error: Invalid value for --instance-id: "${value}" (expected`),
      r.stderr,
    );
  }
  assert.deepEqual(emu.calls(), {});
  assert.deepEqual([...Deno.readDirSync(dir)], [], "no export file, no log file");
  // The bare ID and the instance ARN still work.
  const arn = `arn:aws:connect:us-east-1:${emu.state().Instances[0]?.AccountId}:instance/${id}`;
  for (const value of [id, arn]) {
    const r = await runCli(
      "export",
      ["--instance-id", value, "--endpoint-url", emu.url, "--output", "-"],
      dir,
    );
    assert.equal(r.code, 0, `${value}: ${r.stderr}`);
    assert.equal(JSON.parse(r.stdout).InstanceId, id);
  }
});

Deno.test("parseFlags(): numbers are numbers, and requires, conflicts, sources and modes hold", () => {
  const specs = {
    a: { type: "boolean", help: "a" },
    b: { type: "boolean", help: "b", conflicts: ["a"] },
    n: { type: "number", help: "n", integer: true, min: 1, default: 3 },
    w: { type: "number", help: "w", min: 0 },
    needy: { type: "string", help: "x", requires: ["a"] },
    file: { type: "string", help: "f", source: {} },
    saved: { type: "string", help: "s", source: { why: "it is saved" } },
    shape: { type: "string", choices: ["p", "q"], default: "p", help: "x", modes: ["file"] },
  } as const satisfies FlagSpecs;
  const run = (argv: string[]) => {
    const p = parseFlags(specs, argv);
    if (p.kind !== "run") throw new Error(p.kind);
    return p.flags;
  };
  const flags = run(["--file", "f", "--w", "0.5"]);
  assert.equal(flags.n, 3);
  assert.equal(flags.w, 0.5);
  assert.equal(flags.shape, "p");
  assert.equal(run(["--file", "f", "--n", "12"]).n, 12);
  const refused = (argv: string[], message: string) =>
    assert.throws(
      () => parseFlags(specs, argv),
      (e) => e instanceof UsageError && e.message === message,
    );
  refused(["--file", "f", "--n", "0"], 'Invalid value for --n: "0" (expected a whole number)');
  refused(["--file", "f", "--a", "--b"], "--b does not go with --a");
  refused(["--file", "f", "--needy", "x"], "--needy goes with --a");
  refused(["--saved", "s", "--shape", "p"], "--shape does not go with --saved: it is saved");
  refused([], "Missing required option --file (or --saved)");
  refused(
    ["--file", "f", "--saved", "s"],
    "Give one of --file and --saved: each says what to do on its own",
  );
  assert.equal(run(["--saved", "s"]).shape, "p", "a default is not a flag given");
  assert.throws(
    () => parseFlags({ x: { type: "boolean", help: "x", requires: ["nope"] } }, []),
    /Flag table: --x names unknown --nope/,
  );
});
