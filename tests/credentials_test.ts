/**
 * Where credentials and the Region come from, as a user meets it: named profiles with a
 * region, an SSO session whose token has expired, a profile that does not exist, and an
 * EC2 instance role served by a stand-in instance metadata service on loopback.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../emulator/testing.ts";
import { instanceFixture } from "./support/generate.ts";
import { runCli } from "./support/cli.ts";

/** Well-formed, and in no seed. */
const NO_SUCH_ID = "00000000-0000-4000-8000-00000000f00d";
const NO_KEYS = { AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "" };

async function home(): Promise<string> {
  const dir = await Deno.makeTempDir();
  await Deno.mkdir(`${dir}/.aws/sso/cache`, { recursive: true });
  return dir;
}

Deno.test("a named profile supplies the keys and the Region (no AWS_* variables)", async () => {
  const inst = instanceFixture({ quickConnects: 3, region: "eu-west-2" });
  await using emu = await startEmulator({ seed: { Instances: [inst] } });
  const dir = await home();
  await Deno.writeTextFile(`${dir}/.aws/config`, "[profile prod]\nregion = eu-west-2\n");
  await Deno.writeTextFile(
    `${dir}/.aws/credentials`,
    "[prod]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s\n",
  );
  const args = ["--instance-id", inst.Id ?? "", "--endpoint-url", emu.url, "--output", "o.json"];
  const r = await runCli("export", [...args, "--profile", "prod"], dir, NO_KEYS);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /in region: eu-west-2/);
  // Without the profile there are no credentials at all.
  const none = await runCli("export", [...args, "--force"], dir, NO_KEYS);
  assert.equal(none.code, 3);
  assert.match(none.stderr, /No AWS credentials were found/);
});

Deno.test("a profile that does not exist is a usage error before any call", async () => {
  await using emu = await startEmulator({ seed: "tests/fixtures/sample_seed.json" });
  const dir = await home();
  const r = await runCli(
    "export",
    ["--instance-id", NO_SUCH_ID, "--endpoint-url", emu.url, "--profile", "typo"],
    dir,
  );
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Profile "typo" was not found in ~\/\.aws\/config/);
  assert.deepEqual(emu.calls(), {});
});

Deno.test("an expired SSO session says to run aws sso login (exit 3)", async () => {
  await using emu = await startEmulator({ seed: "tests/fixtures/sample_seed.json" });
  const dir = await home();
  await Deno.writeTextFile(
    `${dir}/.aws/config`,
    [
      "[profile admin]",
      "sso_session = corp",
      "sso_account_id = 111122223333",
      "sso_role_name = ConnectAdmin",
      "region = us-east-1",
      "[sso-session corp]",
      "sso_start_url = https://corp.awsapps.com/start",
      "sso_region = us-east-1",
      "",
    ].join("\n"),
  );
  // The SDK caches an SSO session's token under sha1(session name).
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode("corp"));
  const key = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  await Deno.writeTextFile(
    `${dir}/.aws/sso/cache/${key}.json`,
    JSON.stringify({
      startUrl: "https://corp.awsapps.com/start",
      region: "us-east-1",
      accessToken: "expired",
      expiresAt: "2020-01-01T00:00:00Z",
    }),
  );
  const r = await runCli(
    "export",
    ["--instance-id", NO_SUCH_ID, "--endpoint-url", emu.url, "--profile", "admin"],
    dir,
    NO_KEYS,
  );
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /SSO token has expired or cannot be refreshed/);
  assert.match(r.stderr, /What to do: run `aws sso login`/);
  assert.deepEqual(emu.calls(), {});
});

Deno.test("an EC2 instance role is used when nothing else is configured (IMDSv2)", async () => {
  const seen: string[] = [];
  const imds = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const path = new URL(req.url).pathname;
    seen.push(`${req.method} ${path}`);
    if (req.method === "PUT" && path === "/latest/api/token") return new Response("imds-token");
    if (req.headers.get("x-aws-ec2-metadata-token") !== "imds-token") {
      return new Response("", { status: 401 });
    }
    if (path === "/latest/meta-data/iam/security-credentials/") return new Response("qc-role");
    if (path === "/latest/meta-data/iam/security-credentials/qc-role") {
      return Response.json({
        Code: "Success",
        Type: "AWS-HMAC",
        AccessKeyId: "ASIAROLE",
        SecretAccessKey: "role-secret",
        Token: "role-session",
        Expiration: new Date(Date.now() + 3600_000).toISOString(),
      });
    }
    return new Response("", { status: 404 });
  });
  try {
    await using emu = await startEmulator({ seed: "tests/fixtures/sample_seed.json" });
    const src = emu.state().Instances.find((i) => i.Alias === "source-demo");
    const dir = await home();
    const r = await runCli(
      "export",
      ["--instance-id", src?.Id ?? "", "--endpoint-url", emu.url, "--region", "us-east-1"],
      dir,
      {
        ...NO_KEYS,
        AWS_EC2_METADATA_DISABLED: "",
        AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://127.0.0.1:${imds.addr.port}`,
      },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.ok(seen.includes("PUT /latest/api/token"), seen.join());
    assert.ok(seen.includes("GET /latest/meta-data/iam/security-credentials/qc-role"));
    assert.ok((emu.calls().SearchQuickConnects ?? 0) >= 1);
  } finally {
    await imds.shutdown();
  }
});
