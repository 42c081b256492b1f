/** Validation and resource errors, each checked for name and HTTP status through the SDK. */
import assert from "node:assert/strict";
import {
  AssociateQueueQuickConnectsCommand,
  type ConnectClient,
  CreateQuickConnectCommand,
  type CreateQuickConnectCommandInput,
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
  type QuickConnectConfig,
  SearchQuickConnectsCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateQuickConnectConfigCommand,
  UpdateQuickConnectNameCommand,
} from "@aws-sdk/client-connect";
import { awsFailure, type Emulator, startEmulator, testClient } from "../emulator/testing.ts";

const BASIC = "tests/fixtures/emulator/basic.json";
const ALPHA = "aaaaaaaa-0000-4000-8000-000000000001";
const ALPHA_ARN = `arn:aws:connect:us-east-1:111122223333:instance/${ALPHA}`;
const MISSING = "00000000-0000-4000-8000-00000000dead";

async function withEmu(fn: (c: ConnectClient, emu: Emulator) => Promise<void>): Promise<void> {
  await using emu = await startEmulator({ seed: BASIC, quotas: false });
  const client = testClient(emu, { maxAttempts: 1 });
  try {
    await fn(client, emu);
  } finally {
    client.destroy();
  }
}

async function expectError(
  call: Promise<unknown>,
  name: string,
  status: number,
  messagePart?: string | RegExp,
): Promise<void> {
  const f = await awsFailure(call);
  assert.equal(f.name, name, `${f.name}: ${f.message}`);
  assert.equal(f.status, status);
  if (typeof messagePart === "string") assert.ok(f.message.includes(messagePart), f.message);
  else if (messagePart) assert.match(f.message, messagePart);
}

const phone = (n = "+15550001111"): QuickConnectConfig => ({
  QuickConnectType: "PHONE_NUMBER",
  PhoneConfig: { PhoneNumber: n },
});
const create = (c: ConnectClient, input: Partial<CreateQuickConnectCommandInput>) =>
  c.send(
    new CreateQuickConnectCommand({
      InstanceId: ALPHA,
      Name: "New one",
      QuickConnectConfig: phone(),
      ...input,
    }),
  );
const IPE = "InvalidParameterException";
const IRE = "InvalidRequestException";
const AUTH =
  "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/connect/aws4_request, SignedHeaders=host, Signature=00";

/** A raw signed-looking request, for bodies the SDK cannot express. */
async function raw(
  emu: Emulator,
  method: string,
  path: string,
  body: unknown,
): Promise<{ status: number; type: string | null; body: Record<string, unknown> }> {
  const r = await fetch(`${emu.url}${path}`, {
    method,
    headers: { authorization: AUTH, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  return {
    status: r.status,
    type: r.headers.get("x-amzn-errortype"),
    body: text === "" ? {} : JSON.parse(text),
  };
}

Deno.test("CreateQuickConnect: name and description lengths", () =>
  withEmu(async (c) => {
    await expectError(create(c, { Name: "" }), IPE, 400, "length");
    await expectError(create(c, { Name: "x".repeat(128) }), IPE, 400, "127");
    await create(c, { Name: "x".repeat(127) });
    await expectError(
      create(c, { Description: "" }),
      IPE,
      400,
      "Description",
    );
    await expectError(create(c, { Description: "d".repeat(251) }), IPE, 400, "250");
    await create(c, { Name: "desc ok", Description: "d".repeat(250) });
  }));

Deno.test("CreateQuickConnect: config shape, type enum, E.164", () =>
  withEmu(async (c) => {
    for (const bad of ["5550001111", "+05550001111", "+1555000111122223", "+1 555 000", ""]) {
      await expectError(create(c, { QuickConnectConfig: phone(bad) }), IPE, 400, "pattern");
    }
    await create(c, { Name: "shortest", QuickConnectConfig: phone("+12") });
    await expectError(
      create(c, {
        QuickConnectConfig: {
          QuickConnectType: "BOGUS" as "USER",
          PhoneConfig: { PhoneNumber: "+15550001111" },
        },
      }),
      IPE,
      400,
      "enum",
    );
    await expectError(
      create(c, { QuickConnectConfig: { QuickConnectType: "USER" } }),
      IPE,
      400,
      "UserConfig",
    );
    await expectError(
      create(c, {
        QuickConnectConfig: {
          QuickConnectType: "QUEUE",
          QueueConfig: { QueueId: "queue-support" } as { QueueId: string; ContactFlowId: string },
        },
      }),
      IPE,
      400,
      "contactFlowId",
    );
    await expectError(
      create(c, {
        QuickConnectConfig: { ...phone(), FlowConfig: { ContactFlowId: "flow-inbound" } },
      }),
      IPE,
      400,
      "FlowConfig",
    );
  }));

Deno.test("CreateQuickConnect: unknown references and wrong flow types name the culprit", () =>
  withEmu(async (c) => {
    const user = (UserId: string, ContactFlowId: string): QuickConnectConfig => ({
      QuickConnectType: "USER",
      UserConfig: { UserId, ContactFlowId },
    });
    const queue = (QueueId: string, ContactFlowId: string): QuickConnectConfig => ({
      QuickConnectType: "QUEUE",
      QueueConfig: { QueueId, ContactFlowId },
    });
    const flow = (ContactFlowId: string): QuickConnectConfig => ({
      QuickConnectType: "FLOW",
      FlowConfig: { ContactFlowId },
    });
    await expectError(
      create(c, { QuickConnectConfig: user("user-nobody", "flow-agent") }),
      IPE,
      400,
      "user-nobody",
    );
    await expectError(
      create(c, { QuickConnectConfig: user("user-jdoe", "flow-nope") }),
      IPE,
      400,
      "flow-nope",
    );
    await expectError(
      create(c, { QuickConnectConfig: user("user-jdoe", "flow-queue") }),
      IPE,
      400,
      "AGENT_TRANSFER",
    );
    await expectError(
      create(c, { QuickConnectConfig: queue("queue-nope", "flow-queue") }),
      IPE,
      400,
      "queue-nope",
    );
    await expectError(
      create(c, { QuickConnectConfig: queue("queue-sales", "flow-agent") }),
      IPE,
      400,
      "QUEUE_TRANSFER",
    );
    await expectError(
      create(c, { QuickConnectConfig: queue("agent/user-jdoe", "flow-queue") }),
      IPE,
      400,
      "STANDARD",
    );
    await expectError(
      create(c, { QuickConnectConfig: flow("flow-agent") }),
      IPE,
      400,
      "CONTACT_FLOW",
    );
    const ok = await create(c, { Name: "ok flow", QuickConnectConfig: flow("flow-inbound") });
    await expectError(
      c.send(
        new UpdateQuickConnectConfigCommand({
          InstanceId: ALPHA,
          QuickConnectId: ok.QuickConnectId,
          QuickConnectConfig: user("user-jdoe", "flow-inbound"),
        }),
      ),
      IPE,
      400,
      "AGENT_TRANSFER",
    );
  }));

Deno.test("CreateQuickConnect: tags 1-50, key 1-128 without aws:, value 0-256", () =>
  withEmu(async (c) => {
    await expectError(create(c, { Tags: {} }), IPE, 400);
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"]));
    await expectError(create(c, { Tags: many }), IPE, 400);
    await expectError(create(c, { Tags: { "aws:createdBy": "x" } }), IPE, 400, "pattern");
    await expectError(create(c, { Tags: { ["k".repeat(129)]: "x" } }), IPE, 400);
    await expectError(create(c, { Tags: { "bad#key": "x" } }), IPE, 400, "pattern");
    await expectError(create(c, { Tags: { k: "v".repeat(257) } }), IPE, 400, "256");
    const fifty = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [`k${i}`, "v".repeat(256)]),
    );
    await create(c, { Name: "fifty", Tags: { ...fifty } });
    await create(c, { Name: "unicode", Tags: { "Équipe: ventes/été=+@-_.": "" } });
  }));

Deno.test("CreateQuickConnect: duplicate name 409 (case-sensitive) and quota 429", () =>
  withEmu(async (c, emu) => {
    await expectError(create(c, { Name: "Support Queue" }), "DuplicateResourceException", 409);
    await create(c, { Name: "support queue" });
    // basic.json sets QuickConnectQuota 6 for alpha and seeds 4.
    await create(c, { Name: "sixth" });
    await expectError(create(c, { Name: "seventh" }), "LimitExceededException", 429, "quota");
    assert.equal(emu.state().Instances[0]?.QuickConnects.length, 6);
  }));

Deno.test("UpdateQuickConnectName: validation, rename onto a taken name → 409", () =>
  withEmu(async (c) => {
    const upd = (input: { Name?: string; Description?: string; QuickConnectId?: string }) =>
      c.send(
        new UpdateQuickConnectNameCommand({
          InstanceId: ALPHA,
          QuickConnectId: "qc-flow-survey",
          ...input,
        }),
      );
    await expectError(upd({}), IPE, 400, "At least");
    await expectError(upd({ Name: "" }), IPE, 400);
    await expectError(upd({ Name: "n".repeat(128) }), IPE, 400);
    await expectError(upd({ Description: "d".repeat(251) }), IPE, 400);
    await expectError(upd({ Name: "Support Queue" }), "DuplicateResourceException", 409);
    await upd({ Name: "Chat Survey" }); // its own name is not a conflict
    await expectError(
      upd({ Name: "x", QuickConnectId: MISSING }),
      "ResourceNotFoundException",
      404,
    );
  }));

Deno.test("unknown instance / quick connect / queue / user → ResourceNotFoundException 404", () =>
  withEmu(async (c) => {
    const RNF = "ResourceNotFoundException";
    await expectError(c.send(new ListQuickConnectsCommand({ InstanceId: MISSING })), RNF, 404);
    await expectError(create(c, { InstanceId: MISSING }), RNF, 404);
    await expectError(c.send(new DescribeInstanceCommand({ InstanceId: MISSING })), RNF, 404);
    await expectError(
      c.send(
        new DescribeInstanceCommand({
          InstanceId: `arn:aws:connect:us-east-1:999999999999:instance/${ALPHA}`,
        }),
      ),
      RNF,
      404,
    );
    await expectError(c.send(new ListUsersCommand({ InstanceId: MISSING })), RNF, 404);
    await expectError(c.send(new ListQueuesCommand({ InstanceId: MISSING })), RNF, 404);
    await expectError(c.send(new ListContactFlowsCommand({ InstanceId: MISSING })), RNF, 404);
    await expectError(
      c.send(new DescribeQuickConnectCommand({ InstanceId: ALPHA, QuickConnectId: MISSING })),
      RNF,
      404,
    );
    await expectError(
      c.send(new DeleteQuickConnectCommand({ InstanceId: ALPHA, QuickConnectId: MISSING })),
      RNF,
      404,
    );
    await expectError(
      c.send(
        new UpdateQuickConnectConfigCommand({
          InstanceId: ALPHA,
          QuickConnectId: MISSING,
          QuickConnectConfig: phone(),
        }),
      ),
      RNF,
      404,
    );
    await expectError(
      c.send(new DescribeUserCommand({ InstanceId: ALPHA, UserId: "nobody" })),
      RNF,
      404,
    );
    await expectError(
      c.send(new ListQueueQuickConnectsCommand({ InstanceId: ALPHA, QueueId: "queue-nope" })),
      RNF,
      404,
    );
    await expectError(
      c.send(
        new AssociateQueueQuickConnectsCommand({
          InstanceId: ALPHA,
          QueueId: "queue-nope",
          QuickConnectIds: ["qc-user-jdoe"],
        }),
      ),
      RNF,
      404,
    );
    await expectError(
      c.send(
        new AssociateQueueQuickConnectsCommand({
          InstanceId: ALPHA,
          QueueId: "queue-sales",
          QuickConnectIds: [MISSING],
        }),
      ),
      RNF,
      404,
      MISSING,
    );
    await expectError(
      c.send(new SearchQuickConnectsCommand({ InstanceId: MISSING })),
      RNF,
      404,
    );
    const qcArnMissing = `${ALPHA_ARN}/transfer-destination/${MISSING}`;
    await expectError(
      c.send(new ListTagsForResourceCommand({ resourceArn: qcArnMissing })),
      RNF,
      404,
    );
    await expectError(
      c.send(new TagResourceCommand({ resourceArn: qcArnMissing, tags: { a: "b" } })),
      RNF,
      404,
    );
    await expectError(
      c.send(new UntagResourceCommand({ resourceArn: qcArnMissing, tagKeys: ["a"] })),
      RNF,
      404,
    );
    await expectError(
      c.send(new ListTagsForResourceCommand({ resourceArn: "not-an-arn" })),
      IPE,
      400,
    );
  }));

Deno.test("association and untag list sizes", () =>
  withEmu(async (c) => {
    const ids = (n: number) => Array.from({ length: n }, () => "qc-user-jdoe");
    const assoc = (QuickConnectIds: string[]) =>
      c.send(
        new AssociateQueueQuickConnectsCommand({
          InstanceId: ALPHA,
          QueueId: "queue-sales",
          QuickConnectIds,
        }),
      );
    const disassoc = (QuickConnectIds: string[]) =>
      c.send(
        new DisassociateQueueQuickConnectsCommand({
          InstanceId: ALPHA,
          QueueId: "queue-sales",
          QuickConnectIds,
        }),
      );
    await expectError(assoc([]), IPE, 400);
    await expectError(assoc(ids(51)), IPE, 400);
    await assoc(ids(50));
    await expectError(disassoc([]), IPE, 400);
    await expectError(disassoc(ids(51)), IPE, 400);
    await disassoc(ids(50));
    const arn = `${ALPHA_ARN}/transfer-destination/qc-user-jdoe`;
    await expectError(
      c.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: [] })),
      IPE,
      400,
    );
    await expectError(
      c.send(
        new UntagResourceCommand({
          resourceArn: arn,
          tagKeys: Array.from({ length: 51 }, (_, i) => `k${i}`),
        }),
      ),
      IPE,
      400,
    );
    await expectError(c.send(new TagResourceCommand({ resourceArn: arn, tags: {} })), IPE, 400);
    await expectError(
      c.send(new TagResourceCommand({ resourceArn: arn, tags: { "aws:x": "y" } })),
      IPE,
      400,
    );
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, "v"]));
    await expectError(
      c.send(new TagResourceCommand({ resourceArn: arn, tags: fifty })),
      IPE,
      400,
      "50",
    );
  }));

Deno.test("maxResults ranges and list-filter enums", () =>
  withEmu(async (c) => {
    const cases: [
      string,
      () => Promise<unknown>,
      () => Promise<unknown>,
      () => Promise<unknown>,
    ][] = [
      [
        "ListQuickConnects",
        () => c.send(new ListQuickConnectsCommand({ InstanceId: ALPHA, MaxResults: 0 })),
        () => c.send(new ListQuickConnectsCommand({ InstanceId: ALPHA, MaxResults: 1001 })),
        () => c.send(new ListQuickConnectsCommand({ InstanceId: ALPHA, MaxResults: 1000 })),
      ],
      [
        "ListUsers",
        () => c.send(new ListUsersCommand({ InstanceId: ALPHA, MaxResults: 0 })),
        () => c.send(new ListUsersCommand({ InstanceId: ALPHA, MaxResults: 1001 })),
        () => c.send(new ListUsersCommand({ InstanceId: ALPHA, MaxResults: 1000 })),
      ],
      [
        "ListQueues",
        () => c.send(new ListQueuesCommand({ InstanceId: ALPHA, MaxResults: 0 })),
        () => c.send(new ListQueuesCommand({ InstanceId: ALPHA, MaxResults: 1001 })),
        () => c.send(new ListQueuesCommand({ InstanceId: ALPHA, MaxResults: 1000 })),
      ],
      [
        "ListContactFlows",
        () => c.send(new ListContactFlowsCommand({ InstanceId: ALPHA, MaxResults: 0 })),
        () => c.send(new ListContactFlowsCommand({ InstanceId: ALPHA, MaxResults: 1001 })),
        () => c.send(new ListContactFlowsCommand({ InstanceId: ALPHA, MaxResults: 1000 })),
      ],
      [
        "SearchQuickConnects",
        () => c.send(new SearchQuickConnectsCommand({ InstanceId: ALPHA, MaxResults: 0 })),
        () => c.send(new SearchQuickConnectsCommand({ InstanceId: ALPHA, MaxResults: 101 })),
        () => c.send(new SearchQuickConnectsCommand({ InstanceId: ALPHA, MaxResults: 100 })),
      ],
      [
        "ListQueueQuickConnects",
        () =>
          c.send(
            new ListQueueQuickConnectsCommand({
              InstanceId: ALPHA,
              QueueId: "queue-support",
              MaxResults: 0,
            }),
          ),
        () =>
          c.send(
            new ListQueueQuickConnectsCommand({
              InstanceId: ALPHA,
              QueueId: "queue-support",
              MaxResults: 101,
            }),
          ),
        () =>
          c.send(
            new ListQueueQuickConnectsCommand({
              InstanceId: ALPHA,
              QueueId: "queue-support",
              MaxResults: 100,
            }),
          ),
      ],
      [
        "ListInstances",
        () => c.send(new ListInstancesCommand({ MaxResults: 0 })),
        () => c.send(new ListInstancesCommand({ MaxResults: 11 })),
        () => c.send(new ListInstancesCommand({ MaxResults: 10 })),
      ],
    ];
    for (const [op, low, high, ok] of cases) {
      // ListInstances models no InvalidParameterException (docs/connect-api.md §2).
      const err = op === "ListInstances" ? IRE : IPE;
      await expectError(low(), err, 400, "greater than or equal to 1").catch((e) => {
        throw new Error(`${op} low: ${e}`);
      });
      await expectError(high(), err, 400, "less than or equal to").catch((e) => {
        throw new Error(`${op} high: ${e}`);
      });
      await ok();
    }
    await expectError(
      c.send(
        new ListQuickConnectsCommand({ InstanceId: ALPHA, QuickConnectTypes: ["CHAT" as "USER"] }),
      ),
      IPE,
      400,
      "enum",
    );
    await expectError(
      c.send(new ListQueuesCommand({ InstanceId: ALPHA, QueueTypes: ["VIP" as "AGENT"] })),
      IPE,
      400,
    );
    await expectError(
      c.send(
        new ListContactFlowsCommand({
          InstanceId: ALPHA,
          ContactFlowTypes: ["NOPE" as "CAMPAIGN"],
        }),
      ),
      IPE,
      400,
    );
    await expectError(
      c.send(
        new SearchQuickConnectsCommand({
          InstanceId: ALPHA,
          SearchCriteria: {
            StringCondition: { FieldName: "type", Value: "USER", ComparisonType: "EXACT" },
          },
        }),
      ),
      IPE,
      400,
      "FieldName",
    );
  }));

Deno.test("nextToken: garbage, and tokens from another op or instance, are rejected", () =>
  withEmu(async (c, emu) => {
    const page = await c.send(new ListQuickConnectsCommand({ InstanceId: ALPHA, MaxResults: 1 }));
    assert.ok(page.NextToken);
    await expectError(
      c.send(new ListQuickConnectsCommand({ InstanceId: ALPHA, NextToken: "garbage!!" })),
      IPE,
      400,
      "nextToken",
    );
    await expectError(
      c.send(new ListUsersCommand({ InstanceId: ALPHA, NextToken: page.NextToken })),
      IPE,
      400,
    );
    await expectError(
      c.send(new SearchQuickConnectsCommand({ InstanceId: ALPHA, NextToken: page.NextToken })),
      IPE,
      400,
    );
    await expectError(
      c.send(
        new ListQueueQuickConnectsCommand({
          InstanceId: ALPHA,
          QueueId: "queue-support",
          NextToken: page.NextToken,
        }),
      ),
      IPE,
      400,
    );
    const eu = testClient(emu, { region: "eu-west-2", maxAttempts: 1 });
    await expectError(
      eu.send(
        new ListQuickConnectsCommand({
          InstanceId: "bbbbbbbb-0000-4000-8000-000000000002",
          NextToken: page.NextToken,
        }),
      ),
      IPE,
      400,
      "different request",
    );
    eu.destroy();
    const other = await c.send(
      new ListQuickConnectsCommand({ InstanceId: ALPHA, MaxResults: 1, NextToken: page.NextToken }),
    );
    assert.equal(other.QuickConnectSummaryList?.length, 1);
  }));

Deno.test("DescribeInstance and ListInstances report validation errors as InvalidRequestException", () =>
  withEmu(async (c) => {
    await expectError(
      c.send(new DescribeInstanceCommand({ InstanceId: "x".repeat(101) })),
      IRE,
      400,
      "length between 1 and 100",
    );
    await expectError(c.send(new ListInstancesCommand({ MaxResults: 0 })), IRE, 400);
    await expectError(
      c.send(new ListInstancesCommand({ NextToken: "garbage!!" })),
      IRE,
      400,
      "nextToken",
    );
    const page = await c.send(new ListQuickConnectsCommand({ InstanceId: ALPHA, MaxResults: 1 }));
    await expectError(
      c.send(new ListInstancesCommand({ NextToken: page.NextToken })),
      IRE,
      400,
      "different request",
    );
    // Not-found stays ResourceNotFoundException; other operations keep InvalidParameterException.
    await expectError(
      c.send(new DescribeInstanceCommand({ InstanceId: MISSING })),
      "ResourceNotFoundException",
      404,
    );
    await expectError(
      c.send(new ListQuickConnectsCommand({ InstanceId: "x".repeat(101) })),
      IPE,
      400,
    );
  }));

Deno.test("SearchQuickConnects: MaxResults as a JSON string is a SerializationException", () =>
  withEmu(async (_c, emu) => {
    for (const bad of ["5", "abc", 5.5, true]) {
      const r = await raw(emu, "POST", "/search-quick-connects", {
        InstanceId: ALPHA,
        MaxResults: bad,
      });
      assert.deepEqual([r.status, r.type], [400, "SerializationException"], JSON.stringify(bad));
    }
    const ok = await raw(emu, "POST", "/search-quick-connects", {
      InstanceId: ALPHA,
      MaxResults: 2,
    });
    assert.equal(ok.status, 200);
    assert.equal((ok.body.QuickConnects as unknown[]).length, 2);
    // Query-string maxResults are strings on the wire and are still parsed.
    const list = await fetch(`${emu.url}/quick-connects/${ALPHA}?maxResults=2`, {
      headers: { authorization: AUTH },
    });
    assert.equal(list.status, 200);
    assert.equal((await list.json()).QuickConnectSummaryList.length, 2);
  }));

Deno.test("SearchQuickConnects: explicit nulls inside SearchCriteria and TagFilter count as absent", () =>
  withEmu(async (_c, emu) => {
    const search = async (extra: Record<string, unknown>) => {
      const r = await raw(emu, "POST", "/search-quick-connects", { InstanceId: ALPHA, ...extra });
      assert.equal(r.status, 200, `${JSON.stringify(extra)}: ${r.type} ${r.body.Message}`);
      return (r.body.QuickConnects as { QuickConnectId: string }[])
        .map((q) => q.QuickConnectId).sort();
    };
    const all = ["qc-flow-survey", "qc-phone-helpdesk", "qc-queue-support", "qc-user-jdoe"];
    assert.deepEqual(
      await search({
        SearchCriteria: { StringCondition: null, AndConditions: null, OrConditions: null },
      }),
      all,
    );
    assert.deepEqual(
      await search({
        SearchCriteria: {
          StringCondition: null,
          AndConditions: [{
            StringCondition: { FieldName: "name", Value: "Support", ComparisonType: "STARTS_WITH" },
            OrConditions: null,
          }],
          OrConditions: null,
        },
      }),
      ["qc-queue-support"],
    );
    assert.deepEqual(
      await search({
        SearchFilter: {
          TagFilter: { TagCondition: null, AndConditions: null, OrConditions: null },
        },
      }),
      all,
    );
    // TagValue null: the condition asks only that the key be present.
    assert.deepEqual(
      await search({
        SearchFilter: {
          TagFilter: {
            TagCondition: { TagKey: "Tier", TagValue: null },
            AndConditions: null,
            OrConditions: null,
          },
        },
      }),
      ["qc-queue-support"],
    );
    assert.deepEqual(
      await search({
        SearchFilter: {
          TagFilter: {
            TagCondition: null,
            AndConditions: [{ TagKey: "Team", TagValue: null }],
            OrConditions: [[{ TagKey: "Team", TagValue: "Sales" }]],
          },
        },
      }),
      ["qc-phone-helpdesk"],
    );
    // A wrongly typed member is still rejected.
    const bad = await raw(emu, "POST", "/search-quick-connects", {
      InstanceId: ALPHA,
      SearchCriteria: { StringCondition: "name" },
    });
    assert.deepEqual([bad.status, bad.type], [400, "SerializationException"]);
  }));

Deno.test('QuickConnectIds [""] is ResourceNotFoundException naming the empty ID, not a SerializationException', () =>
  withEmu(async (c) => {
    for (
      const Command of [AssociateQueueQuickConnectsCommand, DisassociateQueueQuickConnectsCommand]
    ) {
      await expectError(
        c.send(new Command({ InstanceId: ALPHA, QueueId: "queue-sales", QuickConnectIds: [""] })),
        "ResourceNotFoundException",
        404,
        "QuickConnect not found: ''",
      );
    }
  }));
