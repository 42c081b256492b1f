// deno-lint-ignore-file no-console
/**
 * `deno task demo`: the whole migration on an emulated Amazon Connect, no AWS account
 * needed. Starts the emulator in this process with the sample source and target instances
 * (same users, queues and flows by name, different IDs, two quick connects already in the
 * target) and the API quotas on, then runs the real CLIs as a user would: export →
 * import --dry-run → import → import --verify. Every file lands in ./demo-output/.
 * Exits 0 only if each step did what it should.
 */
import { type Emulator, SAMPLE_SEED_PATH, startEmulator } from "../emulator/testing.ts";
import { MUTATING_OPERATIONS } from "../emulator/routes.ts";
import { denoRunArgs, type Entrypoint } from "./permissions.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const OUT = "demo-output";

interface Step {
  code: number;
  stderr: string;
  calls: Record<string, number>;
  ms: number;
}

/** The user's environment without their AWS settings, plus dummy keys for the emulator. */
function childEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(Deno.env.toObject())) {
    if (!k.startsWith("AWS_")) env[k] = v;
  }
  return {
    ...env,
    AWS_ACCESS_KEY_ID: "AKIDDEMO",
    AWS_SECRET_ACCESS_KEY: "demo-secret",
    AWS_EC2_METADATA_DISABLED: "true",
    NO_COLOR: "1",
    DENO_NO_UPDATE_CHECK: "1",
  };
}

async function run(emu: Emulator, entry: Entrypoint, args: string[]): Promise<Step> {
  emu.resetCalls();
  const started = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: denoRunArgs(entry, [...args, "--endpoint-url", emu.url, "--region", "us-east-1"], ROOT),
    env: childEnv(),
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stderr: new TextDecoder().decode(out.stderr),
    calls: emu.calls(),
    ms: Math.round(performance.now() - started),
  };
}

const total = (calls: Record<string, number>) => Object.values(calls).reduce((a, b) => a + b, 0);
const fmtCalls = (calls: Record<string, number>) =>
  Object.entries(calls).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k} ${v}`)
    .join(", ");
const mutating = (calls: Record<string, number>) =>
  MUTATING_OPERATIONS.reduce((n, op) => n + (calls[op] ?? 0), 0);

interface ExportedItems {
  QuickConnects: { QuickConnect: { Name: string }; RoutingProfiles?: unknown[] }[];
}

interface Report {
  Summary: Record<string, number>;
  Associations: { Added: number; AlreadyPresent: number; Failed: number };
  Verify?: { Checked: number; Differences: unknown[]; Visibility?: { Differences: unknown[] } };
}

async function readReport(path: string): Promise<Report> {
  return JSON.parse(await Deno.readTextFile(path)) as Report;
}

async function main(): Promise<number> {
  await Deno.mkdir(OUT, { recursive: true });
  for (const f of ["export.log", "import.log"]) await Deno.remove(`${OUT}/${f}`).catch(() => {});
  await using emu = await startEmulator({ seed: SAMPLE_SEED_PATH, quotas: true });
  const initial = emu.state();
  const source = initial.Instances.find((i) => i.Alias === "source-demo");
  const target = initial.Instances.find((i) => i.Alias === "target-demo");
  if (!source?.Id || !target?.Id) throw new Error("sample seed lacks source-demo/target-demo");

  console.log(`Amazon Connect emulator on ${emu.url} (API quotas on)`);
  console.log(
    `  source-demo ${source.Id}: ${source.QuickConnects.length} quick connects, ` +
      `${source.Users.length} users, ${source.Queues.length} queues, ${source.ContactFlows.length} flows`,
  );
  console.log(
    `  target-demo ${target.Id}: ${target.QuickConnects.length} quick connects already; ` +
      "same user, queue and flow names, different IDs\n",
  );

  const problems: string[] = [];
  const expect = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  const show = (n: string, label: string, s: Step, detail: string) =>
    console.log(
      `${n} ${label.padEnd(9)} exit ${s.code}  ${detail}\n` +
        `      ${total(s.calls)} API calls in ${s.ms} ms: ${fmtCalls(s.calls)}`,
    );

  // 1. Export the source.
  const exportFile = `${OUT}/export.json`;
  const exp = await run(emu, "export", [
    "--instance-id",
    source.Id,
    "--output",
    exportFile,
    "--force",
    "--log-file",
    `${OUT}/export.log`,
  ]);
  const items = exp.code === 0
    ? (JSON.parse(await Deno.readTextFile(exportFile)) as ExportedItems).QuickConnects
    : [];
  const exported = items.length;
  // The fixture leaves one quick connect on a queue of no routing profile: export warns.
  const unseen = items.filter((i) => i.RoutingProfiles?.length === 0).map((i) =>
    i.QuickConnect.Name
  );
  show(
    "1/4",
    "export",
    exp,
    `${exported} quick connects → ${exportFile}; seen by no routing profile: ${unseen.join(", ")}`,
  );
  expect(exp.code === 0 && exported === source.QuickConnects.length, "export");

  const importArgs = (report: string, ...extra: string[]) => [
    "--instance-id",
    target.Id!,
    "--export-file",
    exportFile,
    "--report",
    `${OUT}/${report}`,
    // The demo's own reports from an earlier run are meant to be replaced.
    "--force",
    "--log-file",
    `${OUT}/import.log`,
    ...extra,
  ];

  // 2. Dry run: the plan, and not one change.
  const before = JSON.stringify(emu.state());
  const dry = await run(
    emu,
    "import",
    importArgs("dry-run-report.json", "--dry-run", "--review", `${OUT}/review.md`),
  );
  const dr = dry.code === 0 ? await readReport(`${OUT}/dry-run-report.json`) : undefined;
  show(
    "2/4",
    "dry run",
    dry,
    dr
      ? `would create ${dr.Summary.Created}, skip ${dr.Summary.Skipped}, add ${dr.Associations.Added} queue links; ${
        mutating(dry.calls)
      } changes made`
      : "failed",
  );
  expect(
    dry.code === 0 && mutating(dry.calls) === 0 && JSON.stringify(emu.state()) === before,
    "dry run changed the target",
  );
  // target-demo lacks 'Support Agents' and gives 'Sales Agents' no Sales queue: the dry run
  // warns, by name, which quick connects those agents will not see.
  const losses = dry.stderr.split("\n").filter((l) =>
    / - WARNING - .+: seen in the source by /.test(l)
  )
    .map((l) => l.replace(/^.* - WARNING - /, ""));
  console.log(
    `      ${losses.length} quick connects lose a routing profile's agents (WARNING lines), e.g.\n` +
      `      ${losses[0] ?? "none"}`,
  );
  expect(losses.length > 0, "the dry run did not warn that agents lose quick connects");

  // 3. The import.
  const imp = await run(emu, "import", importArgs("import-report.json"));
  const ir = imp.code === 0 ? await readReport(`${OUT}/import-report.json`) : undefined;
  show(
    "3/4",
    "import",
    imp,
    ir
      ? `created ${ir.Summary.Created}, skipped ${ir.Summary.Skipped} (already there), failed ${ir.Summary.Failed}; queue links added ${ir.Associations.Added}, already there ${ir.Associations.AlreadyPresent}`
      : "failed",
  );
  expect(
    imp.code === 0 && ir?.Summary.Created === dr?.Summary.Created &&
      ir?.Summary.Failed === 0,
    "import did not do what the dry run announced",
  );

  // 4. Run it again with --verify: nothing to create, the target matches the file.
  const ver = await run(emu, "import", importArgs("verify-report.json", "--verify"));
  const vr = ver.code === 0 || ver.code === 1
    ? await readReport(`${OUT}/verify-report.json`)
    : undefined;
  show(
    "4/4",
    "verify",
    ver,
    vr
      ? `created ${vr.Summary.Created}; ${vr.Verify?.Checked ?? 0} quick connects checked, ${
        vr.Verify?.Differences.length ?? "?"
      } differences; ${
        vr.Verify?.Visibility?.Differences.length ?? "?"
      } seen by other routing profiles than in the source`
      : "failed",
  );
  expect(
    ver.code === 0 && vr?.Summary.Created === 0 && mutating(ver.calls) === 0,
    "re-run with --verify",
  );

  await Deno.writeTextFile(`${OUT}/target-state.json`, JSON.stringify(emu.state(), null, 2) + "\n");
  console.log(`\nFiles in ${OUT}/:`);
  for (
    const [f, what] of [
      [
        "export.json",
        "the export of source-demo (config, tags, names, queue links, who sees each)",
      ],
      ["dry-run-report.json", "what the import would do"],
      ["review.md", "the dry run as Markdown, for a change ticket (docs/review-example.md)"],
      ["import-report.json", "every quick connect's outcome and target ID"],
      ["verify-report.json", "the re-run with --verify"],
      ["export.log", "export log"],
      ["import.log", "the three import runs' log"],
      ["target-state.json", "the emulated target instance afterwards"],
    ]
  ) console.log(`  ${`${OUT}/${f}`.padEnd(32)} ${what}`);

  if (problems.length > 0) {
    console.error(`\nDemo FAILED: ${problems.join("; ")}`);
    for (const s of [exp, dry, imp, ver]) if (s.code !== 0) console.error(s.stderr);
    return 1;
  }
  console.log("\nDemo OK: every reference was remapped by name, and the re-run created nothing.");
  return 0;
}

if (import.meta.main) {
  Deno.exit(await main());
}
