/**
 * The one place that says which Deno permissions each entrypoint gets. The `export` and
 * `import` tasks in deno.json, `scripts/compile.ts` (baked into the binaries) and the CLI
 * tests all use these lists; `tests/permissions_test.ts` checks that they agree.
 *
 * Imports nothing, so any script or test can use it.
 */

/**
 * Hosts the binaries may connect to. Deno checks a host name when it is resolved, not the
 * address it resolves to, and `*.` admits any depth of subdomain (checked with Deno 2.9.6).
 * - `*.amazonaws.com`: Connect, STS, SSO portal and OIDC, FIPS and VPC endpoint names
 *   (`vpce-….connect.REGION.vpce.amazonaws.com`);
 * - `*.api.aws`: the dual-stack endpoints (`AWS_USE_DUALSTACK_ENDPOINT=true`);
 * - `169.254.169.254` and `[fd00:ec2::254]`: EC2 instance metadata (instance roles);
 * - `169.254.170.2`, `169.254.170.23` and `[fd00:ec2::23]`: ECS task roles and EKS Pod
 *   Identity, which the default credential chain also tries;
 * - loopback: `--endpoint-url` rehearsals on the emulator.
 * Any other `--endpoint-url` host fails with `getaddrinfo EPERM <host>`; run from source
 * with a wider `--allow-net` for that.
 */
export const NET_HOSTS: readonly string[] = [
  "*.amazonaws.com",
  "*.api.aws",
  "169.254.169.254",
  "[fd00:ec2::254]",
  "169.254.170.2",
  "169.254.170.23",
  "[fd00:ec2::23]",
  "127.0.0.1",
  "localhost",
  "[::1]",
];

/**
 * The AWS SDK reads many `AWS_*` variables (env), `~/.aws/config`, `credentials` and the
 * SSO cache (read; without it the SDK reports "Region is missing"), refreshes SSO tokens in
 * `~/.aws/sso/cache` (write), and asks the OS for its user agent (sys: a plain
 * `--allow-sys` was needed for real HTTPS). Export writes its output file and log; import
 * reads the export and mapping files and writes its log and report: paths the user picks,
 * so read and write are not scoped.
 */
const COMMON: readonly string[] = [
  "--allow-env",
  "--allow-read",
  "--allow-write",
  "--allow-sys",
  `--allow-net=${NET_HOSTS.join(",")}`,
];

/**
 * Runtime flags baked in with the permissions: a 2 MB young generation (V8's default grows
 * to 16 MB and more), V8's optimize-for-size mode, and no JIT (--jitless: JavaScript is
 * interpreted, nothing is compiled to machine code, and WebAssembly is off, which neither
 * the SDK nor Deno's node compatibility needs here: every CLI test runs with these flags).
 * Measured at 10,000 quick connects (scripts/bench.ts, peak RSS): import 218 → 143 MB with
 * the first two, → 116 MB with --jitless; export → 89 MB. The cost is CPU time (a 10,000
 * item import without quotas: 8 → 11 s), which a run bound by Connect's API quotas (the
 * same import takes over 80 minutes at the default 2 creates per second) never notices.
 * --expose-gc lets the import collect once before it writes its report: without it the
 * write's pieces pile on the run's uncollected garbage (import 121–132 → 111–115 MiB).
 */
export const RUNTIME_FLAGS: readonly string[] = [
  "--v8-flags=--max-semi-space-size=2,--optimize-for-size,--jitless,--expose-gc",
];

export type Entrypoint = "export" | "import";

/** Permission flags per entrypoint, in the order they appear in deno.json tasks. */
export const PERMISSIONS: Readonly<Record<Entrypoint, readonly string[]>> = {
  export: COMMON,
  import: COMMON,
};

/** Entrypoint file per binary, relative to the project root. */
export const ENTRYPOINT_FILES: Readonly<Record<Entrypoint, string>> = {
  export: "export.ts",
  import: "import.ts",
};

/**
 * Arguments for `deno` that run an entrypoint from source exactly as the binaries would,
 * e.g. `new Deno.Command(Deno.execPath(), { args: denoRunArgs("export", ["--help"]) })`.
 * `root` is prepended to the entrypoint file (default: relative to the working directory).
 */
export function denoRunArgs(
  entry: Entrypoint,
  args: readonly string[] = [],
  root = "",
): string[] {
  const file = root
    ? `${root.replace(/\/$/, "")}/${ENTRYPOINT_FILES[entry]}`
    : ENTRYPOINT_FILES[entry];
  return ["run", "--no-prompt", ...RUNTIME_FLAGS, ...PERMISSIONS[entry], file, ...args];
}
