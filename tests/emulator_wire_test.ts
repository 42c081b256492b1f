/** Wire level: every SDK request reaches its route; SigV4 presence/scope; regions. */
import assert from "node:assert/strict";
import {
  AssociateQueueQuickConnectsCommand,
  ConnectClient,
  CreateQuickConnectCommand,
  DeleteQuickConnectCommand,
  DescribeInstanceCommand,
  DescribeQuickConnectCommand,
  DescribeUserCommand,
  DisassociateQueueQuickConnectsCommand,
  ListContactFlowsCommand,
  ListInstancesCommand,
  ListQueueQuickConnectsCommand,
  ListQueuesCommand,
  ListQuickConnectsCommand,
  ListTagsForResourceCommand,
  ListUsersCommand,
  SearchQuickConnectsCommand,
  SearchRoutingProfilesCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateQuickConnectConfigCommand,
  UpdateQuickConnectNameCommand,
} from "@aws-sdk/client-connect";
import { matchRoute, MUTATING_OPERATIONS, ROUTES } from "../emulator/routes.ts";
import { awsFailure, startEmulator, testClient } from "../emulator/testing.ts";

const BASIC = "tests/fixtures/emulator/basic.json";
const ALPHA = "aaaaaaaa-0000-4000-8000-000000000001";
const ALPHA_ARN = `arn:aws:connect:us-east-1:111122223333:instance/${ALPHA}`;
const QC_ARN = `${ALPHA_ARN}/transfer-destination/qc-flow-survey`;
const phone = {
  QuickConnectType: "PHONE_NUMBER" as const,
  PhoneConfig: { PhoneNumber: "+15550001111" },
};

/** One command per operation, with list query members set so repeated keys are on the wire. */
function allCommands() {
  const I = ALPHA;
  return [
    [
      "ListQuickConnects",
      new ListQuickConnectsCommand({
        InstanceId: I,
        QuickConnectTypes: ["USER", "QUEUE"],
        MaxResults: 5,
      }),
    ],
    [
      "DescribeQuickConnect",
      new DescribeQuickConnectCommand({ InstanceId: I, QuickConnectId: "qc-user-jdoe" }),
    ],
    ["SearchQuickConnects", new SearchQuickConnectsCommand({ InstanceId: I, MaxResults: 5 })],
    ["SearchRoutingProfiles", new SearchRoutingProfilesCommand({ InstanceId: I, MaxResults: 500 })],
    [
      "CreateQuickConnect",
      new CreateQuickConnectCommand({ InstanceId: I, Name: "wire", QuickConnectConfig: phone }),
    ],
    [
      "UpdateQuickConnectName",
      new UpdateQuickConnectNameCommand({
        InstanceId: I,
        QuickConnectId: "qc-phone-helpdesk",
        Name: "Helpdesk",
      }),
    ],
    [
      "UpdateQuickConnectConfig",
      new UpdateQuickConnectConfigCommand({
        InstanceId: I,
        QuickConnectId: "qc-phone-helpdesk",
        QuickConnectConfig: phone,
      }),
    ],
    ["ListTagsForResource", new ListTagsForResourceCommand({ resourceArn: QC_ARN })],
    ["TagResource", new TagResourceCommand({ resourceArn: QC_ARN, tags: { "a b": "c/d" } })],
    ["UntagResource", new UntagResourceCommand({ resourceArn: QC_ARN, tagKeys: ["a b", "x"] })],
    ["ListUsers", new ListUsersCommand({ InstanceId: I, MaxResults: 5 })],
    ["DescribeUser", new DescribeUserCommand({ InstanceId: I, UserId: "user-jdoe" })],
    ["ListQueues", new ListQueuesCommand({ InstanceId: I, QueueTypes: ["STANDARD", "AGENT"] })],
    [
      "ListContactFlows",
      new ListContactFlowsCommand({
        InstanceId: I,
        ContactFlowTypes: ["AGENT_TRANSFER", "QUEUE_TRANSFER"],
      }),
    ],
    [
      "ListQueueQuickConnects",
      new ListQueueQuickConnectsCommand({ InstanceId: I, QueueId: "agent/user-jdoe" }),
    ],
    [
      "AssociateQueueQuickConnects",
      new AssociateQueueQuickConnectsCommand({
        InstanceId: I,
        QueueId: "queue-sales",
        QuickConnectIds: ["qc-flow-survey"],
      }),
    ],
    [
      "DisassociateQueueQuickConnects",
      new DisassociateQueueQuickConnectsCommand({
        InstanceId: I,
        QueueId: "queue-sales",
        QuickConnectIds: ["qc-flow-survey"],
      }),
    ],
    ["DescribeInstance", new DescribeInstanceCommand({ InstanceId: ALPHA_ARN })],
    ["ListInstances", new ListInstancesCommand({ MaxResults: 3 })],
    [
      "DeleteQuickConnect",
      new DeleteQuickConnectCommand({ InstanceId: I, QuickConnectId: "qc-user-jdoe" }),
    ],
  ] as const;
}

interface Captured {
  method: string;
  path: string;
  query: Record<string, string | string[] | null>;
  headers: Record<string, string>;
}

Deno.test("the request the SDK builds for each of the 20 operations matches its own route and succeeds", async () => {
  await using emu = await startEmulator({ seed: BASIC, quotas: false });
  const c = testClient(emu, { maxAttempts: 1 });
  const captured: Captured[] = [];
  c.middlewareStack.add(
    (next) => (args) => {
      const req = args.request as Captured;
      captured.push({
        method: req.method,
        path: req.path,
        query: { ...req.query },
        headers: { ...req.headers },
      });
      return next(args);
    },
    { step: "finalizeRequest", name: "captureRequest" },
  );
  const commands = allCommands();
  assert.equal(new Set(commands.map(([op]) => op)).size, 20);
  assert.deepEqual(commands.map(([op]) => op).sort(), ROUTES.map((r) => r.operation).sort());
  for (const [op, command] of commands) {
    const out: { $metadata: { httpStatusCode?: number } } = await c.send(
      command as Parameters<ConnectClient["send"]>[0],
    );
    assert.equal(out.$metadata.httpStatusCode, 200, op);
    const req = captured.at(-1);
    assert.ok(req);
    const m = matchRoute(req.method, req.path);
    assert.equal(m?.route.operation, op, `${req.method} ${req.path}`);
    assert.equal(emu.calls()[op], 1, `${op} reached its handler`);
    assert.match(
      req.headers.authorization ?? "",
      /^AWS4-HMAC-SHA256 Credential=AKIDEMULATOR\/\d{8}\/us-east-1\/connect\/aws4_request/,
    );
  }
  assert.equal(emu.calls().UnknownOperation, undefined);
  // Wire names as docs/connect-api.md §1 states them.
  const byOp = new Map(commands.map(([op], i) => [op, captured[i]]));
  assert.deepEqual(byOp.get("ListQuickConnects")?.query, {
    QuickConnectTypes: ["USER", "QUEUE"],
    maxResults: "5",
  });
  assert.deepEqual(byOp.get("ListQueues")?.query, { queueTypes: ["STANDARD", "AGENT"] });
  assert.deepEqual(byOp.get("UntagResource")?.query, { tagKeys: ["a b", "x"] });
  assert.equal(byOp.get("ListTagsForResource")?.path, `/tags/${encodeURIComponent(QC_ARN)}`);
  assert.equal(
    byOp.get("ListQueueQuickConnects")?.path,
    `/queues/${ALPHA}/agent%2Fuser-jdoe/quick-connects`,
  );
  c.destroy();
});

Deno.test("an unknown route is 404 UnknownOperationException and counted as such", async () => {
  await using emu = await startEmulator({ seed: BASIC, quotas: false });
  for (
    const [method, path] of [["GET", "/quick-connect/x"], ["PATCH", `/quick-connects/${ALPHA}`], [
      "GET",
      "/instance/a/b",
    ]]
  ) {
    const r = await fetch(`${emu.url}${path}`, { method: method ?? "GET" });
    assert.equal(r.status, 404);
    assert.equal(r.headers.get("x-amzn-errortype"), "UnknownOperationException");
    await r.body?.cancel();
  }
  assert.equal(emu.calls().UnknownOperation, 3);
});

Deno.test("SigV4: missing → 403 MissingAuthenticationToken; wrong service → InvalidSignature; any key accepted", async () => {
  await using emu = await startEmulator({ seed: BASIC, quotas: false });
  const get = async (auth?: string) => {
    const r = await fetch(`${emu.url}/instance`, { headers: auth ? { authorization: auth } : {} });
    return { status: r.status, type: r.headers.get("x-amzn-errortype"), body: await r.json() };
  };
  const none = await get();
  assert.deepEqual([none.status, none.type], [403, "MissingAuthenticationTokenException"]);
  assert.equal(none.body.Message, "Missing Authentication Token");
  const sig = "SignedHeaders=host;x-amz-date, Signature=abcdef0123";
  const s3 = await get(
    `AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/s3/aws4_request, ${sig}`,
  );
  assert.deepEqual([s3.status, s3.type], [403, "InvalidSignatureException"]);
  assert.equal(s3.body.Message, "Credential should be scoped to correct service: 'connect'.");
  const junk = await get("Bearer abc");
  assert.deepEqual([junk.status, junk.type], [403, "IncompleteSignatureException"]);
  const ok = await get(
    `AWS4-HMAC-SHA256 Credential=ANYKEY/20250101/us-east-1/connect/aws4_request, ${sig}`,
  );
  assert.equal(ok.status, 200, "signatures are not verified");
  assert.equal(ok.body.InstanceSummaryList.length, 1);
  assert.equal(emu.calls().ListInstances, 4, "rejected calls are counted too");
  // Through the SDK, with other dummy credentials.
  const other = new ConnectClient({
    endpoint: emu.url,
    region: "us-east-1",
    credentials: { accessKeyId: "SOMEONEELSE", secretAccessKey: "x", sessionToken: "t" },
  });
  assert.equal((await other.send(new ListInstancesCommand({}))).InstanceSummaryList?.length, 1);
  other.destroy();
});

Deno.test("the signing region is the endpoint region: other regions' instances are invisible", async () => {
  await using emu = await startEmulator({ seed: BASIC, quotas: false });
  const eu1 = testClient(emu, { region: "eu-west-1", maxAttempts: 1 });
  const RNF = "ResourceNotFoundException";
  assert.equal(
    (await awsFailure(eu1.send(new DescribeInstanceCommand({ InstanceId: ALPHA })))).name,
    RNF,
  );
  assert.equal(
    (await awsFailure(eu1.send(new DescribeInstanceCommand({ InstanceId: ALPHA_ARN })))).name,
    RNF,
  );
  assert.equal(
    (await awsFailure(eu1.send(new ListQuickConnectsCommand({ InstanceId: ALPHA })))).status,
    404,
  );
  assert.equal(
    (await awsFailure(eu1.send(new ListTagsForResourceCommand({ resourceArn: QC_ARN })))).name,
    RNF,
  );
  assert.deepEqual((await eu1.send(new ListInstancesCommand({}))).InstanceSummaryList, []);
  const eu2 = testClient(emu, { region: "eu-west-2", maxAttempts: 1 });
  const beta = await eu2.send(new ListInstancesCommand({}));
  assert.deepEqual(beta.InstanceSummaryList?.map((i) => i.InstanceAlias), ["beta"]);
  // An ARN naming another region than the signing region is not found either.
  const us = testClient(emu, { maxAttempts: 1 });
  const betaArnInUs =
    "arn:aws:connect:us-east-1:111122223333:instance/bbbbbbbb-0000-4000-8000-000000000002";
  assert.equal(
    (await awsFailure(us.send(new DescribeInstanceCommand({ InstanceId: betaArnInUs })))).name,
    RNF,
  );
  const betaArn =
    "arn:aws:connect:eu-west-2:111122223333:instance/bbbbbbbb-0000-4000-8000-000000000002";
  assert.equal(
    (await awsFailure(us.send(new DescribeInstanceCommand({ InstanceId: betaArn })))).name,
    RNF,
  );
  assert.equal(
    (await eu2.send(new DescribeInstanceCommand({ InstanceId: betaArn }))).Instance?.InstanceAlias,
    "beta",
  );
  for (const c of [eu1, eu2, us]) c.destroy();
});

Deno.test("error responses carry X-Amzn-ErrorType, JSON Message and application/json", async () => {
  await using emu = await startEmulator({ seed: BASIC, quotas: false });
  const auth =
    "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/connect/aws4_request, SignedHeaders=host, Signature=00";
  const r = await fetch(`${emu.url}/quick-connects/${ALPHA}/nope`, {
    headers: { authorization: auth },
  });
  assert.equal(r.status, 404);
  assert.equal(r.headers.get("x-amzn-errortype"), "ResourceNotFoundException");
  assert.equal(r.headers.get("content-type"), "application/json");
  const body = await r.json();
  assert.equal(typeof body.Message, "string");
  const bad = await fetch(`${emu.url}/quick-connects/${ALPHA}`, {
    method: "PUT",
    headers: { authorization: auth },
    body: "{not json",
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.headers.get("x-amzn-errortype"), "SerializationException");
  await bad.body?.cancel();
  const unit = await fetch(`${emu.url}/quick-connects/${ALPHA}/qc-user-jdoe/name`, {
    method: "POST",
    headers: { authorization: auth },
    body: JSON.stringify({ Description: "x" }),
  });
  assert.equal(unit.status, 200);
  assert.equal(unit.headers.get("content-length"), "0");
  assert.equal(await unit.text(), "", "Unit responses have an empty body");
});

const AUTH =
  "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/connect/aws4_request, SignedHeaders=host, Signature=00";

/** The operations whose output is smithy.api#Unit (docs/connect-api.md §3). */
const UNIT_OPS = [
  "AssociateQueueQuickConnects",
  "DeleteQuickConnect",
  "DisassociateQueueQuickConnects",
  "TagResource",
  "UntagResource",
  "UpdateQuickConnectConfig",
  "UpdateQuickConnectName",
];

Deno.test("the route table's mutates flag: every GET reads, every PUT/POST/DELETE writes except the two Search operations (POST reads)", () => {
  for (const r of ROUTES) {
    const byMethod = r.method !== "GET" && !r.operation.startsWith("Search");
    assert.equal(r.mutates, byMethod, `${r.method} ${r.operation}`);
    // A Unit output is only ever a write's.
    if (r.unit) assert.ok(r.mutates, r.operation);
  }
  assert.deepEqual(
    MUTATING_OPERATIONS,
    ROUTES.filter((r) => r.mutates).map((r) => r.operation),
  );
  assert.equal(MUTATING_OPERATIONS.length, 8);
});

Deno.test("Unit operations answer 200 with an empty body (Content-Length: 0), and the SDK accepts it", async () => {
  assert.deepEqual(ROUTES.filter((r) => r.unit).map((r) => r.operation).sort(), UNIT_OPS);
  await using emu = await startEmulator({ seed: BASIC, quotas: false });
  const qc = `/quick-connects/${ALPHA}/qc-phone-helpdesk`;
  const tags = `/tags/${encodeURIComponent(QC_ARN)}`;
  const requests: [string, string, string, unknown][] = [
    ["UpdateQuickConnectName", "POST", `${qc}/name`, { Name: "Helpdesk 2" }],
    ["UpdateQuickConnectConfig", "POST", `${qc}/config`, { QuickConnectConfig: phone }],
    ["TagResource", "POST", tags, { tags: { a: "b" } }],
    ["UntagResource", "DELETE", `${tags}?tagKeys=a`, undefined],
    [
      "AssociateQueueQuickConnects",
      "POST",
      `/queues/${ALPHA}/queue-sales/associate-quick-connects`,
      { QuickConnectIds: ["qc-phone-helpdesk"] },
    ],
    [
      "DisassociateQueueQuickConnects",
      "POST",
      `/queues/${ALPHA}/queue-sales/disassociate-quick-connects`,
      { QuickConnectIds: ["qc-phone-helpdesk"] },
    ],
    ["DeleteQuickConnect", "DELETE", qc, undefined],
  ];
  for (const [op, method, path, body] of requests) {
    const r = await fetch(`${emu.url}${path}`, {
      method,
      headers: { authorization: AUTH },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    assert.equal(r.status, 200, op);
    assert.equal(r.headers.get("content-length"), "0", op);
    assert.equal(await r.text(), "", op);
    assert.equal(emu.calls()[op], 1, op);
  }
  // The SDK turns the empty body into an output with only $metadata.
  const c = testClient(emu, { maxAttempts: 1 });
  const out = await c.send(
    new UpdateQuickConnectNameCommand({
      InstanceId: ALPHA,
      QuickConnectId: "qc-user-jdoe",
      Name: "Renamed",
    }),
  );
  assert.deepEqual(Object.keys(out), ["$metadata"]);
  assert.equal(out.$metadata.httpStatusCode, 200);
  c.destroy();
});

Deno.test("empty path segments are not collapsed: an empty label or a trailing slash is 404 UnknownOperationException", async () => {
  await using emu = await startEmulator({ seed: BASIC, quotas: false });
  const paths: [string, string][] = [
    ["GET", `/quick-connects//${ALPHA}`], // was served as ListQuickConnects
    ["GET", `/quick-connects/${ALPHA}/`], // was ListQuickConnects too
    ["GET", `/quick-connects/${ALPHA}//`],
    ["GET", `//quick-connects/${ALPHA}`],
    ["GET", "/instance/"], // was ListInstances
    ["GET", `/quick-connects/${ALPHA}/qc-user-jdoe/`],
    ["DELETE", `/quick-connects//qc-user-jdoe`],
    ["GET", "/tags/"],
    ["GET", `/queues/${ALPHA}//quick-connects`],
  ];
  for (const [method, path] of paths) {
    assert.equal(matchRoute(method, path), undefined, `${method} ${path}`);
    const r = await fetch(`${emu.url}${path}`, { method, headers: { authorization: AUTH } });
    assert.equal(r.status, 404, `${method} ${path}`);
    assert.equal(r.headers.get("x-amzn-errortype"), "UnknownOperationException");
    await r.body?.cancel();
  }
  assert.deepEqual(emu.calls(), { UnknownOperation: paths.length });
  assert.equal(emu.state().Instances[0]?.QuickConnects.length, 4, "nothing was deleted");
  // The labelled forms still match.
  assert.equal(matchRoute("GET", `/quick-connects/${ALPHA}`)?.route.operation, "ListQuickConnects");
  assert.equal(matchRoute("GET", "/instance")?.route.operation, "ListInstances");
});

Deno.test("SigV4: a non-hex signature → 403 InvalidSignatureException; missing parts → IncompleteSignatureException", async () => {
  await using emu = await startEmulator({ seed: BASIC, quotas: false });
  const get = async (auth: string) => {
    const r = await fetch(`${emu.url}/instance`, { headers: { authorization: auth } });
    return { status: r.status, type: r.headers.get("x-amzn-errortype"), body: await r.json() };
  };
  const cred = "Credential=AKID/20250101/us-east-1/connect/aws4_request";
  for (const signature of ["not-hex!", "ABCDEF", "xyz0123"]) {
    const bad = await get(
      `AWS4-HMAC-SHA256 ${cred}, SignedHeaders=host;x-amz-date, Signature=${signature}`,
    );
    assert.deepEqual([bad.status, bad.type], [403, "InvalidSignatureException"], signature);
    assert.match(
      bad.body.Message,
      /^The request signature we calculated does not match the signature you provided/,
    );
  }
  for (
    const incomplete of [
      `AWS4-HMAC-SHA256 ${cred}, SignedHeaders=host`,
      `AWS4-HMAC-SHA256 ${cred}, Signature=abc123`,
      "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=abc123",
    ]
  ) {
    const r = await get(incomplete);
    assert.deepEqual([r.status, r.type], [403, "IncompleteSignatureException"], incomplete);
  }
});
