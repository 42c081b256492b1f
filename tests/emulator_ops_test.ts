/**
 * Every operation but SearchRoutingProfiles (tests/emulator_routing_profiles_test.ts), happy
 * paths, through the real SDK client.
 */
import assert from "node:assert/strict";
import {
  AssociateQueueQuickConnectsCommand,
  type ConnectClient,
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
  paginateListQuickConnects,
  paginateSearchQuickConnects,
  SearchQuickConnectsCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateQuickConnectConfigCommand,
  UpdateQuickConnectNameCommand,
} from "@aws-sdk/client-connect";
import {
  awsFailure,
  type Emulator,
  SAMPLE_SEED_PATH,
  startEmulator,
  testClient,
} from "../emulator/testing.ts";

const BASIC = "tests/fixtures/emulator/basic.json";
const ALPHA = "aaaaaaaa-0000-4000-8000-000000000001";
const ALPHA_ARN = `arn:aws:connect:us-east-1:111122223333:instance/${ALPHA}`;
const qcArn = (id: string) => `${ALPHA_ARN}/transfer-destination/${id}`;

async function withEmu(fn: (emu: Emulator, c: ConnectClient) => Promise<void>): Promise<void> {
  await using emu = await startEmulator({ seed: BASIC, quotas: false });
  const client = testClient(emu);
  try {
    await fn(emu, client);
  } finally {
    client.destroy();
  }
  assert.equal(emu.calls().UnknownOperation, undefined, "no request fell through");
}

Deno.test("ListQuickConnects: summaries, type filter, InstanceId as ARN", () =>
  withEmu(async (_emu, c) => {
    const all = await c.send(new ListQuickConnectsCommand({ InstanceId: ALPHA }));
    assert.equal(all.QuickConnectSummaryList?.length, 4);
    assert.equal(all.NextToken, undefined);
    const user = all.QuickConnectSummaryList?.find((s) => s.Id === "qc-user-jdoe");
    assert.deepEqual(
      { ...user, LastModifiedTime: undefined },
      {
        Id: "qc-user-jdoe",
        Arn: qcArn("qc-user-jdoe"),
        Name: "Transfer to John",
        QuickConnectType: "USER",
        LastModifiedTime: undefined,
        LastModifiedRegion: "us-east-1",
      },
    );
    assert.ok(user?.LastModifiedTime instanceof Date, "timestamp parsed from epoch seconds");
    const filtered = await c.send(
      new ListQuickConnectsCommand({
        InstanceId: ALPHA_ARN,
        QuickConnectTypes: ["PHONE_NUMBER", "FLOW"],
      }),
    );
    assert.deepEqual(
      filtered.QuickConnectSummaryList?.map((s) => s.Id).sort(),
      ["qc-flow-survey", "qc-phone-helpdesk"],
    );
  }));

Deno.test("DescribeQuickConnect: full shape, Tags only when non-empty", () =>
  withEmu(async (_emu, c) => {
    const d = await c.send(
      new DescribeQuickConnectCommand({ InstanceId: ALPHA, QuickConnectId: "qc-queue-support" }),
    );
    const qc = d.QuickConnect;
    assert.equal(qc?.QuickConnectARN, qcArn("qc-queue-support"));
    assert.equal(qc?.QuickConnectId, "qc-queue-support");
    assert.equal(qc?.Name, "Support Queue");
    assert.equal(qc?.Description, undefined);
    assert.deepEqual(qc?.QuickConnectConfig, {
      QuickConnectType: "QUEUE",
      QueueConfig: { QueueId: "queue-support", ContactFlowId: "flow-queue" },
    });
    assert.deepEqual(qc?.Tags, { Team: "Support", Tier: "1" });
    assert.equal(qc?.LastModifiedRegion, "us-east-1");
    assert.ok(qc?.LastModifiedTime instanceof Date);
    const flow = await c.send(
      new DescribeQuickConnectCommand({ InstanceId: ALPHA, QuickConnectId: "qc-flow-survey" }),
    );
    assert.equal(flow.QuickConnect?.Tags, undefined);
    assert.deepEqual(flow.QuickConnect?.QuickConnectConfig?.FlowConfig, {
      ContactFlowId: "flow-inbound",
    });
  }));

Deno.test("SearchQuickConnects: criteria, tag filters, ApproximateTotalCount", () =>
  withEmu(async (_emu, c) => {
    const search = async (
      input: Omit<ConstructorParameters<typeof SearchQuickConnectsCommand>[0], "InstanceId">,
    ) => {
      const r = await c.send(new SearchQuickConnectsCommand({ InstanceId: ALPHA, ...input }));
      return { ids: (r.QuickConnects ?? []).map((q) => q.QuickConnectId).sort(), r };
    };
    const all = await search({});
    assert.equal(all.ids.length, 4);
    assert.equal(all.r.ApproximateTotalCount, 4);
    const tagged = all.r.QuickConnects?.find((q) => q.QuickConnectId === "qc-user-jdoe");
    assert.deepEqual(tagged?.Tags, { Team: "Support" });
    assert.equal(tagged?.QuickConnectConfig?.UserConfig?.UserId, "user-jdoe");

    const exact = await search({
      SearchCriteria: {
        StringCondition: { FieldName: "name", Value: "Support Queue", ComparisonType: "EXACT" },
      },
    });
    assert.deepEqual(exact.ids, ["qc-queue-support"]);
    const exactWrongCase = await search({
      SearchCriteria: {
        StringCondition: { FieldName: "name", Value: "support queue", ComparisonType: "EXACT" },
      },
    });
    assert.deepEqual(exactWrongCase.ids, []);
    const starts = await search({
      SearchCriteria: {
        StringCondition: { FieldName: "name", Value: "transfer", ComparisonType: "STARTS_WITH" },
      },
    });
    assert.deepEqual(starts.ids, ["qc-user-jdoe"]);
    const desc = await search({
      SearchCriteria: {
        StringCondition: { FieldName: "description", Value: "help", ComparisonType: "CONTAINS" },
      },
    });
    assert.deepEqual(desc.ids, ["qc-phone-helpdesk"]);
    const byId = await search({
      SearchCriteria: {
        StringCondition: {
          FieldName: "resourceID",
          Value: "qc-flow-survey",
          ComparisonType: "EXACT",
        },
      },
    });
    assert.deepEqual(byId.ids, ["qc-flow-survey"]);
    const or = await search({
      SearchCriteria: {
        OrConditions: [
          { StringCondition: { FieldName: "name", Value: "Chat", ComparisonType: "STARTS_WITH" } },
          { StringCondition: { FieldName: "name", Value: "Helpdesk", ComparisonType: "CONTAINS" } },
        ],
      },
    });
    assert.deepEqual(or.ids, ["qc-flow-survey", "qc-phone-helpdesk"]);
    const and = await search({
      SearchCriteria: {
        AndConditions: [
          { StringCondition: { FieldName: "name", Value: "e", ComparisonType: "CONTAINS" } },
          {
            StringCondition: { FieldName: "name", Value: "Support", ComparisonType: "STARTS_WITH" },
          },
        ],
      },
    });
    assert.deepEqual(and.ids, ["qc-queue-support"]);

    const tagOne = await search({
      SearchFilter: { TagFilter: { TagCondition: { TagKey: "Team", TagValue: "Support" } } },
    });
    assert.deepEqual(tagOne.ids, ["qc-queue-support", "qc-user-jdoe"]);
    assert.equal(tagOne.r.ApproximateTotalCount, 2);
    const tagAnd = await search({
      SearchFilter: {
        TagFilter: {
          AndConditions: [{ TagKey: "Team", TagValue: "Support" }, {
            TagKey: "Tier",
            TagValue: "1",
          }],
        },
      },
    });
    assert.deepEqual(tagAnd.ids, ["qc-queue-support"]);
    const tagOr = await search({
      SearchFilter: {
        TagFilter: {
          OrConditions: [[{ TagKey: "Team", TagValue: "Sales" }], [{
            TagKey: "Tier",
            TagValue: "1",
          }]],
        },
      },
    });
    assert.deepEqual(tagOr.ids, ["qc-phone-helpdesk", "qc-queue-support"]);
  }));

Deno.test("Create → Describe → UpdateName → UpdateConfig → Delete", () =>
  withEmu(async (emu, c) => {
    const created = await c.send(
      new CreateQuickConnectCommand({
        InstanceId: ALPHA,
        Name: "Transfer to Alice",
        Description: "new",
        QuickConnectConfig: {
          QuickConnectType: "USER",
          UserConfig: { UserId: "user-asmith", ContactFlowId: "flow-agent" },
        },
        Tags: { Team: "Sales", Empty: "" },
      }),
    );
    const id = created.QuickConnectId ?? "";
    assert.match(id, /^[0-9a-f-]{36}$/);
    assert.equal(created.QuickConnectARN, qcArn(id));
    const d1 = await c.send(
      new DescribeQuickConnectCommand({ InstanceId: ALPHA, QuickConnectId: id }),
    );
    assert.equal(d1.QuickConnect?.Name, "Transfer to Alice");
    assert.deepEqual(d1.QuickConnect?.Tags, { Team: "Sales", Empty: "" });

    const renamed = await c.send(
      new UpdateQuickConnectNameCommand({ InstanceId: ALPHA, QuickConnectId: id, Name: "Alice" }),
    );
    assert.equal(renamed.$metadata.httpStatusCode, 200);
    await c.send(
      new UpdateQuickConnectNameCommand({ InstanceId: ALPHA, QuickConnectId: id, Description: "" }),
    );
    await c.send(
      new UpdateQuickConnectConfigCommand({
        InstanceId: ALPHA,
        QuickConnectId: id,
        QuickConnectConfig: {
          QuickConnectType: "PHONE_NUMBER",
          PhoneConfig: { PhoneNumber: "+15550001111" },
        },
      }),
    );
    const d2 = await c.send(
      new DescribeQuickConnectCommand({ InstanceId: ALPHA, QuickConnectId: id }),
    );
    assert.equal(d2.QuickConnect?.Name, "Alice");
    assert.equal(d2.QuickConnect?.Description, undefined, "empty description clears it");
    assert.deepEqual(d2.QuickConnect?.QuickConnectConfig, {
      QuickConnectType: "PHONE_NUMBER",
      PhoneConfig: { PhoneNumber: "+15550001111" },
    });

    await c.send(
      new AssociateQueueQuickConnectsCommand({
        InstanceId: ALPHA,
        QueueId: "queue-sales",
        QuickConnectIds: [id],
      }),
    );
    const del = await c.send(
      new DeleteQuickConnectCommand({ InstanceId: ALPHA, QuickConnectId: id }),
    );
    assert.equal(del.$metadata.httpStatusCode, 200);
    const after = emu.state().Instances[0];
    assert.equal(after?.QuickConnects.some((q) => q.QuickConnectId === id), false);
    assert.equal(after?.QueueQuickConnects["queue-sales"], undefined, "association dropped too");
  }));

Deno.test("Tag operations on a quick connect ARN (percent-encoded label)", () =>
  withEmu(async (_emu, c) => {
    const arn = qcArn("qc-flow-survey");
    assert.deepEqual((await c.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, {});
    await c.send(
      new TagResourceCommand({ resourceArn: arn, tags: { a: "1", "b c": "2", d: "3" } }),
    );
    await c.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ["a", "b c", "missing"] }));
    assert.deepEqual((await c.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, {
      d: "3",
    });
    const d = await c.send(
      new DescribeQuickConnectCommand({ InstanceId: ALPHA, QuickConnectId: "qc-flow-survey" }),
    );
    assert.deepEqual(d.QuickConnect?.Tags, { d: "3" });
  }));

Deno.test("ListUsers and DescribeUser", () =>
  withEmu(async (_emu, c) => {
    const users = await c.send(new ListUsersCommand({ InstanceId: ALPHA }));
    assert.deepEqual(users.UserSummaryList?.map((u) => [u.Id, u.Username, u.Arn]), [
      ["user-asmith", "asmith", `${ALPHA_ARN}/agent/user-asmith`],
      ["user-jdoe", "jdoe", `${ALPHA_ARN}/agent/user-jdoe`],
    ]);
    const d = await c.send(new DescribeUserCommand({ InstanceId: ALPHA, UserId: "user-jdoe" }));
    assert.equal(d.User?.Username, "jdoe");
    assert.equal(d.User?.Arn, `${ALPHA_ARN}/agent/user-jdoe`);
    // The model's SecurityProfileIds list holds 1–10 items: never [].
    const profiles = d.User?.SecurityProfileIds ?? [];
    assert.ok(profiles.length >= 1 && profiles.length <= 10, JSON.stringify(profiles));
    assert.ok(profiles.every((p) => typeof p === "string" && p.length > 0));
  }));

Deno.test("Tag operations on every resource ARN: instance, queues, users, flows, quick connects", () =>
  withEmu(async (emu, c) => {
    const users = await c.send(new ListUsersCommand({ InstanceId: ALPHA }));
    const queues = await c.send(new ListQueuesCommand({ InstanceId: ALPHA }));
    const flows = await c.send(new ListContactFlowsCommand({ InstanceId: ALPHA }));
    const inst = await c.send(new DescribeInstanceCommand({ InstanceId: ALPHA }));
    const arnOf = <T extends { Id?: string; Arn?: string }>(list: T[] | undefined, id: string) =>
      list?.find((x) => x.Id === id)?.Arn ?? assert.fail(`no ${id}`);
    const arns: Record<string, string> = {
      instance: inst.Instance?.Arn ?? assert.fail("no instance ARN"),
      standardQueue: arnOf(queues.QueueSummaryList, "queue-sales"),
      agentQueue: arnOf(queues.QueueSummaryList, "agent/user-jdoe"),
      user: arnOf(users.UserSummaryList, "user-jdoe"),
      flow: arnOf(flows.ContactFlowSummaryList, "flow-inbound"),
      quickConnect: qcArn("qc-flow-survey"),
    };
    assert.deepEqual(arns, {
      instance: ALPHA_ARN,
      standardQueue: `${ALPHA_ARN}/queue/queue-sales`,
      agentQueue: `${ALPHA_ARN}/queue/agent/user-jdoe`,
      user: `${ALPHA_ARN}/agent/user-jdoe`,
      flow: `${ALPHA_ARN}/contact-flow/flow-inbound`,
      quickConnect: qcArn("qc-flow-survey"),
    });
    const tagsOf = async (resourceArn: string) =>
      (await c.send(new ListTagsForResourceCommand({ resourceArn }))).tags;
    for (const [kind, resourceArn] of Object.entries(arns)) {
      assert.deepEqual(await tagsOf(resourceArn), {}, kind);
      await c.send(new TagResourceCommand({ resourceArn, tags: { kind, common: "x", gone: "y" } }));
      await c.send(new UntagResourceCommand({ resourceArn, tagKeys: ["gone"] }));
    }
    // Each resource keeps its own tags.
    for (const [kind, resourceArn] of Object.entries(arns)) {
      assert.deepEqual(await tagsOf(resourceArn), { kind, common: "x" }, kind);
    }
    // Untagging one resource leaves the others alone.
    await c.send(new UntagResourceCommand({ resourceArn: arns.user ?? "", tagKeys: ["common"] }));
    assert.deepEqual(await tagsOf(arns.user ?? ""), { kind: "user" });
    assert.deepEqual(await tagsOf(arns.agentQueue ?? ""), { kind: "agentQueue", common: "x" });
    // Describe operations whose shapes carry Tags show them.
    const di = await c.send(new DescribeInstanceCommand({ InstanceId: ALPHA }));
    assert.deepEqual(di.Instance?.Tags, { kind: "instance", common: "x" });
    const du = await c.send(new DescribeUserCommand({ InstanceId: ALPHA, UserId: "user-jdoe" }));
    assert.deepEqual(du.User?.Tags, { kind: "user" });
    const dq = await c.send(
      new DescribeQuickConnectCommand({ InstanceId: ALPHA, QuickConnectId: "qc-flow-survey" }),
    );
    assert.deepEqual(dq.QuickConnect?.Tags, { kind: "quickConnect", common: "x" });
    // The state export writes quick connect tags only (the fixture has no other Tags).
    const exported = emu.state().Instances[0];
    assert.deepEqual(
      exported?.QuickConnects.find((q) => q.QuickConnectId === "qc-flow-survey")?.Tags,
      { kind: "quickConnect", common: "x" },
    );
    // Unknown resources of every kind, and kinds the emulator does not hold, are not found.
    const missing = [
      `${ALPHA_ARN}/queue/queue-nope`,
      `${ALPHA_ARN}/queue/agent/nobody`,
      `${ALPHA_ARN}/agent/nobody`,
      `${ALPHA_ARN}/contact-flow/flow-nope`,
      `${ALPHA_ARN}/transfer-destination/qc-nope`,
      `${ALPHA_ARN}/routing-profile/rp-1`,
      `${ALPHA_ARN}/agent/queue-sales`,
      `${ALPHA_ARN}/queue/user-jdoe`,
      "arn:aws:connect:us-east-1:111122223333:instance/00000000-0000-4000-8000-00000000dead",
      "arn:aws:connect:us-east-1:999999999999:instance/" + ALPHA,
      `arn:aws:connect:us-east-1:111122223333:instance/${ALPHA}/queue/queue-sales/extra`,
    ];
    for (const resourceArn of missing) {
      for (
        const call of [
          () => c.send(new ListTagsForResourceCommand({ resourceArn })),
          () => c.send(new TagResourceCommand({ resourceArn, tags: { a: "b" } })),
          () => c.send(new UntagResourceCommand({ resourceArn, tagKeys: ["a"] })),
        ]
      ) {
        const f = await awsFailure(call());
        assert.deepEqual([f.name, f.status], ["ResourceNotFoundException", 404], resourceArn);
      }
    }
    // Another region's endpoint does not see these resources.
    const eu = testClient(emu, { region: "eu-west-1", maxAttempts: 1 });
    const f = await awsFailure(eu.send(new ListTagsForResourceCommand({ resourceArn: arns.user })));
    assert.equal(f.name, "ResourceNotFoundException");
    eu.destroy();
  }));

Deno.test("ListQueues: STANDARD and derived AGENT queues (no Name), type filter", () =>
  withEmu(async (_emu, c) => {
    const all = await c.send(new ListQueuesCommand({ InstanceId: ALPHA }));
    assert.equal(all.QueueSummaryList?.length, 4);
    const std = await c.send(
      new ListQueuesCommand({ InstanceId: ALPHA, QueueTypes: ["STANDARD"] }),
    );
    assert.deepEqual(std.QueueSummaryList?.map((q) => [q.Id, q.Name, q.QueueType, q.Arn]), [
      ["queue-sales", "Sales", "STANDARD", `${ALPHA_ARN}/queue/queue-sales`],
      ["queue-support", "Support", "STANDARD", `${ALPHA_ARN}/queue/queue-support`],
    ]);
    const agent = await c.send(new ListQueuesCommand({ InstanceId: ALPHA, QueueTypes: ["AGENT"] }));
    assert.deepEqual(agent.QueueSummaryList?.map((q) => [q.Id, q.Name, q.Arn]), [
      ["agent/user-asmith", undefined, `${ALPHA_ARN}/queue/agent/user-asmith`],
      ["agent/user-jdoe", undefined, `${ALPHA_ARN}/queue/agent/user-jdoe`],
    ]);
  }));

Deno.test("ListContactFlows with type filter", () =>
  withEmu(async (_emu, c) => {
    const all = await c.send(new ListContactFlowsCommand({ InstanceId: ALPHA }));
    assert.equal(all.ContactFlowSummaryList?.length, 4);
    const hold = all.ContactFlowSummaryList?.find((f) => f.Id === "flow-hold");
    assert.deepEqual(hold, {
      Id: "flow-hold",
      Arn: `${ALPHA_ARN}/contact-flow/flow-hold`,
      Name: "Default customer hold",
      ContactFlowType: "CUSTOMER_HOLD",
      ContactFlowState: "ARCHIVED",
      ContactFlowStatus: "SAVED",
    });
    const some = await c.send(
      new ListContactFlowsCommand({
        InstanceId: ALPHA,
        ContactFlowTypes: ["AGENT_TRANSFER", "QUEUE_TRANSFER"],
      }),
    );
    assert.deepEqual(some.ContactFlowSummaryList?.map((f) => f.Id), ["flow-agent", "flow-queue"]);
  }));

Deno.test("Queue associations: list, associate (idempotent), disassociate, agent queue id", () =>
  withEmu(async (_emu, c) => {
    const list = async (QueueId: string) =>
      (await c.send(new ListQueueQuickConnectsCommand({ InstanceId: ALPHA, QueueId })))
        .QuickConnectSummaryList?.map((s) => s.Id).sort();
    assert.deepEqual(await list("queue-support"), ["qc-queue-support", "qc-user-jdoe"]);
    assert.deepEqual(await list("agent/user-jdoe"), ["qc-phone-helpdesk"]);
    const r = await c.send(
      new ListQueueQuickConnectsCommand({ InstanceId: ALPHA, QueueId: "queue-support" }),
    );
    assert.equal(r.LastModifiedRegion, "us-east-1");
    assert.ok(r.LastModifiedTime instanceof Date);
    await c.send(
      new AssociateQueueQuickConnectsCommand({
        InstanceId: ALPHA,
        QueueId: "queue-sales",
        QuickConnectIds: ["qc-phone-helpdesk", "qc-flow-survey", "qc-phone-helpdesk"],
      }),
    );
    await c.send(
      new AssociateQueueQuickConnectsCommand({
        InstanceId: ALPHA,
        QueueId: "queue-sales",
        QuickConnectIds: ["qc-phone-helpdesk"],
      }),
    );
    assert.deepEqual(await list("queue-sales"), ["qc-flow-survey", "qc-phone-helpdesk"]);
    await c.send(
      new DisassociateQueueQuickConnectsCommand({
        InstanceId: ALPHA,
        QueueId: "queue-sales",
        QuickConnectIds: ["qc-flow-survey", "qc-user-jdoe"],
      }),
    );
    assert.deepEqual(await list("queue-sales"), ["qc-phone-helpdesk"]);
    await c.send(
      new AssociateQueueQuickConnectsCommand({
        InstanceId: ALPHA,
        QueueId: "agent/user-asmith",
        QuickConnectIds: ["qc-queue-support"],
      }),
    );
    assert.deepEqual(await list("agent/user-asmith"), ["qc-queue-support"]);
  }));

Deno.test("DescribeInstance (ID and ARN) and ListInstances per region", () =>
  withEmu(async (_emu, c) => {
    const byId = await c.send(new DescribeInstanceCommand({ InstanceId: ALPHA }));
    const byArn = await c.send(new DescribeInstanceCommand({ InstanceId: ALPHA_ARN }));
    assert.equal(byId.Instance?.Arn, ALPHA_ARN);
    assert.equal(byId.Instance?.InstanceAlias, "alpha");
    assert.equal(byId.Instance?.InstanceStatus, "ACTIVE");
    assert.ok(byId.Instance?.CreatedTime instanceof Date);
    assert.equal(byArn.Instance?.Id, ALPHA);
    const us = await c.send(new ListInstancesCommand({}));
    assert.deepEqual(us.InstanceSummaryList?.map((i) => i.InstanceAlias), ["alpha"]);
  }));

Deno.test("paginators walk all quick connects of the sample seed", async () => {
  await using emu = await startEmulator({ seed: SAMPLE_SEED_PATH, quotas: false });
  const c = testClient(emu);
  const [source, target] = emu.state().Instances;
  assert.equal(source?.Alias, "source-demo");
  assert.equal(target?.Alias, "target-demo");
  const listed: string[] = [];
  for await (
    const page of paginateListQuickConnects({ client: c, pageSize: 3 }, { InstanceId: source?.Id })
  ) {
    assert.ok((page.QuickConnectSummaryList?.length ?? 0) <= 3);
    listed.push(...(page.QuickConnectSummaryList ?? []).map((s) => s.Name ?? ""));
  }
  assert.equal(listed.length, 8);
  assert.equal(new Set(listed).size, 8);
  const searched: string[] = [];
  for await (
    const page of paginateSearchQuickConnects({ client: c, pageSize: 5 }, {
      InstanceId: target?.Id,
    })
  ) {
    searched.push(...(page.QuickConnects ?? []).map((q) => q.Name ?? ""));
  }
  assert.deepEqual(searched.sort(), ["External Helpdesk", "Support Queue"]);
  assert.equal(emu.calls().ListQuickConnects, 3);
  c.destroy();
});
