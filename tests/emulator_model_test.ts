/**
 * The tool's beliefs about Amazon Connect (lib/quick_connect.ts) held against the
 * emulator's own model (emulator/model.ts), which is written from the service's public
 * model and no longer imports the tool's table: a wrong belief of the tool would otherwise
 * be the emulator's too, and no test could catch it.
 *
 * Where the model settles a fact (the types, the config member of each, the fields inside
 * it and what each one holds, the flow types the model names, the limits, the patterns)
 * the two tables must agree, and both must agree with the pinned SDK's enums. Where the
 * sources leave a fact open, the two may differ on purpose; MAY_DIFFER lists each such
 * fact, and the emulator is shown to behave either way where a mode makes it so.
 */
import assert from "node:assert/strict";
import {
  ContactFlowState,
  ContactFlowType,
  CreateQuickConnectCommand,
  QueueType,
  type QuickConnectConfig,
  QuickConnectType,
} from "@aws-sdk/client-connect";
import {
  E164 as TOOL_E164,
  isReservedTag,
  KNOWN_TYPES,
  LIMITS as TOOL_LIMITS,
  QUICK_CONNECT_TYPES as TOOL_TYPES,
  TAG_KEY as TOOL_TAG_KEY,
} from "../lib/quick_connect.ts";
import {
  CONFIG_SHAPES,
  CONTACT_FLOW_STATES,
  CONTACT_FLOW_TYPES,
  DEFAULT_FLOW_QUICK_CONNECT_FLOW_TYPE,
  E164,
  LIMITS,
  QUEUE_TYPES,
  QUICK_CONNECT_TYPES,
  SETTLED_FLOW_TYPES,
  TAG_KEY,
} from "../emulator/model.ts";
import {
  awsFailure,
  type EmulatorOptions,
  type FixtureInput,
  startEmulator,
  testClient,
} from "../emulator/testing.ts";
import { emulatorProcess, emulatorScript } from "./support/emulator_process.ts";

/**
 * The facts on which the tool and the emulator may differ on purpose, because no public
 * source settles them. Each is either a belief of the tool the emulator does not hold by
 * default, or a behaviour the emulator can show either way (a mode).
 */
const MAY_DIFFER = {
  "FLOW flow type":
    "FlowQuickConnectConfig names no flow type; the tool requires CONTACT_FLOW (its reading " +
    "of the Admin Guide's 'only inbound flows'); the emulator checks CONTACT_FLOW by " +
    "default, another type or none with flowQuickConnectFlowType",
  "ARCHIVED flows":
    "whether a quick connect may name an ARCHIVED flow is unverified; the tool does not " +
    "check; the emulator accepts them by default, refuses them with refusesArchivedFlows",
  "ID length":
    "the tool bounds every ID in a file (UserId, QueueId, ContactFlowId) at LIMITS.idMax; " +
    "the model bounds only ContactFlowId (at the same 500)",
  "reserved tag case":
    "the tool treats any-case 'aws:' keys as reserved (dropped on export, refused on " +
    "import); the model's TagKey pattern rejects only lower-case 'aws:'",
} as const;

/** Each limit of the tool, and the model limit it must equal (or a MAY_DIFFER entry). */
const LIMIT_PAIRS: Record<keyof typeof TOOL_LIMITS, number | keyof typeof MAY_DIFFER> = {
  nameMax: LIMITS.quickConnectName.max,
  descriptionMax: LIMITS.createDescription.max,
  idMax: "ID length",
  tagsMax: LIMITS.tags.max,
  tagKeyMax: LIMITS.tagKey.max,
  tagValueMax: LIMITS.tagValue.max,
  linksPerCall: LIMITS.quickConnectIdsPerCall.max,
};

const sorted = (xs: Iterable<string>) => [...xs].sort();

Deno.test("settled: the quick connect types are the model's, in the tool, the emulator and the SDK", () => {
  assert.deepEqual([...KNOWN_TYPES], [...QUICK_CONNECT_TYPES]);
  assert.deepEqual(sorted(QUICK_CONNECT_TYPES), sorted(Object.values(QuickConnectType)));
  // The emulator's other enums are the pinned SDK's (its compiled copy of the model).
  assert.deepEqual(sorted(CONTACT_FLOW_TYPES), sorted(Object.values(ContactFlowType)));
  assert.deepEqual(sorted(QUEUE_TYPES), sorted(Object.values(QueueType)));
  assert.deepEqual(sorted(CONTACT_FLOW_STATES), sorted(Object.values(ContactFlowState)));
});

Deno.test("settled: each type's config member, the fields inside it and what each field holds", () => {
  for (const type of QUICK_CONNECT_TYPES) {
    const tool = TOOL_TYPES[type];
    const model = CONFIG_SHAPES[type];
    assert.equal(tool.member, model.member, type);
    // Field names in the model's member order, and which are user, queue or flow IDs.
    assert.deepEqual(Object.entries(tool.fields), Object.entries(model.fields), type);
  }
  // The member names are the SDK's QuickConnectConfig members (a type error otherwise).
  const members: (keyof QuickConnectConfig)[] = QUICK_CONNECT_TYPES.map((t) =>
    CONFIG_SHAPES[t].member
  );
  assert.equal(new Set(members).size, 4);
});

Deno.test("settled: USER needs AGENT_TRANSFER flows and QUEUE needs QUEUE_TRANSFER; PHONE_NUMBER has no flow", () => {
  for (const type of ["USER", "QUEUE"] as const) {
    assert.equal(TOOL_TYPES[type].flowType, SETTLED_FLOW_TYPES[type], type);
  }
  assert.equal("flowType" in TOOL_TYPES.PHONE_NUMBER, false);
  assert.deepEqual(Object.values(CONFIG_SHAPES.PHONE_NUMBER.fields), ["phone"]);
  // Every type that names a flow has a settled flow type or a MAY_DIFFER entry.
  for (const type of QUICK_CONNECT_TYPES) {
    if (!Object.values<string>(CONFIG_SHAPES[type].fields).includes("flow")) continue;
    assert.ok(
      Object.hasOwn(SETTLED_FLOW_TYPES, type) || Object.hasOwn(MAY_DIFFER, `${type} flow type`),
      `${type}: its flow type is neither settled nor listed in MAY_DIFFER`,
    );
  }
});

Deno.test("settled: every limit of the tool is the model's, unless listed in MAY_DIFFER", () => {
  for (const [key, value] of Object.entries(TOOL_LIMITS)) {
    const pair = LIMIT_PAIRS[key as keyof typeof TOOL_LIMITS];
    assert.ok(pair !== undefined, `tool limit ${key} is in neither LIMIT_PAIRS nor MAY_DIFFER`);
    if (typeof pair === "number") assert.equal(value, pair, key);
    else assert.ok(Object.hasOwn(MAY_DIFFER, pair), key);
  }
  assert.deepEqual(sorted(Object.keys(LIMIT_PAIRS)), sorted(Object.keys(TOOL_LIMITS)));
  // The description limit is the same on create (1–250) and on update (0–250).
  assert.equal(LIMITS.createDescription.max, LIMITS.updateDescription.max);
  // The one ID the model bounds is bounded by the tool at the same length.
  assert.equal(TOOL_LIMITS.idMax, LIMITS.contactFlowId.max);
});

Deno.test("settled: E.164 and the tag key pattern accept and refuse the same strings", () => {
  assert.equal(TOOL_E164.source, E164.source);
  for (
    const s of ["+12", "+15550001111", "+123456789012345", "5550001111", "+0555", "+1 555", ""]
  ) {
    assert.equal(TOOL_E164.test(s), E164.test(s), s);
  }
  // The tool drops `aws:` keys before its check; otherwise the patterns are one.
  assert.equal(TAG_KEY.source, `^(?!aws:)${TOOL_TAG_KEY.source.slice(1)}`);
  assert.equal(TAG_KEY.flags, TOOL_TAG_KEY.flags);
  const keys = ["team", "Cost Center", "a.b:c/d=e+f-g@h", "ünï", "x#y", "a*b", "tab\tkey", "ß"];
  for (const k of keys) assert.equal(TOOL_TAG_KEY.test(k), TAG_KEY.test(k), k);
  // Every key the model refuses for its prefix, the tool holds reserved.
  for (const k of ["aws:x", "aws:cloudformation:stack-name"]) {
    assert.equal(TAG_KEY.test(k), false, k);
    assert.equal(isReservedTag(k), true, k);
  }
});

Deno.test("may differ: the list names only facts the two tables really state differently or leave open", () => {
  assert.deepEqual(Object.keys(MAY_DIFFER), [
    "FLOW flow type",
    "ARCHIVED flows",
    "ID length",
    "reserved tag case",
  ]);
  // Today the tool's FLOW belief is the emulator's default, which the modes can change.
  assert.equal(TOOL_TYPES.FLOW.flowType, DEFAULT_FLOW_QUICK_CONNECT_FLOW_TYPE);
  // Case: the model pattern lets "AWS:x" through, the tool holds it reserved.
  assert.equal(TAG_KEY.test("AWS:x"), true);
  assert.equal(isReservedTag("AWS:x"), true);
});

// ---------------------------------------------------------------- either way

const INSTANCE = "00000000-0000-4000-8000-00000000f10e";
const SEED: FixtureInput = {
  Instances: [{
    Id: INSTANCE,
    Alias: "model",
    Region: "us-east-1",
    AccountId: "123456789012",
    Queues: [{ Id: "queue-1", Name: "Support" }],
    ContactFlows: [
      { Id: "flow-inbound", Name: "Inbound", ContactFlowType: "CONTACT_FLOW" },
      { Id: "flow-transfer", Name: "To agent", ContactFlowType: "AGENT_TRANSFER" },
      {
        Id: "flow-old",
        Name: "Old queue transfer",
        ContactFlowType: "QUEUE_TRANSFER",
        ContactFlowState: "ARCHIVED",
      },
    ],
  }],
};

async function creates(
  options: Omit<EmulatorOptions, "seed">,
  configs: QuickConnectConfig[],
): Promise<string[]> {
  await using emu = await startEmulator({ seed: SEED, quotas: false, ...options });
  const c = testClient(emu, { maxAttempts: 1 });
  const out: string[] = [];
  try {
    for (const [i, config] of configs.entries()) {
      const call = c.send(
        new CreateQuickConnectCommand({
          InstanceId: INSTANCE,
          Name: `qc-${i}`,
          QuickConnectConfig: config,
        }),
      );
      out.push(await call.then(() => "created", async () => (await awsFailure(call)).name));
    }
  } finally {
    c.destroy();
  }
  return out;
}

const flowQc = (ContactFlowId: string): QuickConnectConfig => ({
  QuickConnectType: "FLOW",
  FlowConfig: { ContactFlowId },
});
const queueQc = (ContactFlowId: string): QuickConnectConfig => ({
  QuickConnectType: "QUEUE",
  QueueConfig: { QueueId: "queue-1", ContactFlowId },
});

Deno.test("either way: FLOW quick connects need CONTACT_FLOW by default, any flow or another type by mode", async () => {
  const configs = [flowQc("flow-inbound"), flowQc("flow-transfer")];
  const ipe = "InvalidParameterException";
  assert.deepEqual(await creates({}, configs), ["created", ipe]);
  assert.deepEqual(await creates({ flowQuickConnectFlowType: "ANY" }, configs), [
    "created",
    "created",
  ]);
  assert.deepEqual(await creates({ flowQuickConnectFlowType: "AGENT_TRANSFER" }, configs), [
    ipe,
    "created",
  ]);
  // The settled rules hold in every mode: a QUEUE quick connect needs a QUEUE_TRANSFER flow.
  assert.deepEqual(
    await creates({ flowQuickConnectFlowType: "ANY" }, [queueQc("flow-inbound")]),
    [ipe],
  );
});

Deno.test("either way: ARCHIVED flows are accepted by default, refused by mode", async () => {
  const configs = [queueQc("flow-old")];
  assert.deepEqual(await creates({}, configs), ["created"]);
  assert.deepEqual(await creates({ refusesArchivedFlows: true }, configs), [
    "InvalidParameterException",
  ]);
});

Deno.test("either way from the command line: deno task emulator --flow-quick-connect-flow-type, --refuse-archived-flows", async () => {
  const dir = await Deno.makeTempDir({ prefix: "emulator_model_" });
  const seed = `${dir}/seed.json`;
  await Deno.writeTextFile(seed, JSON.stringify(SEED));
  const command = (...args: string[]) => emulatorScript(args);
  try {
    const bad = await command("--seed", seed, "--flow-quick-connect-flow-type", "INBOUND").output();
    assert.equal(bad.code, 2);
    assert.match(
      new TextDecoder().decode(bad.stderr),
      /^error: --flow-quick-connect-flow-type must be one of CONTACT_FLOW, .*, ANY, got INBOUND\n/,
    );
    const emu = await emulatorProcess(command(
      "--seed",
      seed,
      "--no-quotas",
      "--flow-quick-connect-flow-type",
      "ANY",
      "--refuse-archived-flows",
    ));
    const url = emu.url;
    try {
      assert.ok(url, emu.first);
      const c = testClient({ url }, { maxAttempts: 1 });
      const create = (name: string, config: QuickConnectConfig) =>
        c.send(
          new CreateQuickConnectCommand({
            InstanceId: INSTANCE,
            Name: name,
            QuickConnectConfig: config,
          }),
        );
      assert.ok((await create("any flow", flowQc("flow-transfer"))).QuickConnectId);
      const archived = await awsFailure(create("archived", queueQc("flow-old")));
      assert.equal(archived.name, "InvalidParameterException");
      assert.match(archived.message, /flow-old is ARCHIVED/);
      c.destroy();
    } finally {
      await emu.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
