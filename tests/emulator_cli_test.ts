/**
 * scripts/emulator.ts as a process, and the AWS CLI (v1, botocore) against it:
 * a second, independent client implementation of the wire format.
 */
import assert from "node:assert/strict";
import {
  CreateQuickConnectCommand,
  DescribeQuickConnectCommand,
  SearchQuickConnectsCommand,
} from "@aws-sdk/client-connect";
import { awsFailure, type Fixture, SAMPLE_SEED_PATH, testClient } from "../emulator/testing.ts";
import {
  type EmulatorProcess,
  emulatorProcess,
  emulatorScript,
} from "./support/emulator_process.ts";

function awsAvailable(): boolean {
  try {
    return new Deno.Command("aws", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

/** Spawns the emulator script and waits for its first stdout line. */
async function spawnEmulator(args: string[]): Promise<EmulatorProcess & { url: string }> {
  const emu = await emulatorProcess(emulatorScript(args));
  assert.ok(emu.url, `first stdout line was ${JSON.stringify(emu.first)}`);
  return { ...emu, url: emu.url };
}

Deno.test("emulator script: --help, bad seed exits 2, first line, SIGTERM exits 0", async () => {
  const run = (args: string[]) => emulatorScript(args, { NO_COLOR: "1" }).output();
  const help = await run(["--help"]);
  assert.equal(help.code, 0);
  assert.match(new TextDecoder().decode(help.stdout), /^Usage: deno task emulator --seed FILE/);
  const missing = await run([]);
  assert.equal(missing.code, 2);
  assert.match(new TextDecoder().decode(missing.stderr), /--seed FILE is required/);
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/bad.json`, JSON.stringify({ Instances: [{ Alias: "x" }] }));
    const bad = await run(["--seed", `${dir}/bad.json`]);
    assert.equal(bad.code, 2);
    const err = new TextDecoder().decode(bad.stderr);
    assert.match(err, /invalid seed/);
    assert.match(err, /Instances\[0\]\.Region/);
    const notJson = `${dir}/not.json`;
    await Deno.writeTextFile(notJson, "{");
    assert.equal((await run(["--seed", notJson])).code, 2);
    assert.equal((await run(["--seed", `${dir}/absent.json`])).code, 2);
    assert.equal((await run(["--seed", SAMPLE_SEED_PATH, "--port", "abc"])).code, 2);
    assert.equal((await run(["--seed", SAMPLE_SEED_PATH, "--bogus"])).code, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const emu = await spawnEmulator(["--seed", SAMPLE_SEED_PATH, "--no-quotas", "--latency-ms", "1"]);
  const calls = await fetch(`${emu.url}/__emulator/calls`);
  assert.deepEqual(await calls.json(), {});
  const status = await emu.stop();
  assert.equal(status.code, 0, "clean exit on SIGTERM");
});

Deno.test("emulator script: --quota, --consistency-lag-ms, --search-omits-tags; a bad --quota exits 2", async () => {
  const run = (args: string[]) =>
    emulatorScript(["--seed", SAMPLE_SEED_PATH, ...args], { NO_COLOR: "1" }).output();
  for (
    const [args, message] of [
      [["--quota", "Foo"], /--quota expected Operation=RATE\[\/BURST\]/],
      [["--quota", "CreateQuickConnect=abc"], /--quota expected .* with numbers/],
      [["--quota", "Foo=1"], /--quota unknown operation "Foo"/],
      [["--quota", "CreateQuickConnect=1/0"], /--quota CreateQuickConnect: burst/],
      [["--quota", "ListUsers=1", "--quota", "ListUsers=2"], /--quota ListUsers is given more/],
      [["--consistency-lag-ms=-5"], /--consistency-lag-ms must be a number >= 0/],
    ] as const
  ) {
    const out = await run([...args]);
    assert.equal(out.code, 2, args.join(" "));
    assert.match(new TextDecoder().decode(out.stderr), message);
  }

  const emu = await spawnEmulator([
    "--seed",
    SAMPLE_SEED_PATH,
    "--quota-scale",
    "100",
    "--quota",
    "CreateQuickConnect=1/1",
    "--consistency-lag-ms",
    "60000",
    "--search-omits-tags",
  ]);
  const c = testClient(emu, { maxAttempts: 1 });
  try {
    const state: Fixture = await (await fetch(`${emu.url}/__emulator/state`)).json();
    const InstanceId = state.Instances[0]?.Id ?? assert.fail("no source instance");
    const create = (Name: string) =>
      c.send(
        new CreateQuickConnectCommand({
          InstanceId,
          Name,
          QuickConnectConfig: {
            QuickConnectType: "PHONE_NUMBER",
            PhoneConfig: { PhoneNumber: "+15550001111" },
          },
        }),
      );
    const created = await create("From the script");
    const throttled = await awsFailure(create("Second"));
    assert.equal(throttled.name, "ThrottlingException", "burst 1, not scaled by --quota-scale");
    const search = await c.send(new SearchQuickConnectsCommand({ InstanceId }));
    assert.ok(search.QuickConnects?.length, "seeded quick connects are listed");
    assert.ok(!search.QuickConnects?.some((q) => q.QuickConnectId === created.QuickConnectId));
    assert.ok(search.QuickConnects?.every((q) => q.Tags === undefined));
    const unknown = await awsFailure(
      c.send(
        new DescribeQuickConnectCommand({ InstanceId, QuickConnectId: created.QuickConnectId }),
      ),
    );
    assert.equal(unknown.name, "ResourceNotFoundException");
    const log: { operation: string; status: number }[] =
      await (await fetch(`${emu.url}/__emulator/log`)).json();
    assert.deepEqual(log.map((e) => [e.operation, e.status]), [
      ["CreateQuickConnect", 200],
      ["CreateQuickConnect", 429],
      ["SearchQuickConnects", 200],
      ["DescribeQuickConnect", 404],
    ]);
  } finally {
    c.destroy();
    await emu.stop();
  }
});

Deno.test({
  name: "AWS CLI against the spawned emulator",
  ignore: !awsAvailable(),
  async fn() {
    const emu = await spawnEmulator(["--seed", SAMPLE_SEED_PATH, "--quota-scale", "100"]);
    try {
      const state: Fixture = await (await fetch(`${emu.url}/__emulator/state`)).json();
      const source = state.Instances[0] ?? assert.fail("no source instance");
      const cli = async (...args: string[]) => {
        const out = await new Deno.Command("aws", {
          args: [
            "connect",
            ...args,
            "--endpoint-url",
            emu.url,
            "--region",
            "us-east-1",
            "--output",
            "json",
          ],
          env: {
            AWS_ACCESS_KEY_ID: "AKIDCLI",
            AWS_SECRET_ACCESS_KEY: "secret",
            AWS_EC2_METADATA_DISABLED: "true",
            AWS_CONFIG_FILE: "/nonexistent/config",
            AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials",
            AWS_PAGER: "",
          },
        }).output();
        const stdout = new TextDecoder().decode(out.stdout);
        return {
          code: out.code,
          stdout,
          json: stdout.trim() ? JSON.parse(stdout) : {},
          stderr: new TextDecoder().decode(out.stderr),
        };
      };
      const I = ["--instance-id", source.Id ?? ""];

      const list = await cli("list-quick-connects", ...I, "--page-size", "3");
      assert.equal(list.code, 0, list.stderr);
      assert.equal(list.json.QuickConnectSummaryList.length, 8, "the CLI followed NextToken");

      const search = await cli(
        "search-quick-connects",
        ...I,
        "--search-criteria",
        JSON.stringify({
          StringCondition: { FieldName: "name", Value: "Sales Queue", ComparisonType: "EXACT" },
        }),
      );
      assert.equal(search.code, 0, search.stderr);
      assert.equal(search.json.ApproximateTotalCount, 1);
      const sales = search.json.QuickConnects[0];
      assert.deepEqual(sales.Tags, { Team: "Sales", CostCenter: "4410" });
      assert.equal(
        typeof sales.LastModifiedTime,
        "number",
        "timestamps are epoch seconds (CLI shows them raw)",
      );

      const described = await cli(
        "describe-quick-connect",
        ...I,
        "--quick-connect-id",
        sales.QuickConnectId,
      );
      assert.equal(described.code, 0, described.stderr);
      assert.equal(described.json.QuickConnect.QuickConnectConfig.QuickConnectType, "QUEUE");

      const created = await cli(
        "create-quick-connect",
        ...I,
        "--name",
        "From the CLI",
        "--quick-connect-config",
        JSON.stringify({
          QuickConnectType: "PHONE_NUMBER",
          PhoneConfig: { PhoneNumber: "+15557654321" },
        }),
        "--tags",
        "Origin=cli",
      );
      assert.equal(created.code, 0, created.stderr);
      const arn: string = created.json.QuickConnectARN;
      assert.match(arn, /:instance\/[^/]+\/transfer-destination\/[0-9a-f-]{36}$/);

      const tagged = await cli(
        "tag-resource",
        "--resource-arn",
        arn,
        "--tags",
        "Team=Ops,Env=test",
      );
      assert.equal(tagged.code, 0, tagged.stderr);
      assert.equal(tagged.stdout.trim(), "", "a Unit output (empty body) prints nothing");
      const tags = await cli("list-tags-for-resource", "--resource-arn", arn);
      assert.deepEqual(tags.json.tags, { Origin: "cli", Team: "Ops", Env: "test" });
      const untagged = await cli("untag-resource", "--resource-arn", arn, "--tag-keys", "Env");
      assert.equal(untagged.code, 0, untagged.stderr);
      assert.equal(untagged.stdout.trim(), "");
      const renamed = await cli(
        "update-quick-connect-name",
        ...I,
        "--quick-connect-id",
        created.json.QuickConnectId,
        "--description",
        "set by the CLI",
      );
      assert.equal(renamed.code, 0, renamed.stderr);
      assert.equal(renamed.stdout.trim(), "");
      // Tags on a resource other than a quick connect (the instance).
      const instArn = `arn:aws:connect:us-east-1:${source.AccountId}:instance/${source.Id}`;
      const instTagged = await cli("tag-resource", "--resource-arn", instArn, "--tags", "Env=cli");
      assert.equal(instTagged.code, 0, instTagged.stderr);
      const instTags = await cli("list-tags-for-resource", "--resource-arn", instArn);
      assert.deepEqual(instTags.json.tags, { Env: "cli" });

      const support = source.Queues.find((q) => q.Name === "Support") ?? assert.fail("no Support");
      const assoc = await cli(
        "associate-queue-quick-connects",
        ...I,
        "--queue-id",
        support.Id ?? "",
        "--quick-connect-ids",
        created.json.QuickConnectId,
      );
      assert.equal(assoc.code, 0, assoc.stderr);
      assert.equal(assoc.stdout.trim(), "");
      const linked = await cli("list-queue-quick-connects", ...I, "--queue-id", support.Id ?? "");
      assert.ok(
        linked.json.QuickConnectSummaryList.some((s: { Id: string }) =>
          s.Id === created.json.QuickConnectId
        ),
      );
      const disassoc = await cli(
        "disassociate-queue-quick-connects",
        ...I,
        "--queue-id",
        support.Id ?? "",
        "--quick-connect-ids",
        created.json.QuickConnectId,
      );
      assert.equal(disassoc.code, 0, disassoc.stderr);
      assert.equal(disassoc.stdout.trim(), "");
      const agentQueue = `agent/${source.Users[0]?.Id}`;
      const agent = await cli("list-queue-quick-connects", ...I, "--queue-id", agentQueue);
      assert.equal(agent.code, 0, `agent queue id with '/': ${agent.stderr}`);

      const dup = await cli(
        "create-quick-connect",
        ...I,
        "--name",
        "From the CLI",
        "--quick-connect-config",
        JSON.stringify({
          QuickConnectType: "PHONE_NUMBER",
          PhoneConfig: { PhoneNumber: "+15557654321" },
        }),
      );
      assert.notEqual(dup.code, 0);
      assert.match(dup.stderr, /DuplicateResourceException/);
      const badPhone = await cli(
        "create-quick-connect",
        ...I,
        "--name",
        "Bad phone",
        "--quick-connect-config",
        JSON.stringify({ QuickConnectType: "PHONE_NUMBER", PhoneConfig: { PhoneNumber: "555" } }),
      );
      assert.match(badPhone.stderr, /InvalidParameterException/);
      const deleted = await cli(
        "delete-quick-connect",
        ...I,
        "--quick-connect-id",
        created.json.QuickConnectId,
      );
      assert.equal(deleted.code, 0, deleted.stderr);
      assert.equal(deleted.stdout.trim(), "");

      const calls = await (await fetch(`${emu.url}/__emulator/calls`)).json();
      assert.equal(calls.ListQuickConnects, 3, "3 pages of 3");
      assert.equal(calls.CreateQuickConnect, 3);
      assert.equal(calls.UnknownOperation, undefined, "no CLI request fell through");
    } finally {
      await emu.stop();
    }
  },
});
