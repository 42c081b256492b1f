/**
 * The instance a run names, through the real CLI: an ID or ARN typed in capitals reaches
 * Connect in lower case (its IDs are), and a wrong-Region failure never suggests a Region
 * nothing in the run points to.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../emulator/testing.ts";
import { guidance } from "../lib/errors.ts";
import { migrationFixture } from "./support/generate.ts";
import { runCli } from "./support/cli.ts";

Deno.test("an upper-case instance ID or ARN is sent, and names the export file, in lower case", async () => {
  await using emu = await startEmulator({
    seed: migrationFixture({ quickConnects: 3, queues: 1 }),
    quotas: false,
  });
  const [source, target] = emu.state().Instances;
  const dir = await Deno.makeTempDir({ prefix: "qc_ids_" });
  const upper = source!.Id!.toUpperCase();
  assert.notEqual(upper, source!.Id);
  const exp = await runCli("export", ["--instance-id", upper, "--endpoint-url", emu.url], dir);
  assert.equal(exp.code, 0, exp.stderr);
  const [file] = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".json"));
  assert.ok(file?.startsWith(`connect_quick_connects_export_${source!.Id}_`), file);
  assert.match(exp.stderr, new RegExp(`for instance: ${source!.Id}`));

  const arn = `arn:aws:connect:${target!.Region}:${target!.AccountId}:instance/${target!.Id}`;
  const imp = await runCli("import", [
    "--instance-id",
    arn.replace(/instance\/.*/, (m) => m.toUpperCase().replace("INSTANCE", "instance")),
    "--endpoint-url",
    emu.url,
    "--export-file",
    file!,
  ], dir);
  assert.equal(imp.code, 0, imp.stderr);
  assert.match(imp.stderr, /Created: 3,/);
});

/** An endpoint that answers every call as a Regional endpoint does a request signed for another. */
function wrongRegionEndpoint() {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    await req.body?.cancel();
    return new Response(
      JSON.stringify({ message: "Credential should be scoped to a valid region. " }),
      {
        status: 403,
        headers: {
          "Content-Type": "application/json",
          "X-Amzn-ErrorType": "InvalidSignatureException",
        },
      },
    );
  });
}

const REGIONS = /\b[a-z]{2}(?:-[a-z]+){1,2}-\d\b/g;

Deno.test("a wrong-Region failure suggests no Region that nothing in the run names", async () => {
  const dir = await Deno.makeTempDir({ prefix: "qc_region_" });
  const server = wrongRegionEndpoint();
  try {
    const url = `http://127.0.0.1:${server.addr.port}`;
    for (const region of ["eu-west-2", "us-east-1", "ap-southeast-2"]) {
      const r = await runCli("export", [
        "--instance-id",
        "0e000000-0000-4000-8000-00000000e003",
        "--endpoint-url",
        url,
        "--region",
        region,
      ], dir);
      assert.equal(r.code, 3, r.stderr);
      const hint = r.stderr.split("\n").find((l) => l.includes("What to do:")) ?? "";
      assert.match(hint, /pass the endpoint's Region with --region or AWS_REGION/);
      assert.deepEqual([...new Set(hint.match(REGIONS))], [region], hint);
    }
  } finally {
    await server.shutdown();
  }
  // Where the endpoint's name gives a Region, that one (and only that one) is suggested.
  const err = Object.assign(new Error("Credential should be scoped to a valid region. "), {
    name: "InvalidSignatureException",
  });
  const hint = guidance(err, {
    action: "connect:ListUsers",
    instanceId: "0e000000-0000-4000-8000-00000000e003",
    region: "us-east-1",
    endpoint: "https://connect.eu-central-1.amazonaws.com",
  }).hint;
  assert.deepEqual([...new Set(hint.match(REGIONS))], ["eu-central-1"], hint);
});
