/**
 * SearchRoutingProfiles in the emulator: the fixture format, the wire members, paging,
 * criteria and tag filters, tags on routing profile ARNs, faults and the quota, through the
 * real SDK, and through the AWS CLI and boto3 where they are installed.
 */
import assert from "node:assert/strict";
import {
  ListTagsForResourceCommand,
  paginateSearchRoutingProfiles,
  type RoutingProfile,
  type RoutingProfileSearchCriteria,
  SearchQuickConnectsCommand,
  SearchRoutingProfilesCommand,
  type StringComparisonType,
  TagResourceCommand,
} from "@aws-sdk/client-connect";
import { FixtureError } from "../emulator/fixture.ts";
import { EmulatorState } from "../emulator/state.ts";
import {
  awsFailure,
  type Emulator,
  type FixtureInput,
  startEmulator,
  testClient,
} from "../emulator/testing.ts";

const I = "11111111-1111-4111-8111-111111111111";
const ARN = `arn:aws:connect:us-east-1:123456789012:instance/${I}`;

type InstanceInput = FixtureInput["Instances"][number];

function instance(extra: Partial<InstanceInput> = {}): InstanceInput {
  return {
    Id: I,
    Alias: "rp-test",
    Region: "us-east-1",
    AccountId: "123456789012",
    Queues: [
      { Id: "q-sales", Name: "Sales" },
      { Id: "q-support", Name: "Support" },
      { Id: "q-overflow", Name: "Sales Overflow" },
    ],
    RoutingProfiles: [
      {
        RoutingProfileId: "rp-sales",
        Name: "Sales Agents",
        Description: "Inbound sales",
        // Queues by name and by ID; one named twice.
        DefaultOutboundQueueId: "Sales",
        AssociatedQueueIds: ["Sales", "q-overflow", "q-sales"],
        AssociatedManualAssignmentQueueIds: ["Support"],
        NumberOfAssociatedUsers: 12,
        Tags: { Team: "Sales" },
      },
      {
        RoutingProfileId: "rp-basic",
        Name: "Basic Routing Profile",
        DefaultOutboundQueueId: "q-support",
        IsDefault: true,
      },
    ],
    ...extra,
  };
}

const seed = (extra: Partial<InstanceInput> = {}): FixtureInput => ({
  Instances: [instance(extra)],
});

/** A signed-looking request (the emulator checks the header's shape, not the signature). */
async function raw(emu: Emulator, body: unknown): Promise<Record<string, unknown>> {
  const r = await fetch(`${emu.url}/search-routing-profiles`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization:
        "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/connect/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc",
    },
    body: JSON.stringify(body),
  });
  assert.equal(r.status, 200);
  return await r.json();
}

Deno.test("SearchRoutingProfiles: the members Search populates, queues by name or ID resolved, each once", async () => {
  await using emu = await startEmulator({ seed: seed(), quotas: false });
  const c = testClient(emu);
  const out = await c.send(new SearchRoutingProfilesCommand({ InstanceId: I, MaxResults: 500 }));
  assert.equal(out.ApproximateTotalCount, 2);
  assert.equal(out.NextToken, undefined);
  const sales = out.RoutingProfiles?.find((p) => p.Name === "Sales Agents");
  assert.deepEqual(
    sales,
    {
      InstanceId: I,
      Name: "Sales Agents",
      RoutingProfileArn: `${ARN}/routing-profile/rp-sales`,
      RoutingProfileId: "rp-sales",
      Description: "Inbound sales",
      DefaultOutboundQueueId: "q-sales",
      Tags: { Team: "Sales" },
      NumberOfAssociatedQueues: 2,
      NumberOfAssociatedManualAssignmentQueues: 1,
      NumberOfAssociatedUsers: 12,
      IsDefault: false,
      AssociatedQueueIds: ["q-sales", "q-overflow"],
      AssociatedManualAssignmentQueueIds: ["q-support"],
    } satisfies RoutingProfile,
  );
  const basic = out.RoutingProfiles?.find((p) => p.Name === "Basic Routing Profile");
  assert.equal(basic?.IsDefault, true);
  assert.equal(basic?.NumberOfAssociatedUsers, 0);
  assert.deepEqual(basic?.AssociatedQueueIds, []);
  // On the wire: what the operation "does not populate" is not there.
  const body = await raw(emu, { InstanceId: I });
  for (const p of body.RoutingProfiles as Record<string, unknown>[]) {
    for (const absent of ["LastModifiedTime", "LastModifiedRegion", "AgentAvailabilityTimer"]) {
      assert.ok(!(absent in p), absent);
    }
  }
  // By ARN too, like the other operations; an unknown instance is not found.
  const byArn = await c.send(new SearchRoutingProfilesCommand({ InstanceId: ARN }));
  assert.equal(byArn.RoutingProfiles?.length, 2);
  const missing = await awsFailure(
    c.send(
      new SearchRoutingProfilesCommand({ InstanceId: "00000000-0000-4000-8000-000000000000" }),
    ),
  );
  assert.deepEqual([missing.name, missing.status], ["ResourceNotFoundException", 404]);
  c.destroy();
});

Deno.test("SearchRoutingProfiles pages: up to 500 a call, 100 without MaxResults, opaque tokens bound to the call", async () => {
  const many = Array.from({ length: 1201 }, (_, i) => ({
    Name: `Profile ${String(i).padStart(4, "0")}`,
    DefaultOutboundQueueId: "Sales",
  }));
  await using emu = await startEmulator({ seed: seed({ RoutingProfiles: many }), quotas: false });
  const c = testClient(emu, { maxAttempts: 1 });
  const names: string[] = [];
  for await (
    const page of paginateSearchRoutingProfiles({ client: c, pageSize: 500 }, { InstanceId: I })
  ) {
    assert.equal(page.ApproximateTotalCount, 1201);
    names.push(...(page.RoutingProfiles ?? []).map((p) => p.Name ?? ""));
  }
  assert.equal(emu.calls().SearchRoutingProfiles, 3, "⌈1201 ÷ 500⌉");
  assert.equal(new Set(names).size, 1201);
  const first = await c.send(new SearchRoutingProfilesCommand({ InstanceId: I }));
  assert.equal(first.RoutingProfiles?.length, 100, "the emulator's default page size");
  assert.ok(first.NextToken && !first.NextToken.includes("Profile"), "the token is opaque");
  for (const MaxResults of [0, 501]) {
    const bad = await awsFailure(
      c.send(new SearchRoutingProfilesCommand({ InstanceId: I, MaxResults })),
    );
    assert.equal(bad.name, "InvalidParameterException", String(MaxResults));
  }
  const forged = await awsFailure(
    c.send(new SearchRoutingProfilesCommand({ InstanceId: I, NextToken: "not-a-token" })),
  );
  assert.equal(forged.name, "InvalidParameterException");
  // A token of this operation is refused by SearchQuickConnects, and the other way round.
  const foreign = await awsFailure(
    c.send(new SearchQuickConnectsCommand({ InstanceId: I, NextToken: first.NextToken })),
  );
  assert.equal(foreign.name, "InvalidParameterException");
  c.destroy();
});

Deno.test("SearchRoutingProfiles criteria: name, description, resourceID, associatedQueueIds; tag filters", async () => {
  await using emu = await startEmulator({ seed: seed(), quotas: false });
  const c = testClient(emu);
  const names = async (SearchCriteria?: RoutingProfileSearchCriteria, tag?: string) =>
    ((await c.send(
      new SearchRoutingProfilesCommand({
        InstanceId: I,
        SearchCriteria,
        ...(tag
          ? { SearchFilter: { TagFilter: { TagCondition: { TagKey: "Team", TagValue: tag } } } }
          : {}),
      }),
    )).RoutingProfiles ?? []).map((p) => p.Name).sort();
  const cond = (
    FieldName: string,
    Value: string,
    ComparisonType: StringComparisonType = "EXACT",
  ): RoutingProfileSearchCriteria => ({
    StringCondition: { FieldName, Value, ComparisonType },
  });
  assert.deepEqual(await names(cond("name", "sales", "CONTAINS")), ["Sales Agents"]);
  assert.deepEqual(await names(cond("name", "Basic", "STARTS_WITH")), ["Basic Routing Profile"]);
  assert.deepEqual(await names(cond("description", "inbound", "CONTAINS")), ["Sales Agents"]);
  assert.deepEqual(await names(cond("resourceID", `${ARN}/routing-profile/rp-basic`)), [
    "Basic Routing Profile",
  ]);
  assert.deepEqual(await names(cond("associatedQueueIds", "q-overflow")), ["Sales Agents"]);
  assert.deepEqual(
    await names({
      OrConditions: [cond("resourceID", "rp-sales"), cond("name", "Basic", "CONTAINS")],
    }),
    ["Basic Routing Profile", "Sales Agents"],
  );
  assert.deepEqual(await names(undefined, "Sales"), ["Sales Agents"]);
  assert.deepEqual(await names(undefined, "Ops"), []);
  const bad = await awsFailure(names(cond("queueName", "Sales")));
  assert.equal(bad.name, "InvalidParameterException");
  assert.match(bad.message, /supported: associatedQueueIds, name, description, resourceID/);
  c.destroy();
});

Deno.test("routing profiles in the fixture: queues by ID or name, refused when unknown or names repeat; the state dump round-trips", async () => {
  const refused = (extra: Partial<InstanceInput>, message: RegExp) =>
    assert.throws(() => EmulatorState.fromFixture(seed(extra)), (e: unknown) => {
      assert.ok(e instanceof FixtureError);
      assert.match(e.message, message);
      return true;
    });
  refused(
    { RoutingProfiles: [{ Name: "X", DefaultOutboundQueueId: "Nowhere" }] },
    /RoutingProfiles\[0\] \(X\) names no STANDARD queue Nowhere/,
  );
  refused(
    {
      RoutingProfiles: [{
        Name: "X",
        DefaultOutboundQueueId: "Sales",
        AssociatedQueueIds: ["Gone"],
      }],
    },
    /names no STANDARD queue Gone/,
  );
  refused(
    {
      Users: [{ Id: "u1", Username: "jdoe" }],
      RoutingProfiles: [{ Name: "X", DefaultOutboundQueueId: "agent/u1" }],
    },
    /no STANDARD queue agent\/u1/,
  );
  refused(
    {
      RoutingProfiles: [
        { Name: "X", DefaultOutboundQueueId: "Sales" },
        { Name: "X", DefaultOutboundQueueId: "Support" },
      ],
    },
    /duplicate routing profile Name/,
  );
  refused({ RoutingProfiles: [{ Name: "", DefaultOutboundQueueId: "Sales" }] }, /Name/);
  await using emu = await startEmulator({ seed: seed(), quotas: false });
  const dumped = emu.state();
  assert.deepEqual(dumped.Instances[0]?.RoutingProfiles.find((p) => p.Name === "Sales Agents"), {
    RoutingProfileId: "rp-sales",
    Name: "Sales Agents",
    Description: "Inbound sales",
    DefaultOutboundQueueId: "q-sales",
    AssociatedQueueIds: ["q-sales", "q-overflow"],
    AssociatedManualAssignmentQueueIds: ["q-support"],
    NumberOfAssociatedUsers: 12,
    IsDefault: false,
    Tags: { Team: "Sales" },
  });
  await using again = await startEmulator({ seed: dumped, quotas: false });
  assert.deepEqual(again.state(), dumped);
});

Deno.test("a routing profile's ARN takes tags; faults and the generic quota apply to SearchRoutingProfiles", async () => {
  await using emu = await startEmulator({ seed: seed() });
  const c = testClient(emu, { maxAttempts: 1 });
  const resourceArn = `${ARN}/routing-profile/rp-basic`;
  await c.send(new TagResourceCommand({ resourceArn, tags: { Env: "test" } }));
  assert.deepEqual((await c.send(new ListTagsForResourceCommand({ resourceArn }))).tags, {
    Env: "test",
  });
  emu.addFault({ Operation: "SearchRoutingProfiles", Error: "AccessDeniedException" });
  const denied = await awsFailure(c.send(new SearchRoutingProfilesCommand({ InstanceId: I })));
  assert.deepEqual([denied.name, denied.status], ["AccessDeniedException", 403]);
  assert.deepEqual(emu.faulted(), { SearchRoutingProfiles: 1 });
  // Generic 2/s, burst 5: the denied call took the first token.
  for (let i = 0; i < 4; i++) await c.send(new SearchRoutingProfilesCommand({ InstanceId: I }));
  const throttled = await awsFailure(c.send(new SearchRoutingProfilesCommand({ InstanceId: I })));
  assert.deepEqual([throttled.name, throttled.status], ["ThrottlingException", 429]);
  assert.deepEqual(emu.throttled(), { SearchRoutingProfiles: 1 });
  c.destroy();
});

function available(cmd: string, args: string[]): boolean {
  try {
    return new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).outputSync().success;
  } catch {
    return false;
  }
}

const DUMMY_ENV = {
  AWS_ACCESS_KEY_ID: "AKIDCLI",
  AWS_SECRET_ACCESS_KEY: "secret",
  AWS_EC2_METADATA_DISABLED: "true",
  AWS_CONFIG_FILE: "/nonexistent/config",
  AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials",
  AWS_PAGER: "",
};

async function run(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  const o = await new Deno.Command(cmd, { args, env: DUMMY_ENV }).output();
  const dec = new TextDecoder();
  return { code: o.code, out: dec.decode(o.stdout) + dec.decode(o.stderr) };
}

const manyProfiles = Array.from({ length: 7 }, (_, i) => ({
  Name: `Team ${i}`,
  DefaultOutboundQueueId: "Support",
  AssociatedQueueIds: ["Sales"],
  NumberOfAssociatedUsers: i,
}));

Deno.test({
  name: "the AWS CLI reads routing profiles, following NextToken, and gets the fault's error",
  ignore: !available("aws", ["--version"]),
  async fn() {
    await using emu = await startEmulator({
      seed: seed({ RoutingProfiles: manyProfiles }),
      quotas: false,
    });
    const cli = (...args: string[]) =>
      run("aws", [
        "connect",
        "search-routing-profiles",
        "--instance-id",
        I,
        ...args,
        "--endpoint-url",
        emu.url,
        "--region",
        "us-east-1",
        "--output",
        "json",
      ]);
    const all = await cli("--page-size", "3");
    assert.equal(all.code, 0, all.out);
    const json = JSON.parse(all.out);
    assert.equal(json.RoutingProfiles.length, 7, "the CLI followed NextToken");
    assert.equal(emu.calls().SearchRoutingProfiles, 3);
    const team3 = json.RoutingProfiles.find((p: { Name: string }) => p.Name === "Team 3");
    assert.deepEqual(team3.AssociatedQueueIds, ["q-sales"]);
    assert.equal(team3.DefaultOutboundQueueId, "q-support");
    assert.equal(team3.NumberOfAssociatedUsers, 3);
    const named = await cli(
      "--search-criteria",
      JSON.stringify({
        StringCondition: { FieldName: "name", Value: "Team 5", ComparisonType: "EXACT" },
      }),
    );
    assert.equal(JSON.parse(named.out).RoutingProfiles[0].Name, "Team 5");
    emu.addFault({ Operation: "SearchRoutingProfiles", Error: "AccessDeniedException" });
    const denied = await cli();
    assert.notEqual(denied.code, 0);
    assert.match(denied.out, /AccessDeniedException/);
  },
});

Deno.test({
  name: "boto3's paginator reads routing profiles",
  ignore: !available("python3", ["-c", "import boto3"]),
  async fn() {
    await using emu = await startEmulator({
      seed: seed({ RoutingProfiles: manyProfiles }),
      quotas: false,
    });
    const script = `
import boto3, json, sys
c = boto3.client("connect", endpoint_url=sys.argv[1], region_name="us-east-1")
pages = c.get_paginator("search_routing_profiles").paginate(
    InstanceId=sys.argv[2], PaginationConfig={"PageSize": 2})
print(json.dumps([p["Name"] for page in pages for p in page["RoutingProfiles"]]))
`;
    const r = await run("python3", ["-c", script, emu.url, I]);
    assert.equal(r.code, 0, r.out);
    assert.deepEqual(JSON.parse(r.out).sort(), manyProfiles.map((p) => p.Name));
    assert.equal(emu.calls().SearchRoutingProfiles, 4, "⌈7 ÷ 2⌉ pages");
  },
});
