// deno-lint-ignore-file no-console
/**
 * `deno task smoke-binaries`: proves built binaries do the job, not only print their
 * version. Runs the demo's flow twice, each time on a fresh in-process emulator seeded from
 * tests/fixtures/sample_seed.json (so every seeded ID is the same in both runs):
 *
 *   - the binary run: the binaries, from a temporary working folder outside the repo, with a
 *     clean environment (no INIT_CWD, HOME an empty folder) and relative file paths;
 *   - the reference run: `deno task --config <repo>/deno.json export|import`, i.e. the
 *     source under the same permissions. Its file paths are absolute, because `deno task`
 *     runs in the repo root and the CLIs do not resolve relative paths against INIT_CWD yet.
 *
 * Steps: --help, --version and a bad flag for both tools; export; export with a named
 * profile from a temporary AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE and no key
 * variables; import --dry-run; import --report; import --verify; the target instance's state
 * afterwards. Each step compares exit codes, stdout, stderr, the new log lines, the files it
 * writes and the API calls it made, after normalising what legitimately differs between two
 * runs (log timestamps, ISO timestamps, the working folder, the emulator's port, generated
 * IDs). Exit 0 if every step passes, 1 if any fails (named, with what differed), 2 on usage.
 *
 *   deno task smoke-binaries DIR [--target T]     binaries named as scripts/compile.ts names them
 *   deno task smoke-binaries --export-bin P --import-bin P
 *   deno task smoke-binaries --stand-in           shell wrappers that run the entrypoints with
 *                                                 the baked flags (see standInScript)
 */
import { parseArgs } from "node:util";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  BINARY_NAMES,
  DIST,
  outputPath,
  shellQuote,
  type Target,
  TARGETS,
  VERSION,
} from "./compile.ts";
import { type Entrypoint, ENTRYPOINT_FILES, PERMISSIONS, RUNTIME_FLAGS } from "./permissions.ts";
import { versionLine } from "../lib/version.ts";
// server.ts rather than testing.ts: testing.ts also loads the AWS SDK, which the smoke
// itself never calls.
import { type Counts, type Emulator, startEmulator } from "../emulator/server.ts";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const CONFIG = join(ROOT, "deno.json");
export const SEED_PATH: string = join(ROOT, "tests", "fixtures", "sample_seed.json");
const SOURCE_ALIAS = "source-demo";
const TARGET_ALIAS = "target-demo";

/**
 * The CLIs' default log files (the Python scripts' names). The binary run relies on them
 * landing in its working folder; the reference run names them with --log-file, or `deno
 * task` would put them in the repo root.
 */
const DEFAULT_LOG: Readonly<Record<Entrypoint, string>> = {
  export: "connect_quick_connect_export.log",
  import: "connect_quick_connect_import.log",
};

export const BAD_FLAG = "--no-such-flag";
const PROFILE = "smoke";

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

// ---------------------------------------------------------------------------------------
// Stand-in binaries

/**
 * A POSIX shell script that runs an entrypoint exactly as its compiled binary would: the
 * runtime flags and permissions of scripts/permissions.ts plus --no-prompt, as
 * scripts/compile.ts passes them to deno compile. DENO_DIR is fixed in the script
 * because the smoke gives the binaries an empty HOME, and a compiled binary needs no module
 * cache while `deno run` would otherwise fetch every npm package again.
 */
export function standInScript(
  entry: Entrypoint,
  denoDir: string,
  flags: readonly string[] = [...RUNTIME_FLAGS, ...PERMISSIONS[entry]],
): string {
  const cmd = [
    Deno.execPath(),
    "run",
    "--no-prompt",
    ...flags,
    join(ROOT, ENTRYPOINT_FILES[entry]),
  ].map(shellQuote).join(" ");
  return [
    "#!/bin/sh",
    `# Stand-in for ${BINARY_NAMES[entry]}, written by scripts/smoke_binaries.ts: runs`,
    `# ${ENTRYPOINT_FILES[entry]} with the flags deno compile would bake into the binary.`,
    `DENO_DIR=${shellQuote(denoDir)}`,
    "export DENO_DIR",
    `exec ${cmd} "$@"`,
    "",
  ].join("\n");
}

/** Writes an executable stand-in script at `path`. */
export async function writeStandIn(
  path: string,
  entry: Entrypoint,
  denoDir: string,
  flags?: readonly string[],
): Promise<void> {
  await Deno.writeTextFile(path, standInScript(entry, denoDir, flags), { mode: 0o755 });
}

/** Deno's module cache folder, as `deno info` reports it (its default differs per OS). */
export async function denoDir(): Promise<string> {
  const fromEnv = Deno.env.get("DENO_DIR");
  if (fromEnv) return fromEnv;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json"],
    env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
    stdout: "piped",
    stderr: "null",
  }).output();
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as { denoDir?: string };
  if (!info.denoDir) throw new Error("deno info --json did not report denoDir");
  return info.denoDir;
}

/** The file name scripts/compile.ts gives a binary. */
export function binaryName(entry: Entrypoint, target: Target, version = VERSION): string {
  return outputPath(entry, target, version).slice(DIST.length + 1);
}

// ---------------------------------------------------------------------------------------
// Normalisation and comparison

const LOG_PREFIX = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} - /gm;
const ISO_TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g;
const EMULATOR_URL = /http:\/\/127\.0\.0\.1:\d+/g;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * Rewrites what differs between two correct runs: the log's timestamp prefix, ISO-8601
 * timestamps (ExportTimestamp, StartedAt, FinishedAt), the program name in help and usage
 * errors, the run's working folder (the
 * reference names files absolutely, the binary relatively), the emulator's port, and IDs
 * the emulator generated (numbered in order of first appearance, so the n-th quick connect
 * created is `<new-id-n>` in both runs). IDs from the seed stay as they are: they are the
 * same in both runs, and a wrong one is a real difference.
 */
const PROGRAM =
  /deno task (?:export|import)|deno run \[permissions\] (?:export|import)\.ts|^(?:export|import)\.ts(?= \d)|connect-qc-(?:export|import)[\w.-]*/g;

export class Normaliser {
  readonly #dirs: string[];
  readonly #seedIds: ReadonlySet<string>;
  readonly #newIds = new Map<string, string>();

  constructor(dirs: readonly string[], seedIds: ReadonlySet<string>) {
    // Longest first, so a folder is not half-replaced by a shorter one it contains.
    this.#dirs = [...new Set(dirs)].sort((a, b) => b.length - a.length);
    this.#seedIds = seedIds;
  }

  text(s: string): string {
    // Help and usage errors name the command as typed: `deno task export`, a binary's name.
    let out = s.replace(LOG_PREFIX, "").replace(PROGRAM, "<program>");
    for (const d of this.#dirs) {
      for (const sep of ["/", "\\"]) out = out.replaceAll(d + sep, "");
      out = out.replaceAll(d, ".");
    }
    out = out.replace(EMULATOR_URL, "http://127.0.0.1:<port>").replace(ISO_TIME, "<time>");
    return out.replace(UUID, (id) => {
      const key = id.toLowerCase();
      if (this.#seedIds.has(key)) return id;
      let name = this.#newIds.get(key);
      if (!name) {
        name = `<new-id-${this.#newIds.size + 1}>`;
        this.#newIds.set(key, name);
      }
      return name;
    });
  }

  /** Normalises every string (keys included) of a parsed JSON document. */
  json(v: Json): Json {
    if (typeof v === "string") return this.text(v);
    if (Array.isArray(v)) return v.map((x) => this.json(x));
    if (v !== null && typeof v === "object") {
      const out: { [key: string]: Json } = {};
      for (const [k, x] of Object.entries(v)) out[this.text(k)] = this.json(x);
      return out;
    }
    return v;
  }
}

/** Every ID in the seed, lower-cased (the emulator keeps them as given). */
export function seedIds(seedText: string): Set<string> {
  return new Set([...seedText.matchAll(UUID)].map((m) => m[0].toLowerCase()));
}

const clip = (s: string, n = 160) => (s.length > n ? `${s.slice(0, n)}…` : s);
const show = (v: Json | undefined) => v === undefined ? "(absent)" : clip(JSON.stringify(v));

/** Up to `limit` differences between two JSON documents, as `path: reference → binary`. */
export function jsonDiff(ref: Json | undefined, bin: Json | undefined, limit = 5): string[] {
  const out: string[] = [];
  const walk = (a: Json | undefined, b: Json | undefined, path: string) => {
    if (out.length >= limit) return;
    const bothArrays = Array.isArray(a) && Array.isArray(b);
    const bothObjects = !bothArrays && isObject(a) && isObject(b);
    if (bothArrays) {
      for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], `${path}[${i}]`);
    } else if (bothObjects) {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
        walk(a[k], b[k], path ? `${path}.${k}` : k);
      }
    } else if (JSON.stringify(a) !== JSON.stringify(b)) {
      out.push(`${path || "(document)"}: reference ${show(a)}, binary ${show(b)}`);
    }
  };
  walk(ref, bin, "");
  return out;
}

function isObject(v: Json | undefined): v is { [key: string]: Json } {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** The first differing line of two texts, or undefined if they are equal. */
export function textDiff(ref: string, bin: string): string | undefined {
  if (ref === bin) return undefined;
  const a = ref.split("\n");
  const b = bin.split("\n");
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      const line = (l: string | undefined) =>
        l === undefined ? "(no line)" : JSON.stringify(clip(l));
      return `line ${i + 1}: reference ${line(a[i])}, binary ${line(b[i])}` +
        (a.length !== b.length ? ` (reference ${a.length} lines, binary ${b.length})` : "");
    }
  }
  return "differs";
}

// ---------------------------------------------------------------------------------------
// The flow

/** How one run names things: the binary run relatively, the reference run absolutely. */
interface RunView {
  path(name: string): string;
  url: string;
  sourceId: string;
  targetId: string;
}

interface StepDef {
  name: string;
  entry: Entrypoint;
  args(v: RunView): string[];
  expectCode: number;
  /** Runs against the emulator: adds --endpoint-url, and --log-file for the reference. */
  emulator?: boolean;
  /** Credentials from the named profile's files instead of key variables. */
  profile?: boolean;
  /** JSON files the step writes, relative to the working folder. */
  files?: string[];
  /** What a correct run shows beyond its exit code; a message if it does not. */
  check?(r: StepRun, expected: Expected): string | undefined;
}

interface Expected {
  sourceQuickConnects: number;
}

export interface StepRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Lines this step appended to its tool's log file. */
  log: string;
  files: Record<string, Json | undefined>;
  calls: Counts;
}

const report = (r: StepRun, name: string) => r.files[name] as { [key: string]: Json } | undefined;
const num = (v: Json | undefined) => typeof v === "number" ? v : NaN;

function exportCheck(file: string) {
  return (r: StepRun, e: Expected) => {
    const doc = r.files[file];
    if (!isObject(doc)) return `${file} was not written`;
    const qcs = doc.QuickConnects;
    const n = Array.isArray(qcs) ? qcs.length : -1;
    return n === e.sourceQuickConnects && doc.FailedExports === 0
      ? undefined
      : `${file} has ${n} quick connects and FailedExports ${
        show(doc.FailedExports)
      }, expected ${e.sourceQuickConnects} and 0`;
  };
}

function summaryCheck(
  file: string,
  ok: (s: { [key: string]: Json }, r: { [key: string]: Json }) => boolean,
  want: string,
) {
  return (r: StepRun) => {
    const rep = report(r, file);
    const summary = rep?.Summary;
    if (!rep || !isObject(summary)) return `${file} was not written`;
    return ok(summary, rep) ? undefined : `${file}: expected ${want}, got Summary ${show(summary)}`;
  };
}

const exportArgs = (v: RunView, output: string, ...extra: string[]) => [
  "--instance-id",
  v.sourceId,
  "--output",
  v.path(output),
  ...extra,
];

const importArgs = (v: RunView, reportFile: string, ...extra: string[]) => [
  "--instance-id",
  v.targetId,
  "--region",
  "us-east-1",
  "--export-file",
  v.path("export.json"),
  "--report",
  v.path(reportFile),
  ...extra,
];

export const STEPS: readonly StepDef[] = [
  ...(["export", "import"] as const).flatMap((entry): StepDef[] => [
    {
      name: `${entry} --help`,
      entry,
      args: () => ["--help"],
      expectCode: 0,
      check: (r) => r.stdout.startsWith("Usage: ") ? undefined : "stdout is not the usage text",
    },
    {
      name: `${entry} --version`,
      entry,
      args: () => ["--version"],
      expectCode: 0,
      check: (r) =>
        r.stdout.trim() === versionLine(entry)
          ? undefined
          : `stdout is not "${versionLine(entry)}"`,
    },
    {
      name: `${entry} bad flag`,
      entry,
      args: () => [BAD_FLAG],
      expectCode: 2,
      check: (r) => r.stderr.includes(BAD_FLAG) ? undefined : `stderr does not name ${BAD_FLAG}`,
    },
  ]),
  {
    name: "export",
    entry: "export",
    emulator: true,
    args: (v) => exportArgs(v, "export.json", "--region", "us-east-1"),
    expectCode: 0,
    files: ["export.json"],
    check: exportCheck("export.json"),
  },
  {
    name: "export --profile",
    entry: "export",
    emulator: true,
    profile: true,
    // No --region: it comes from the profile's config file.
    args: (v) => exportArgs(v, "export-profile.json", "--profile", PROFILE),
    expectCode: 0,
    files: ["export-profile.json"],
    check: exportCheck("export-profile.json"),
  },
  {
    name: "import --dry-run",
    entry: "import",
    emulator: true,
    args: (v) => importArgs(v, "dry-run-report.json", "--dry-run"),
    expectCode: 0,
    files: ["dry-run-report.json"],
    check: summaryCheck(
      "dry-run-report.json",
      (s, r) => r.DryRun === true && num(s.Created) > 0 && s.Failed === 0,
      "DryRun, Created > 0, Failed 0",
    ),
  },
  {
    name: "import --report",
    entry: "import",
    emulator: true,
    args: (v) => importArgs(v, "import-report.json"),
    expectCode: 0,
    files: ["import-report.json"],
    check: summaryCheck(
      "import-report.json",
      (s) => num(s.Created) > 0 && s.Failed === 0,
      "Created > 0, Failed 0",
    ),
  },
  {
    name: "import --verify",
    entry: "import",
    emulator: true,
    args: (v) => importArgs(v, "verify-report.json", "--verify"),
    expectCode: 0,
    files: ["verify-report.json"],
    check: summaryCheck(
      "verify-report.json",
      (s, r) =>
        s.Created === 0 && s.Failed === 0 && isObject(r.Verify) &&
        Array.isArray(r.Verify.Differences) && r.Verify.Differences.length === 0,
      "Created 0, Failed 0, no Verify.Differences",
    ),
  },
];

/** How to start each tool in one run. */
export interface Runner {
  command(entry: Entrypoint, args: string[]): { cmd: string; args: string[] };
  /** Files on the command line: relative for binaries, absolute for the reference. */
  absolutePaths: boolean;
  /** Extra variables (the reference's DENO_DIR). */
  env: Record<string, string>;
}

export function binaryRunner(bins: Readonly<Record<Entrypoint, string>>): Runner {
  return {
    command: (entry, args) => ({ cmd: bins[entry], args }),
    absolutePaths: false,
    env: {},
  };
}

export function referenceRunner(cacheDir: string): Runner {
  return {
    command: (entry, args) => ({
      cmd: Deno.execPath(),
      args: ["task", "--quiet", "--config", CONFIG, entry, ...args],
    }),
    absolutePaths: true,
    env: { DENO_DIR: cacheDir },
  };
}

export interface FlowResult {
  steps: StepRun[];
  /** The target instance after the flow, as the emulator dumps it. */
  target: Json | undefined;
  /** The working folder, as created and as the OS resolves it. */
  dirs: string[];
}

/** The clean environment every tool runs in: nothing of the caller's but PATH and temp. */
function baseEnv(dir: string, runner: Runner): Record<string, string> {
  const env: Record<string, string> = {
    HOME: join(dir, "home"),
    USERPROFILE: join(dir, "home"),
    NO_COLOR: "1",
    DENO_NO_UPDATE_CHECK: "1",
    AWS_EC2_METADATA_DISABLED: "true",
    ...runner.env,
  };
  // Windows needs SystemRoot for sockets (and reads variables case-insensitively, so PATH
  // covers Path); the temp variables keep temp files where the caller wants them.
  for (const k of ["PATH", "SystemRoot", "TMPDIR", "TEMP", "TMP"]) {
    const v = Deno.env.get(k);
    if (v !== undefined) env[k] = v;
  }
  return env;
}

async function readJson(path: string): Promise<Json | undefined> {
  let text;
  try {
    text = await Deno.readTextFile(path);
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as Json;
  } catch {
    return `(not JSON) ${clip(text)}`;
  }
}

async function fileLength(path: string): Promise<number> {
  try {
    return (await Deno.stat(path)).size;
  } catch {
    return 0;
  }
}

async function readFrom(path: string, offset: number): Promise<string> {
  try {
    return new TextDecoder().decode((await Deno.readFile(path)).subarray(offset));
  } catch {
    return "";
  }
}

/** Runs every step with one runner, in `dir`, against a fresh emulator. */
export async function runFlow(runner: Runner, dir: string): Promise<FlowResult> {
  await Deno.mkdir(join(dir, "home"), { recursive: true });
  await Deno.mkdir(join(dir, "aws"), { recursive: true });
  const awsConfig = join(dir, "aws", "config");
  const awsCredentials = join(dir, "aws", "credentials");
  await Deno.writeTextFile(awsConfig, `[profile ${PROFILE}]\nregion = us-east-1\n`);
  await Deno.writeTextFile(
    awsCredentials,
    `[${PROFILE}]\naws_access_key_id = AKIDSMOKEPROFILE\naws_secret_access_key = smoke-profile-secret\n`,
  );

  await using emu: Emulator = await startEmulator({ seed: SEED_PATH, quotas: false });
  const state = emu.state();
  const sourceId = state.Instances.find((i) => i.Alias === SOURCE_ALIAS)?.Id;
  const targetId = state.Instances.find((i) => i.Alias === TARGET_ALIAS)?.Id;
  if (!sourceId || !targetId) throw new Error(`${SEED_PATH} lacks ${SOURCE_ALIAS}/${TARGET_ALIAS}`);
  const view: RunView = {
    path: (name) => runner.absolutePaths ? join(dir, name) : name,
    url: emu.url,
    sourceId,
    targetId,
  };

  const steps: StepRun[] = [];
  for (const step of STEPS) {
    const env = baseEnv(dir, runner);
    if (step.profile) {
      env.AWS_CONFIG_FILE = awsConfig;
      env.AWS_SHARED_CREDENTIALS_FILE = awsCredentials;
    } else {
      env.AWS_ACCESS_KEY_ID = "AKIDSMOKE";
      env.AWS_SECRET_ACCESS_KEY = "smoke-secret";
    }
    const args = step.args(view);
    if (step.emulator) {
      args.push("--endpoint-url", emu.url);
      if (runner.absolutePaths) args.push("--log-file", join(dir, DEFAULT_LOG[step.entry]));
    }
    const logPath = join(dir, DEFAULT_LOG[step.entry]);
    const logStart = await fileLength(logPath);
    emu.resetCalls();
    const { cmd, args: cmdArgs } = runner.command(step.entry, args);
    let code: number;
    let stdout = "";
    let stderr = "";
    try {
      const out = await new Deno.Command(cmd, {
        args: cmdArgs,
        cwd: dir,
        env,
        clearEnv: true,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      code = out.code;
      stdout = new TextDecoder().decode(out.stdout);
      stderr = new TextDecoder().decode(out.stderr);
    } catch (e) {
      code = -1;
      stderr = `cannot start ${cmd}: ${e instanceof Error ? e.message : String(e)}`;
    }
    const files: Record<string, Json | undefined> = {};
    for (const f of step.files ?? []) files[f] = await readJson(join(dir, f));
    steps.push({
      code,
      stdout,
      stderr,
      log: await readFrom(logPath, logStart),
      files,
      calls: emu.calls(),
    });
  }
  const target = emu.state().Instances.find((i) => i.Alias === TARGET_ALIAS) as Json | undefined;
  return { steps, target, dirs: [dir, await Deno.realPath(dir)] };
}

// ---------------------------------------------------------------------------------------
// Verdicts

export interface Verdict {
  name: string;
  referenceCode: number | undefined;
  binaryCode: number | undefined;
  problems: string[];
}

/** `deno task` would print `Task export …` without --quiet; kept out in case it ever does. */
const DENO_NOISE = /^(Task \S+ .*|Download https?:\/\/\S+)$/;

function cleanStream(s: string): string {
  return s.split("\n").filter((l) => !DENO_NOISE.test(l)).join("\n");
}

/**
 * The lines of a log in an order that does not depend on timing: the import sends links
 * while it creates, so two correct runs may interleave those lines differently. Sorted by
 * text with timestamps and IDs masked, so that IDs are then numbered alike in both runs.
 */
export function ordered(s: string): string {
  const key = (l: string) => l.replace(LOG_PREFIX, "").replace(UUID, "<id>");
  return s.split("\n").map((l) => [key(l), l] as const)
    .sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)
    .map(([, l]) => l).join("\n");
}

/** Compares the two runs step by step. */
export function compareFlows(
  ref: FlowResult,
  bin: FlowResult,
  seed: ReadonlySet<string>,
  expected: Expected,
): Verdict[] {
  const nRef = new Normaliser(ref.dirs, seed);
  const nBin = new Normaliser(bin.dirs, seed);
  const verdicts: Verdict[] = STEPS.map((step, i): Verdict => {
    const r = ref.steps[i];
    const b = bin.steps[i];
    const problems: string[] = [];
    if (!r || !b) {
      return {
        name: step.name,
        referenceCode: r?.code,
        binaryCode: b?.code,
        problems: ["step did not run"],
      };
    }
    // The reference is checked too: if the source itself misbehaves, agreeing with it
    // proves nothing.
    for (const [who, run] of [["reference", r], ["binary", b]] as const) {
      if (run.code !== step.expectCode) {
        problems.push(`${who} exited ${run.code}, expected ${step.expectCode}${tail(run)}`);
      } else {
        const msg = step.check?.(run, expected);
        if (msg) problems.push(`${who}: ${msg}`);
      }
    }
    // Normalised in a fixed order (stdout, stderr, log, files) so that generated IDs are
    // numbered alike in both runs.
    for (
      const [what, a, z] of [
        ["stdout", r.stdout, b.stdout],
        ["stderr", ordered(cleanStream(r.stderr)), ordered(cleanStream(b.stderr))],
        ["log", ordered(r.log), ordered(b.log)],
      ] as const
    ) {
      const d = textDiff(nRef.text(a), nBin.text(z));
      if (d) problems.push(`${what} differs, ${d}`);
    }
    for (const f of step.files ?? []) {
      for (const d of jsonDiff(nullable(r.files[f], nRef), nullable(b.files[f], nBin))) {
        problems.push(`${f} differs at ${d}`);
      }
    }
    if (jsonDiff(r.calls, b.calls).length > 0) {
      problems.push(
        `API calls differ: reference ${fmtCalls(r.calls)}; binary ${fmtCalls(b.calls)}`,
      );
    }
    return { name: step.name, referenceCode: r.code, binaryCode: b.code, problems };
  });
  const stateDiffs = jsonDiff(nullable(ref.target, nRef), nullable(bin.target, nBin));
  verdicts.push({
    name: "target state",
    referenceCode: undefined,
    binaryCode: undefined,
    problems: stateDiffs.map((d) => `target instance differs at ${d}`),
  });
  return verdicts;
}

function nullable(v: Json | undefined, n: Normaliser): Json | undefined {
  return v === undefined ? undefined : n.json(v);
}

/** The last lines of a failed run's stderr, to say why without opening files. */
function tail(run: StepRun): string {
  const lines = run.stderr.trim().split("\n").filter((l) => l && !DENO_NOISE.test(l));
  return lines.length ? ` (stderr: ${JSON.stringify(clip(lines.slice(-2).join(" | "), 300))})` : "";
}

const fmtCalls = (calls: Counts) =>
  Object.entries(calls).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k} ${v}`)
    .join(", ") || "none";

export function formatTable(verdicts: readonly Verdict[]): string {
  const code = (c: number | undefined) => c === undefined ? "-" : `exit ${c}`;
  const w = Math.max(...verdicts.map((v) => v.name.length), 4);
  const rows = [`${"step".padEnd(w)}  reference  binary   result`];
  for (const v of verdicts) {
    rows.push(
      `${v.name.padEnd(w)}  ${code(v.referenceCode).padEnd(9)}  ${code(v.binaryCode).padEnd(7)}  ${
        v.problems.length ? "FAIL" : "PASS"
      }`,
    );
  }
  return rows.join("\n");
}

// ---------------------------------------------------------------------------------------
// CLI

const USAGE = `Usage: deno task smoke-binaries DIR [--target TARGET] [--keep]
       deno task smoke-binaries --export-bin PATH --import-bin PATH [--keep]
       deno task smoke-binaries --stand-in [--keep]

Runs the demo's flow (export, export with a named profile, import --dry-run, import
--report, import --verify, plus --help, --version and a bad flag) with the built binaries
and with \`deno task export|import\` on fresh emulators from the sample seed, and fails
(exit 1) on any difference. Relative paths are taken from the folder you ran deno task in.

  DIR                 folder holding ${BINARY_NAMES.export}-${VERSION}-TARGET[.exe]
                      and ${BINARY_NAMES.import}-${VERSION}-TARGET[.exe] (as deno task compile names them)
  --target TARGET     which binaries of DIR (default: this machine's, ${Deno.build.target}):
                      ${TARGETS.join(", ")}
  --export-bin PATH   the export binary (with --import-bin, instead of DIR)
  --import-bin PATH   the import binary
  --stand-in          smoke shell wrappers that run export.ts / import.ts with the flags
                      deno compile bakes in (where no binary can be built; not on Windows)
  --keep              keep the working folders and print where they are
  --help              show this help`;

class UsageError extends Error {}

/** Problems printed per failed step: the first ones say what broke, the rest cascade. */
const MAX_PROBLEMS = 6;

/** A relative path as the user meant it: from where they ran `deno task` (INIT_CWD). */
function fromCaller(path: string): string {
  return isAbsolute(path) ? path : resolve(Deno.env.get("INIT_CWD") ?? Deno.cwd(), path);
}

async function checkBinary(path: string): Promise<void> {
  let info;
  try {
    info = await Deno.stat(path);
  } catch {
    throw new UsageError(`Binary not found: ${path}`);
  }
  if (!info.isFile) throw new UsageError(`Not a file: ${path}`);
  if (Deno.build.os !== "windows" && info.mode !== null && (info.mode & 0o111) === 0) {
    throw new UsageError(`Not executable: ${path} (run chmod +x on it)`);
  }
}

async function binariesFromArgs(
  values: Record<string, string | boolean | undefined>,
  positionals: string[],
  work: string,
): Promise<Record<Entrypoint, string>> {
  const exportBin = values["export-bin"];
  const importBin = values["import-bin"];
  const standIn = values["stand-in"] === true;
  const modes = [
    positionals.length > 0,
    exportBin !== undefined || importBin !== undefined,
    standIn,
  ];
  if (modes.filter(Boolean).length !== 1 || positionals.length > 1) {
    throw new UsageError("Give one of: DIR, --export-bin with --import-bin, or --stand-in");
  }
  if (values.target !== undefined && positionals.length === 0) {
    throw new UsageError("--target picks binaries in DIR; it goes with DIR only");
  }
  if (standIn) {
    if (Deno.build.os === "windows") throw new UsageError("--stand-in needs a POSIX shell");
    const target = hostTarget();
    if (!target) throw new UsageError(`No release target for this machine (${Deno.build.target})`);
    const dir = join(work, "stand-ins");
    await Deno.mkdir(dir);
    const cache = await denoDir();
    // Named as deno task compile names the binaries and looked up like DIR, so the
    // stand-ins go through the same path as real binaries.
    for (const entry of ["export", "import"] as const) {
      await writeStandIn(join(dir, binaryName(entry, target)), entry, cache);
    }
    return binariesIn(dir, target);
  }
  if (typeof exportBin === "string" || typeof importBin === "string") {
    if (typeof exportBin !== "string" || typeof importBin !== "string") {
      throw new UsageError("--export-bin and --import-bin go together");
    }
    return { export: fromCaller(exportBin), import: fromCaller(importBin) };
  }
  const target = values.target ?? hostTarget();
  if (typeof target !== "string" || !(TARGETS as readonly string[]).includes(target)) {
    throw new UsageError(
      `Unknown target "${target ?? Deno.build.target}": expected one of ${TARGETS.join(", ")}`,
    );
  }
  return binariesIn(fromCaller(positionals[0] ?? ""), target as Target);
}

function binariesIn(dir: string, target: Target): Record<Entrypoint, string> {
  return {
    export: join(dir, binaryName("export", target)),
    import: join(dir, binaryName("import", target)),
  };
}

function hostTarget(): Target | undefined {
  return (TARGETS as readonly string[]).includes(Deno.build.target)
    ? Deno.build.target as Target
    : undefined;
}

export async function main(argv: string[]): Promise<number> {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: {
        target: { type: "string" },
        "export-bin": { type: "string" },
        "import-bin": { type: "string" },
        "stand-in": { type: "boolean" },
        keep: { type: "boolean" },
        help: { type: "boolean" },
      },
      allowPositionals: true,
    }));
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const work = await Deno.makeTempDir({ prefix: "smoke_binaries_" });
  try {
    let bins;
    try {
      bins = await binariesFromArgs(values, positionals, work);
      for (const b of Object.values(bins)) await checkBinary(b);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      console.error(`error: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    const seedText = await Deno.readTextFile(SEED_PATH);
    const seedFixture = JSON.parse(seedText) as {
      Instances: { Alias: string; QuickConnects: unknown[] }[];
    };
    const source = seedFixture.Instances.find((i) => i.Alias === SOURCE_ALIAS);
    const expected: Expected = { sourceQuickConnects: source?.QuickConnects.length ?? -1 };

    console.log(`Binaries:  ${bins.export}\n           ${bins.import}`);
    console.log(`Reference: deno task export|import in ${ROOT}`);
    console.log(`Emulator:  in-process, seeded from ${SEED_PATH} (a fresh one per run)\n`);
    const refDir = join(work, "reference");
    const binDir = join(work, "binary");
    await Deno.mkdir(refDir);
    await Deno.mkdir(binDir);
    // The two runs use separate emulators and folders, so they can overlap.
    const [ref, bin] = await Promise.all([
      runFlow(referenceRunner(await denoDir()), refDir),
      runFlow(binaryRunner(bins), binDir),
    ]);
    const verdicts = compareFlows(ref, bin, seedIds(seedText), expected);
    console.log(formatTable(verdicts));
    const failed = verdicts.filter((v) => v.problems.length > 0);
    for (const v of failed) {
      console.log(`\nFAIL ${v.name}:`);
      for (const p of v.problems.slice(0, MAX_PROBLEMS)) console.log(`  - ${p}`);
      if (v.problems.length > MAX_PROBLEMS) {
        console.log(
          `  - … and ${v.problems.length - MAX_PROBLEMS} more (--keep to inspect the files)`,
        );
      }
    }
    if (values.keep) console.log(`\nWorking folders kept in ${work}`);
    if (failed.length > 0) {
      console.log(`\nSmoke FAILED: ${failed.map((v) => v.name).join(", ")}`);
      if (!values.keep) console.log("Run again with --keep to inspect both runs' files.");
      return 1;
    }
    console.log(`\nSmoke OK: all ${verdicts.length} steps match the reference run.`);
    return 0;
  } finally {
    if (!values.keep) await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
