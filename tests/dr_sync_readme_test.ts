/**
 * The README's nightly DR sync, exactly as printed between its `dr-sync` markers, run with
 * bash night after night against the emulator: the first night copies, a night after a
 * change in the source and one only in the DR applies both (the extra is drift because the
 * check has the apply's --prune), a night with nothing new is "in sync" and changes nothing,
 * and one with more extras than --max-deletes is refused (2) with nothing changed.
 * Issue 23: "A nightly job that works every night".
 */
import assert from "node:assert/strict";
import { CreateQuickConnectCommand, UpdateQuickConnectNameCommand } from "@aws-sdk/client-connect";
import { startEmulator, testClient } from "../emulator/testing.ts";
import { idOf, instance, mutatingCalls, qcByName } from "./import_helpers.ts";
import { migrationFixture } from "./support/generate.ts";
import { cliEnv, ROOT } from "./support/cli.ts";

/** The block between the markers, as the README shows it. */
async function readmeBlock(): Promise<string> {
  const readme = await Deno.readTextFile(`${ROOT}README.md`);
  const m = /<!-- dr-sync:start -->\s*```sh\n([\s\S]*?)```\s*<!-- dr-sync:end -->/.exec(readme);
  assert.ok(m?.[1], "README.md has the DR block between <!-- dr-sync:start/end --> markers");
  return m[1];
}

/**
 * The README's `deno task …` from a folder outside the repository, as its Install section
 * says: the same command, naming the repository's deno.json. Nothing else is added.
 */
const SHIM = `deno() {
  if [ "$1" = task ]; then shift; "$DENO_BIN" task --config "$REPO/deno.json" "$@"
  else "$DENO_BIN" "$@"; fi
}
`;

/** Source (us-east-1): Sales 0-4 and two others; DR (eu-west-2): one quick connect of its own. */
function fixture() {
  const f = migrationFixture({ quickConnects: 7, queues: 2, linksPerQueue: 4 });
  const [source, dr] = f.Instances;
  assert.ok(source?.QuickConnects && dr);
  source.QuickConnects.forEach((q, i) => {
    if (i < 5) q.Name = `Sales ${i}`;
  });
  dr.Region = "eu-west-2";
  dr.QuickConnects = [{
    Name: "Support line",
    QuickConnectConfig: {
      QuickConnectType: "PHONE_NUMBER",
      PhoneConfig: { PhoneNumber: "+15550000001" },
    },
  }];
  return f;
}

Deno.test("the README's nightly DR sync runs unattended night after night, with the exit codes it documents", async () => {
  const block = await readmeBlock();
  await using emu = await startEmulator({ seed: fixture(), quotas: false });
  const dir = await Deno.makeTempDir({ prefix: "dr_sync_" });
  await Deno.writeTextFile(`${dir}/night.sh`, SHIM + block);
  const source = idOf(emu.state(), "source");
  const drId = idOf(emu.state(), "target");
  const env = cliEnv(dir, {
    DENO_BIN: Deno.execPath(),
    REPO: ROOT,
    SOURCE_INSTANCE: source,
    SOURCE_REGION: "us-east-1",
    DR_INSTANCE: drId,
    DR_REGION: "eu-west-2",
    AWS_ENDPOINT_URL: emu.url,
    CONNECT_QUOTA_SCALE: "20",
  });
  const night = async () => {
    const out = await new Deno.Command("bash", {
      args: ["night.sh"],
      cwd: dir,
      env,
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  };
  const reports = () =>
    [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) =>
      n.startsWith(`connect_quick_connects_import_${drId}_`)
    ).sort();
  const dr = () => instance(emu.state(), "target");
  const names = () => dr().QuickConnects.map((q) => q.Name).sort();

  // Night 1: the DR has none of Sales*: drift (4), so the apply copies them (0).
  const first = await night();
  assert.equal(first.code, 0, first.stderr);
  assert.doesNotMatch(first.stdout, /DR in sync/);
  assert.deepEqual(names(), [
    "Sales 0",
    "Sales 1",
    "Sales 2",
    "Sales 3",
    "Sales 4",
    "Support line",
  ]);
  assert.equal(reports().length, 1, "the apply wrote that night's report");

  // During the day: Sales 1 edited in production, a Sales quick connect added only in the DR.
  const prod = testClient(emu, { region: "us-east-1" });
  const sales1 = qcByName(instance(emu.state(), "source"), "Sales 1");
  assert.ok(sales1?.QuickConnectId);
  await prod.send(
    new UpdateQuickConnectNameCommand({
      InstanceId: source,
      QuickConnectId: sales1.QuickConnectId,
      Description: "edited in production",
    }),
  );
  await testClient(emu, { region: "eu-west-2" }).send(
    new CreateQuickConnectCommand({
      InstanceId: drId,
      Name: "Sales DR only",
      QuickConnectConfig: {
        QuickConnectType: "PHONE_NUMBER",
        PhoneConfig: { PhoneNumber: "+15550000002" },
      },
    }),
  );

  // Night 2: the edit and the extra are drift (4); the apply updates and prunes (0).
  const second = await night();
  assert.equal(second.code, 0, second.stderr);
  assert.doesNotMatch(second.stdout, /DR in sync/);
  const log = await Deno.readTextFile(`${dir}/connect_quick_connect_import.log`);
  assert.match(log, /\[DRY RUN\] Would delete quick connect: Sales DR only/);
  assert.deepEqual(names(), [
    "Sales 0",
    "Sales 1",
    "Sales 2",
    "Sales 3",
    "Sales 4",
    "Support line",
  ]);
  assert.equal(qcByName(dr(), "Sales 1")?.Description, "edited in production");
  assert.equal(reports().length, 2, "a new report, under a new name");

  // Night 3: nothing new: in sync (0), nothing changed, no report.
  emu.resetCalls();
  const third = await night();
  assert.equal(third.code, 0, third.stderr);
  assert.match(third.stdout, /^DR in sync$/m);
  assert.deepEqual(mutatingCalls(emu.calls()), {});
  assert.equal(reports().length, 2);

  // Night 4: eleven extras only in the DR, more than --max-deletes: refused (2), none deleted.
  for (let i = 0; i < 11; i++) {
    await testClient(emu, { region: "eu-west-2" }).send(
      new CreateQuickConnectCommand({
        InstanceId: drId,
        Name: `Sales extra ${i}`,
        QuickConnectConfig: {
          QuickConnectType: "PHONE_NUMBER",
          PhoneConfig: { PhoneNumber: `+155500001${String(i).padStart(2, "0")}` },
        },
      }),
    );
  }
  emu.resetCalls();
  const fourth = await night();
  assert.equal(fourth.code, 2, fourth.stderr);
  assert.match(fourth.stderr, /--prune would delete 11 quick connects, more than --max-deletes 10/);
  assert.deepEqual(mutatingCalls(emu.calls()), {});
  assert.equal(names().length, 6 + 11);
  assert.equal(reports().length, 2);
});
