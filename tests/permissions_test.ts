import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import config from "../deno.json" with { type: "json" };
import {
  denoRunArgs,
  type Entrypoint,
  NET_HOSTS,
  PERMISSIONS,
  RUNTIME_FLAGS,
} from "../scripts/permissions.ts";
import { BINARY_NAMES, planBuilds, TARGETS } from "../scripts/compile.ts";
import { tagMatches } from "../scripts/version_check.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const ENTRIES: Entrypoint[] = ["export", "import"];

/** Splits a command line the way deno task does for the simple quoting we use. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let cur = "";
  let inWord = false;
  let quote: string | null = null;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(cur);
      cur = "";
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  assert.equal(quote, null, `unbalanced quote in: ${line}`);
  if (inWord) words.push(cur);
  return words;
}

const isPermissionFlag = (w: string) => /^--(allow|deny)-|^-A$|^-P|^--permission-set/.test(w);

async function runTask(task: string, extra: string[]) {
  const [deno, ...args] = shellWords(task);
  assert.equal(deno, "deno");
  const out = await new Deno.Command(Deno.execPath(), {
    args: [...args, ...extra],
    cwd: ROOT,
    stdin: "null",
    env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

function compileLines(stdout: string): string[][] {
  return stdout.split("\n").filter((l) => l.startsWith("deno compile ")).map(shellWords);
}

Deno.test("deno.json export and import tasks use exactly the permissions of scripts/permissions.ts", () => {
  for (const entry of ENTRIES) {
    const task = config.tasks[entry];
    // The marker tells the tool that relative paths are the caller's (lib/cli/paths.ts).
    const [marker, ...words] = shellWords(task);
    assert.equal(marker, "CONNECT_QC_TASK=1", task);
    assert.deepEqual(words.slice(0, 2), ["deno", "run"], task);
    assert.equal(words.at(-1), `${entry}.ts`, task);
    assert.deepEqual(words.filter(isPermissionFlag), [...PERMISSIONS[entry]], `task "${entry}"`);
    for (const flag of RUNTIME_FLAGS) {
      assert.ok(words.includes(flag), `task "${entry}" has ${flag}`);
    }
  }
});

Deno.test("permission sets grant no blanket access", () => {
  for (const entry of ENTRIES) {
    const flags = PERMISSIONS[entry];
    assert.ok(!flags.includes("-A") && !flags.includes("--allow-all"));
    assert.ok(!flags.some((f) => f.startsWith("--allow-run") || f.startsWith("--allow-ffi")));
    assert.ok(flags.includes(`--allow-net=${NET_HOSTS.join(",")}`), "net is a host list");
  }
});

Deno.test("compile --dry-run builds both binaries for every target with the baked permissions", async () => {
  const { code, stdout, stderr } = await runTask(config.tasks.compile, ["--dry-run"]);
  assert.equal(code, 0, stderr);
  const lines = compileLines(stdout);
  assert.equal(lines.length, TARGETS.length * ENTRIES.length);
  assert.match(stdout, /SHA256SUMS/);
  const seen = new Set<string>();
  for (const words of lines) {
    const target = words[words.indexOf("--target") + 1] ?? "";
    const output = words[words.indexOf("--output") + 1] ?? "";
    const file = words.at(-1) ?? "";
    const entry = file.replace(/\.ts$/, "") as Entrypoint;
    assert.ok(ENTRIES.includes(entry), file);
    assert.ok((TARGETS as readonly string[]).includes(target), target);
    assert.deepEqual(words.filter(isPermissionFlag), [...PERMISSIONS[entry]], words.join(" "));
    assert.ok(words.includes("--frozen"), "lock file is enforced");
    for (const flag of RUNTIME_FLAGS) assert.ok(words.includes(flag), `baked ${flag}`);
    const exe = target.includes("windows") ? ".exe" : "";
    assert.equal(output, `dist/${BINARY_NAMES[entry]}-${config.version}-${target}${exe}`);
    seen.add(`${entry}/${target}`);
  }
  assert.equal(seen.size, TARGETS.length * ENTRIES.length);
});

Deno.test("compile --target builds only that target and rejects unknown ones", async () => {
  const one = await runTask(config.tasks.compile, [
    "--dry-run",
    "--target",
    "aarch64-apple-darwin",
  ]);
  assert.equal(one.code, 0, one.stderr);
  const lines = compileLines(one.stdout);
  assert.equal(lines.length, 2);
  for (const words of lines) assert.ok(words.includes("aarch64-apple-darwin"));

  const bad = await runTask(config.tasks.compile, ["--dry-run", "--target", "riscv64-linux"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Cannot build target "riscv64-linux"/);
});

Deno.test("planBuilds() names the output after deno.json's version", () => {
  const builds = planBuilds(["x86_64-pc-windows-msvc"]);
  assert.deepEqual(builds.map((b) => b.output), [
    `dist/connect-qc-export-${config.version}-x86_64-pc-windows-msvc.exe`,
    `dist/connect-qc-import-${config.version}-x86_64-pc-windows-msvc.exe`,
  ]);
});

Deno.test("the baked net allow-list admits AWS, instance metadata and loopback, and nothing else", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const probe = `${dir}/probe.ts`;
    await Deno.writeTextFile(
      probe,
      `const hosts = JSON.parse(Deno.args[0]);
const out: Record<string, string> = {};
for (const host of hosts) out[host] = (await Deno.permissions.query({ name: "net", host })).state;
console.log(JSON.stringify(out));`,
    );
    const allowed = [
      "connect.us-east-1.amazonaws.com:443",
      "connect-fips.us-gov-west-1.amazonaws.com",
      "sts.eu-central-1.amazonaws.com",
      "portal.sso.eu-west-1.amazonaws.com",
      "oidc.ap-southeast-2.amazonaws.com",
      "vpce-0123abcd-xyz.connect.us-west-2.vpce.amazonaws.com",
      "connect.us-east-1.api.aws",
      "169.254.169.254:80",
      "[fd00:ec2::254]:80",
      "169.254.170.2:80",
      "127.0.0.1:4566",
      "localhost:8080",
    ];
    const denied = ["example.com", "amazonaws.com.evil.example", "evilamazonaws.com", "10.0.0.1"];
    for (const entry of ENTRIES) {
      const args = denoRunArgs(entry).slice(0, -1); // drop the entrypoint
      const out = await new Deno.Command(Deno.execPath(), {
        args: [...args, probe, JSON.stringify([...allowed, ...denied])],
        stdin: "null",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, stderr);
      const states = JSON.parse(new TextDecoder().decode(out.stdout));
      for (const h of allowed) assert.equal(states[h], "granted", `${entry}: ${h}`);
      for (const h of denied) assert.notEqual(states[h], "granted", `${entry}: ${h}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("version_check accepts only v + deno.json's version", () => {
  assert.ok(tagMatches(`v${config.version}`));
  assert.ok(tagMatches(`refs/tags/v${config.version}`));
  assert.ok(!tagMatches(config.version));
  assert.ok(!tagMatches(`v${config.version}.1`));
});
