/**
 * Builds both binaries for every release target with `deno compile`, the permissions of
 * scripts/permissions.ts baked in, into `dist/<name>-<version>-<target>[.exe]`, then writes
 * `dist/SHA256SUMS` for every binary of this version found in dist/.
 *
 *   deno task compile                       all targets
 *   deno task compile --target T            one target
 *   deno task compile --dry-run             print the commands only
 *
 * `deno compile` downloads the `denort` runtime from dl.deno.land, so this runs where that
 * host can be reached (the release workflow), not on our dev machines.
 */
// deno-lint-ignore-file no-console
import { parseArgs } from "node:util";
import config from "../deno.json" with { type: "json" };
import { type Entrypoint, ENTRYPOINT_FILES, PERMISSIONS, RUNTIME_FLAGS } from "./permissions.ts";

export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
] as const;
export type Target = typeof TARGETS[number];

export const BINARY_NAMES: Readonly<Record<Entrypoint, string>> = {
  export: "connect-qc-export",
  import: "connect-qc-import",
};

export const VERSION: string = config.version;
export const DIST = "dist";

export interface Build {
  entry: Entrypoint;
  target: Target;
  output: string;
  /** Arguments for `deno`. */
  args: string[];
}

export function outputPath(entry: Entrypoint, target: Target, version = VERSION): string {
  const exe = target.includes("windows") ? ".exe" : "";
  return `${DIST}/${BINARY_NAMES[entry]}-${version}-${target}${exe}`;
}

/** Every build for the given targets, export before import. */
export function planBuilds(targets: readonly Target[] = TARGETS): Build[] {
  const builds: Build[] = [];
  for (const target of targets) {
    for (const entry of ["export", "import"] as const) {
      const output = outputPath(entry, target);
      builds.push({
        entry,
        target,
        output,
        args: [
          "compile",
          "--frozen",
          "--no-prompt",
          ...RUNTIME_FLAGS,
          ...PERMISSIONS[entry],
          "--target",
          target,
          "--output",
          output,
          ENTRYPOINT_FILES[entry],
        ],
      });
    }
  }
  return builds;
}

/** Quotes an argument for a POSIX shell only when it needs it. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_\/.,:=@+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

async function sha256Hex(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Writes dist/SHA256SUMS (`sha256sum -c` format) for this version's binaries in dist/. */
async function writeChecksums(): Promise<string[]> {
  const prefixes = Object.values(BINARY_NAMES).map((n) => `${n}-${VERSION}-`);
  const names: string[] = [];
  for await (const e of Deno.readDir(DIST)) {
    if (e.isFile && prefixes.some((p) => e.name.startsWith(p))) names.push(e.name);
  }
  names.sort();
  const lines: string[] = [];
  for (const name of names) lines.push(`${await sha256Hex(`${DIST}/${name}`)}  ${name}`);
  await Deno.writeTextFile(`${DIST}/SHA256SUMS`, lines.map((l) => `${l}\n`).join(""));
  return lines;
}

const USAGE = `Usage: deno task compile [--target TARGET] [--dry-run]

Builds ${Object.values(BINARY_NAMES).join(" and ")} ${VERSION} into ${DIST}/ with deno compile.

  --target TARGET  build one target: ${TARGETS.join(", ")}
  --dry-run        print the deno compile commands and do nothing
  --help           show this help`;

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        target: { type: "string" },
        "dry-run": { type: "boolean" },
        help: { type: "boolean" },
      },
    }));
  } catch (e) {
    console.error(`error: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  let targets: readonly Target[] = TARGETS;
  if (values.target !== undefined) {
    if (!(TARGETS as readonly string[]).includes(values.target)) {
      console.error(
        `error: Cannot build target "${values.target}": expected one of ${TARGETS.join(", ")}`,
      );
      return 2;
    }
    targets = [values.target as Target];
  }

  const builds = planBuilds(targets);
  if (values["dry-run"]) {
    for (const b of builds) console.log(["deno", ...b.args].map(shellQuote).join(" "));
    console.log(`# then write ${DIST}/SHA256SUMS`);
    return 0;
  }

  await Deno.mkdir(DIST, { recursive: true });
  for (const b of builds) {
    console.error(`compiling ${b.output}`);
    const { code } = await new Deno.Command("deno", { args: b.args, stdin: "null" }).spawn()
      .status;
    if (code !== 0) {
      console.error(`error: Cannot compile "${b.output}": deno compile exited with ${code}`);
      return 1;
    }
  }
  for (const line of await writeChecksums()) console.log(line);
  console.error(`wrote ${DIST}/SHA256SUMS`);
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
