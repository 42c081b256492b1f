/**
 * Region and IDs through the real CLI: an instance ARN names its Region (used when no
 * Region was given by flag or variable, refused when one that differs was), API calls send
 * the bare instance ID, a signature for the wrong Region is reported as a Region problem,
 * and a failing STS or SSO credential step is named as such, not as Connect's endpoint.
 */
import assert from "node:assert/strict";
import { type Emulator, type FixtureInput, startEmulator } from "../emulator/testing.ts";
import { runCli } from "./support/cli.ts";
import { guidance, isAccessDenied, isFatalForRun, markCredentialStep } from "../lib/errors.ts";

const ID = "0e000000-0000-4000-8000-00000000e002";
const ACCOUNT = "123456789012";
const ARN = `arn:aws:connect:eu-west-2:${ACCOUNT}:instance/${ID}`;
const NO_KEYS = { AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "" };

const SEED: FixtureInput = {
  Instances: [{
    Id: ID,
    Alias: "london",
    Region: "eu-west-2",
    AccountId: ACCOUNT,
    Queues: [{ Id: "q-1", Name: "Support" }],
    QuickConnects: [{
      QuickConnectId: "qc-1",
      Name: "Reception",
      QuickConnectConfig: {
        QuickConnectType: "PHONE_NUMBER",
        PhoneConfig: { PhoneNumber: "+442071234567" },
      },
    }],
    QueueQuickConnects: { "q-1": ["qc-1"] },
  }],
};

async function home(config?: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "aws_region_" });
  await Deno.mkdir(`${dir}/.aws/sso/cache`, { recursive: true });
  if (config !== undefined) await Deno.writeTextFile(`${dir}/.aws/config`, config);
  return dir;
}

/** No call of the run named the instance by its ARN. */
function assertBareIds(emu: Emulator): void {
  const log = emu.callLog();
  assert.ok(log.length > 0);
  assert.deepEqual(log.filter((e) => e.resource === ARN), []);
  const instanceCalls = log.filter((e) => e.resource === ID);
  assert.ok(instanceCalls.length > 0, JSON.stringify(log));
  assert.ok(log.every((e) => e.status === 200), JSON.stringify(log));
}

Deno.test("an instance ARN supplies the Region when none is given; calls send the bare ID", async () => {
  await using emu = await startEmulator({ seed: SEED });
  const dir = await home();
  const exp = await runCli(
    "export",
    ["--instance-id", ARN, "--endpoint-url", emu.url, "--output", "e.json"],
    dir,
  );
  assert.equal(exp.code, 0, exp.stderr);
  assert.match(
    exp.stderr,
    / - INFO - Using Region eu-west-2 from the --instance-id ARN \(instead of the default us-east-1\)\n/,
  );
  assert.match(exp.stderr, /in region: eu-west-2/);
  const file = JSON.parse(await Deno.readTextFile(`${dir}/e.json`));
  assert.equal(file.InstanceId, ID);
  assert.equal(file.QuickConnects.length, 1);
  assertBareIds(emu);

  // The emulator serves an instance only to requests signed for its Region: these were.
  emu.resetCalls();
  await Deno.writeTextFile(
    `${dir}/e.json`,
    JSON.stringify({
      ...file,
      QuickConnects: [{
        ...file.QuickConnects[0],
        QuickConnect: { ...file.QuickConnects[0].QuickConnect, Name: "Reception 2" },
      }],
    }),
  );
  const imp = await runCli(
    "import",
    ["--instance-id", ARN, "--endpoint-url", emu.url, "--export-file", "e.json"],
    dir,
  );
  assert.equal(imp.code, 0, imp.stderr);
  assert.match(imp.stderr, /Created quick connect: Reception 2/);
  assert.ok((emu.calls().CreateQuickConnect ?? 0) === 1);
  assert.ok((emu.calls().AssociateQueueQuickConnects ?? 0) === 1);
  assertBareIds(emu);
});

Deno.test("an instance ARN overrides the profile's Region, and says so", async () => {
  await using emu = await startEmulator({ seed: SEED });
  const dir = await home("[profile prod]\nregion = us-east-1\n");
  await Deno.writeTextFile(
    `${dir}/.aws/credentials`,
    "[prod]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s\n",
  );
  const r = await runCli(
    "export",
    ["--instance-id", ARN, "--endpoint-url", emu.url, "--profile", "prod", "--output", "e.json"],
    dir,
    NO_KEYS,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /Using Region eu-west-2 from the --instance-id ARN \(instead of us-east-1 from profile prod\)/,
  );
  assertBareIds(emu);
});

Deno.test("an instance ARN in another Region than --region, AWS_REGION or AWS_DEFAULT_REGION is exit 2 naming both", async () => {
  await using emu = await startEmulator({ seed: SEED });
  const dir = await home();
  const base = ["--instance-id", ARN, "--endpoint-url", emu.url, "--output", "e.json"];
  const cases: [string[], Record<string, string>, RegExp][] = [
    [
      ["--region", "us-east-1"],
      {},
      /^error: The --instance-id ARN is in eu-west-2, but --region is us-east-1: an Amazon Connect instance lives in one Region; pass --region eu-west-2, or leave --region out to use the ARN's$/m,
    ],
    [
      [],
      { AWS_REGION: "us-west-2" },
      /^error: The --instance-id ARN is in eu-west-2, but AWS_REGION is us-west-2: .*; set AWS_REGION=eu-west-2, or unset it to use the ARN's$/m,
    ],
    [
      [],
      { AWS_DEFAULT_REGION: "ap-southeast-2" },
      /^error: The --instance-id ARN is in eu-west-2, but AWS_DEFAULT_REGION is ap-southeast-2: /m,
    ],
  ];
  for (const [flags, env, message] of cases) {
    const r = await runCli("export", [...base, ...flags], dir, env);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
  }
  // The same Region given explicitly is fine.
  const same = await runCli("export", [...base, "--region", "eu-west-2"], dir);
  assert.equal(same.code, 0, same.stderr);
  assert.doesNotMatch(same.stderr, /Using Region/);
  assert.equal(emu.callLog().filter((e) => e.status !== 200).length, 0);
});

Deno.test("a bare ID signed for the wrong Region: the emulator does not find it, the message says check --region", async () => {
  await using emu = await startEmulator({ seed: SEED });
  const dir = await home();
  const r = await runCli("export", ["--instance-id", ID, "--endpoint-url", emu.url], dir);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, new RegExp(`instance ${ID} was not found in us-east-1`));
  assert.match(r.stderr, /What to do: .*--region/);
});

/** A stand-in endpoint that answers every request with one AWS error. */
function answering(status: number, type: string, message: string) {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    await req.body?.cancel();
    return new Response(JSON.stringify({ message }), {
      status,
      headers: { "Content-Type": "application/json", "X-Amzn-ErrorType": type },
    });
  });
}

Deno.test("a signature scoped to the wrong Region is reported as the Region, not the keys", async () => {
  const dir = await home();
  // What a regional endpoint of the live service answers a request signed for another Region.
  const live = answering(
    403,
    "InvalidSignatureException",
    "Credential should be scoped to a valid region. ",
  );
  try {
    const url = `http://127.0.0.1:${live.addr.port}`;
    const r = await runCli(
      "export",
      ["--instance-id", ID, "--endpoint-url", url, "--region", "us-east-1"],
      dir,
    );
    assert.equal(r.code, 3, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `ERROR - .*The request was signed for us-east-1, but the endpoint ${url} is in another Region`,
      ),
    );
    assert.match(
      r.stderr,
      /What to do: the keys are fine: pass the endpoint's Region with --region/,
    );
    assert.doesNotMatch(r.stderr, /rejected the credentials|access key/);
  } finally {
    await live.shutdown();
  }
  const other = answering(
    403,
    "InvalidSignatureException",
    "The request signature we calculated does not match the signature you provided.",
  );
  try {
    const url = `http://127.0.0.1:${other.addr.port}`;
    const r = await runCli(
      "export",
      ["--instance-id", ID, "--endpoint-url", url, "--region", "eu-west-1"],
      dir,
    );
    assert.equal(r.code, 3, r.stderr);
    assert.match(
      r.stderr,
      /AWS rejected the request signature for eu-west-1 .*the Region is probably wrong/,
    );
    assert.match(r.stderr, /What to do: check that eu-west-1 is the instance's Region/);
  } finally {
    await other.shutdown();
  }
});

Deno.test("after a wrong-Region signature, the hint never suggests the Region that just failed", async () => {
  const dir = await home();
  const live = answering(
    403,
    "InvalidSignatureException",
    "Credential should be scoped to a valid region. ",
  );
  try {
    const url = `http://127.0.0.1:${live.addr.port}`;
    const r = await runCli(
      "export",
      ["--instance-id", ID, "--endpoint-url", url, "--region", "eu-west-2"],
      dir,
    );
    assert.equal(r.code, 3, r.stderr);
    const hint = r.stderr.split("\n").find((l) => l.includes("What to do:")) ?? "";
    assert.match(
      hint,
      /pass the endpoint's Region with --region or AWS_REGION \(eu-west-2 is not it\)/,
    );
    assert.doesNotMatch(hint, /--region eu-west-2\b/);
  } finally {
    await live.shutdown();
  }
  const err = Object.assign(new Error("Credential should be scoped to a valid region. "), {
    name: "InvalidSignatureException",
  });
  const hint = (region: string, endpoint?: string) =>
    guidance(err, { action: "connect:ListUsers", instanceId: ID, region, endpoint }).hint;
  // The endpoint's name gives the Region that was signed for: the name is not to be trusted.
  const same = hint("eu-west-2", "https://connect.eu-west-2.amazonaws.com");
  assert.doesNotMatch(same, /pass --region/);
  assert.match(same, /check --endpoint-url/);
  assert.equal(
    hint("us-east-1", "https://vpce-0abc-1de.connect.eu-west-2.vpce.amazonaws.com"),
    "the keys are fine: pass --region eu-west-2 (the endpoint's Region)",
  );
  assert.match(
    hint("eu-west-1"),
    /instance's Region with --region or AWS_REGION \(eu-west-1 is not it\)/,
  );
});

const ROLE = "arn:aws:iam::444455556666:role/ConnectQuickConnectImport";
const PROFILES = [
  "[profile base]",
  "region = eu-west-2",
  "[profile target]",
  "source_profile = base",
  `role_arn = ${ROLE}`,
  "region = eu-west-2",
  "[profile admin]",
  "sso_session = corp",
  "sso_account_id = 111122223333",
  "sso_role_name = ConnectAdmin",
  "region = eu-west-2",
  "[sso-session corp]",
  "sso_start_url = https://corp.awsapps.com/start",
  "sso_region = eu-west-1",
  "",
].join("\n");

async function profiles(): Promise<string> {
  const dir = await home(PROFILES);
  await Deno.writeTextFile(
    `${dir}/.aws/credentials`,
    "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = s\n",
  );
  // A valid SSO session token in the cache: the SSO step then calls GetRoleCredentials.
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode("corp"));
  const key = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  await Deno.writeTextFile(
    `${dir}/.aws/sso/cache/${key}.json`,
    JSON.stringify({
      startUrl: "https://corp.awsapps.com/start",
      region: "eu-west-1",
      accessToken: "valid",
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    }),
  );
  return dir;
}

/** A loopback port nothing listens on. */
function closedPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

Deno.test("an unreachable STS or SSO names that credential step, not Connect's endpoint (exit 3)", async () => {
  await using emu = await startEmulator({ seed: SEED });
  const dir = await profiles();
  const down = `http://127.0.0.1:${closedPort()}`;
  const args = (profile: string) => [
    "--instance-id",
    ID,
    "--endpoint-url",
    emu.url,
    "--profile",
    profile,
  ];
  const sts = await runCli("export", args("target"), dir, {
    ...NO_KEYS,
    AWS_ENDPOINT_URL_STS: down,
  });
  assert.equal(sts.code, 3, sts.stderr);
  assert.match(
    sts.stderr,
    new RegExp(
      `Cannot get AWS credentials: STS AssumeRole for profile "target" \\(role ${ROLE}\\) could not be reached \\(.*ECONNREFUSED`,
    ),
  );
  assert.match(sts.stderr, /What to do: check network access and proxy settings to AWS STS/);
  const sso = await runCli("export", args("admin"), dir, {
    ...NO_KEYS,
    AWS_ENDPOINT_URL_SSO: down,
  });
  assert.equal(sso.code, 3, sso.stderr);
  assert.match(
    sso.stderr,
    /Cannot get AWS credentials: the SSO token provider for profile "admin" \(IAM Identity Center, sso_session corp\) could not be reached \(.*ECONNREFUSED/,
  );
  assert.match(
    sso.stderr,
    /What to do: check network access and proxy settings to the IAM Identity Center portal/,
  );
  for (const r of [sts, sso]) {
    assert.doesNotMatch(r.stderr, /Cannot reach the Amazon Connect endpoint|check --endpoint-url/);
  }
  assert.deepEqual(emu.calls(), {}, "no Connect call without credentials");
});

Deno.test("STS refusing AssumeRole is the role's trust, not a Connect permission (exit 3)", async () => {
  await using emu = await startEmulator({ seed: SEED });
  const dir = await profiles();
  const sts = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    await req.body?.cancel();
    return new Response(
      `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::111122223333:user/base is not authorized to perform: sts:AssumeRole on resource: ${ROLE}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
      { status: 403, headers: { "Content-Type": "text/xml" } },
    );
  });
  try {
    const r = await runCli(
      "export",
      ["--instance-id", ID, "--endpoint-url", emu.url, "--profile", "target"],
      dir,
      { ...NO_KEYS, AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${sts.addr.port}` },
    );
    assert.equal(r.code, 3, r.stderr);
    assert.match(
      r.stderr,
      /Cannot get AWS credentials: STS AssumeRole for profile "target" .* failed \(AccessDenied: User: .* is not authorized to perform: sts:AssumeRole/,
    );
    assert.match(r.stderr, /What to do: check role_arn and source_profile/);
    assert.doesNotMatch(r.stderr, /SearchQuickConnects is not available/, "no fallback");
    assert.doesNotMatch(r.stderr, /Access denied for connect:/);
    assert.deepEqual(emu.calls(), {});
  } finally {
    await sts.shutdown();
  }
});

Deno.test("guidance(): a Region-scoped signature error names the endpoint's Region when it can", () => {
  const err = Object.assign(new Error("Credential should be scoped to a valid region. "), {
    name: "InvalidSignatureException",
  });
  const at = (endpoint?: string) =>
    guidance(err, { action: "connect:ListUsers", instanceId: ID, region: "us-east-1", endpoint });
  assert.equal(
    at("https://connect.eu-west-2.amazonaws.com").hint,
    "the keys are fine: pass --region eu-west-2 (the endpoint's Region)",
  );
  assert.match(at().hint, /give --instance-id as the instance ARN/);
  assert.ok(isFatalForRun(err));
  const refused = Object.assign(new Error("not authorized to perform: sts:AssumeRole"), {
    name: "AccessDenied",
  });
  assert.ok(isAccessDenied(refused));
  markCredentialStep(refused, `STS AssumeRole for profile "t" (role ${ROLE})`);
  assert.ok(!isAccessDenied(refused), "not a Connect permission");
  assert.ok(isFatalForRun(refused));
});
