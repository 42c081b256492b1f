/**
 * Files from the earlier Python scripts hold IDs and no names. A dry run summarises the
 * users, queues and flows that do not resolve, and --write-mapping writes the mapping file
 * to fill in; with it filled in, the same file imports.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { type FixtureInput, startEmulator } from "../emulator/testing.ts";
import { runCli } from "./support/cli.ts";

const GUIDE = fileURLToPath(new URL("./fixtures/import/seed_guide_example.json", import.meta.url));
const TARGET = "00000000-0000-4000-8000-0000000000aa";

const SEED: FixtureInput = {
  Instances: [{
    Id: TARGET,
    Alias: "target",
    Region: "us-east-1",
    AccountId: "123456789012",
    Users: [{ Id: "u-new", Username: "sales.lead" }],
    Queues: [{ Id: "q-new", Name: "Support" }],
    ContactFlows: [
      { Id: "f-agent", Name: "Agent transfer", ContactFlowType: "AGENT_TRANSFER" },
      { Id: "f-queue", Name: "Queue transfer", ContactFlowType: "QUEUE_TRANSFER" },
    ],
  }],
};

Deno.test("--dry-run --write-mapping lists what does not resolve; filled in, the file imports", async () => {
  await using emu = await startEmulator({ seed: SEED, quotas: false });
  const dir = await Deno.makeTempDir({ prefix: "mapping_" });
  await Deno.copyFile(GUIDE, `${dir}/old.json`);
  const cli = (args: string[]) =>
    runCli("import", [
      "--instance-id",
      TARGET,
      "--endpoint-url",
      emu.url,
      "--export-file",
      "old.json",
      ...args,
    ], dir);

  const dry = await cli(["--dry-run", "--write-mapping", "mapping.json", "--report", "dry.json"]);
  assert.equal(dry.code, 1, dry.stderr);
  assert.match(dry.stderr, /WARNING - Unresolved references: 4 \(map them in --mapping/);
  assert.match(
    dry.stderr,
    /WARNING - {3}user with source id user-87654321-4321-4321-4321-210987654321: blocks 1 quick connect$/m,
  );
  assert.match(dry.stderr, /Mapping template written to mapping\.json: 4 entries to fill in/);
  const template = JSON.parse(await Deno.readTextFile(`${dir}/mapping.json`));
  assert.deepEqual(template, {
    Users: { "user-87654321-4321-4321-4321-210987654321": "" },
    Queues: { "queue-11111111-2222-3333-4444-555555555555": "" },
    ContactFlows: {
      "flow-11111111-2222-3333-4444-555555555555": "",
      "flow-22222222-3333-4444-5555-666666666666": "",
    },
  });
  const report = JSON.parse(await Deno.readTextFile(`${dir}/dry.json`));
  assert.equal(report.Unresolved.length, 4);
  assert.deepEqual(emu.calls().CreateQuickConnect, undefined);

  // Half done: an empty target is a clear error, not a silent skip.
  const half = await cli(["--mapping", "mapping.json", "--dry-run"]);
  assert.equal(half.code, 2);
  assert.match(
    half.stderr,
    /Invalid mapping file "mapping\.json": Users\["user-87654321-4321-4321-4321-210987654321"\]: must not be empty/,
  );

  template.Users["user-87654321-4321-4321-4321-210987654321"] = "sales.lead";
  template.Queues["queue-11111111-2222-3333-4444-555555555555"] = "Support";
  template.ContactFlows["flow-11111111-2222-3333-4444-555555555555"] = "Agent transfer";
  template.ContactFlows["flow-22222222-3333-4444-5555-666666666666"] = "Queue transfer";
  await Deno.writeTextFile(`${dir}/mapping.json`, JSON.stringify(template));
  const r = await cli(["--mapping", "mapping.json", "--report", "r.json"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(await Deno.readTextFile(`${dir}/r.json`)).Summary.Created, 3);
});
