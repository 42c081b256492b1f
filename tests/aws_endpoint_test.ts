/**
 * Which endpoint the calls go to (lib/aws/endpoint.ts), through the real CLI with a temporary
 * AWS config file: a profile's `services` section and its own endpoint_url are honoured the
 * same whether the profile is named by --profile or AWS_PROFILE, in the AWS CLI's order,
 * and the run's first line says which endpoint is used and why.
 */
import assert from "node:assert/strict";
import { resolveEndpoint } from "../lib/aws/endpoint.ts";
import { UsageError } from "../lib/errors.ts";
import { type Emulator, startEmulator } from "../emulator/testing.ts";
import { runCli } from "./support/cli.ts";
import { withEnv } from "./support/env.ts";
import { linesExport, linesTarget } from "./support/lines.ts";

const TARGET = "00000000-0000-4000-8000-0000000000f2";
/** Nothing listens there: a call sent to it fails at once (connection refused). */
const DEAD = "http://127.0.0.1:9";

async function configDir(emu: Emulator): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "aws_endpoint_" });
  await Deno.writeTextFile(
    `${dir}/config`,
    `[default]
region = us-east-1

[profile rehearsal]
region = us-east-1
aws_access_key_id = AKIDREHEARSAL
aws_secret_access_key = secret
services = emu
endpoint_url = ${DEAD}

[profile global]
region = us-east-1
aws_access_key_id = AKIDGLOBAL
aws_secret_access_key = secret
endpoint_url = ${emu.url}

[profile dead]
region = us-east-1
aws_access_key_id = AKIDDEAD
aws_secret_access_key = secret
endpoint_url = ${DEAD}

[profile lost]
region = us-east-1
services = nowhere

[profile bad]
region = us-east-1
endpoint_url = not a url

[services emu]
connect =
  endpoint_url = ${emu.url}
sts =
  endpoint_url = ${DEAD}
`,
  );
  await Deno.writeTextFile(`${dir}/export.json`, JSON.stringify(linesExport(2)));
  return dir;
}

const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

async function exportWith(dir: string, args: string[], env: Record<string, string> = {}) {
  return await runCli(
    "export",
    ["--instance-id", TARGET, "--output", "-", ...args],
    dir,
    { AWS_CONFIG_FILE: `${dir}/config`, ...env },
  );
}

Deno.test("a profile's services section sends the calls to its connect endpoint_url: --profile and AWS_PROFILE alike", async () => {
  await using emu = await startEmulator({ seed: linesTarget(TARGET), quotas: false });
  const dir = await configDir(emu);
  const from = `from the services section "emu" of profile "rehearsal"`;
  for (
    const [how, args, env] of [
      ["--profile", ["--profile", "rehearsal"], {}],
      // Without --profile, keys in the environment come first (the dummy ones work).
      ["AWS_PROFILE", [], { AWS_PROFILE: "rehearsal" }],
    ] as const
  ) {
    emu.resetCalls();
    const r = await exportWith(dir, [...args], env);
    assert.equal(r.code, 0, `${how}: ${r.stderr}`);
    const first = r.stderr.split("\n")[0] ?? "";
    assert.match(
      first,
      new RegExp(` - INFO - Endpoint: ${escaped(emu.url)} \\(${escaped(from)}\\)$`),
    );
    assert.ok((emu.calls().SearchQuickConnects ?? 0) > 0, `${how}: the emulator was called`);
  }
  // The import too.
  const imp = await runCli(
    "import",
    ["--instance-id", TARGET, "--export-file", "export.json", "--profile", "rehearsal"],
    dir,
    { AWS_CONFIG_FILE: `${dir}/config` },
  );
  assert.equal(imp.code, 0, imp.stderr);
  assert.match(imp.stderr, new RegExp(`Endpoint: ${escaped(emu.url)} \\(${escaped(from)}\\)`));
  assert.equal(emu.state().Instances[0]?.QuickConnects.length, 2);
});

Deno.test("endpoint order: --endpoint-url › AWS_ENDPOINT_URL_CONNECT › AWS_ENDPOINT_URL › the profile's", async () => {
  await using emu = await startEmulator({ seed: linesTarget(TARGET), quotas: false });
  const dir = await configDir(emu);
  const cases: [string, string[], Record<string, string>, string][] = [
    [
      "the profile's endpoint_url",
      ["--profile", "global"],
      {},
      `from the endpoint_url of profile "global"`,
    ],
    [
      "AWS_ENDPOINT_URL over the profile",
      ["--profile", "dead"],
      { AWS_ENDPOINT_URL: emu.url },
      "from AWS_ENDPOINT_URL",
    ],
    [
      "AWS_ENDPOINT_URL_CONNECT over AWS_ENDPOINT_URL",
      ["--profile", "dead"],
      { AWS_ENDPOINT_URL: DEAD, AWS_ENDPOINT_URL_CONNECT: emu.url },
      "from AWS_ENDPOINT_URL_CONNECT",
    ],
    [
      "--endpoint-url over all, even with configured endpoints ignored",
      ["--profile", "dead", "--endpoint-url", emu.url],
      { AWS_ENDPOINT_URL_CONNECT: DEAD, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" },
      "from --endpoint-url",
    ],
  ];
  for (const [what, args, env, from] of cases) {
    const r = await exportWith(dir, args, env);
    assert.equal(r.code, 0, `${what}: ${r.stderr}`);
    assert.match(
      r.stderr,
      new RegExp(`Endpoint: ${escaped(emu.url)} \\(${escaped(from)}\\)`),
      what,
    );
  }
  // And the dead profile alone really goes to its dead endpoint.
  const dead = await exportWith(dir, ["--profile", "dead"]);
  assert.equal(dead.code, 3, dead.stderr);
  assert.match(dead.stderr, new RegExp(`Endpoint: ${escaped(DEAD)} \\(from the endpoint_url`));
});

Deno.test("a missing services section or a bad configured URL is refused before any call (exit 2)", async () => {
  await using emu = await startEmulator({ seed: linesTarget(TARGET), quotas: false });
  const dir = await configDir(emu);
  const lost = await exportWith(dir, [], { AWS_PROFILE: "lost" });
  assert.equal(lost.code, 2, lost.stderr);
  assert.match(lost.stderr, /profile "lost" names services section "nowhere", which is not in/);
  const bad = await exportWith(dir, ["--profile", "bad"]);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(
    bad.stderr,
    /Invalid endpoint URL "not a url" from the endpoint_url of profile "bad"/,
  );
  assert.deepEqual(emu.calls(), {});
});

Deno.test("resolveEndpoint: AWS_IGNORE_CONFIGURED_ENDPOINT_URLS and the profile's setting skip configured endpoints", async () => {
  await using emu = await startEmulator({ seed: linesTarget(TARGET), quotas: false });
  const dir = await configDir(emu);
  await Deno.writeTextFile(
    `${dir}/config`,
    `\n[profile ignoring]\nignore_configured_endpoint_urls = TRUE\nendpoint_url = ${emu.url}\n`,
    { append: true },
  );
  await withEnv({ AWS_CONFIG_FILE: `${dir}/config` }, async () => {
    const env = { AWS_ENDPOINT_URL: DEAD };
    const ignored = await resolveEndpoint(
      { profile: "global" },
      { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" },
    );
    assert.equal(ignored.url, undefined);
    assert.match(ignored.source, /ignored: AWS_IGNORE_CONFIGURED_ENDPOINT_URLS/);
    const byProfile = await resolveEndpoint({ profile: "ignoring" }, env);
    assert.equal(byProfile.url, undefined);
    assert.match(byProfile.source, /ignore_configured_endpoint_urls in profile "ignoring"/);
    // Set to false, the variable wins over the profile's true (it comes first, as in the
    // SDKs).
    const overruled = await resolveEndpoint({ profile: "ignoring" }, {
      AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "false",
    });
    assert.equal(overruled.url, emu.url);
    await assert.rejects(
      resolveEndpoint({ profile: "global" }, { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "yes" }),
      UsageError,
    );
  });
});
