/** Injected faults (each type), call counters and the control routes. */
import assert from "node:assert/strict";
import {
  CreateQuickConnectCommand,
  DescribeQuickConnectCommand,
  ListQuickConnectsCommand,
  ListUsersCommand,
  SearchQuickConnectsCommand,
} from "@aws-sdk/client-connect";
import { awsFailure, startEmulator, testClient } from "../emulator/testing.ts";

const BASIC = "tests/fixtures/emulator/basic.json";
const ALPHA = "aaaaaaaa-0000-4000-8000-000000000001";

const phoneQc = (Name: string) =>
  new CreateQuickConnectCommand({
    InstanceId: ALPHA,
    Name,
    QuickConnectConfig: {
      QuickConnectType: "PHONE_NUMBER",
      PhoneConfig: { PhoneNumber: "+15550001111" },
    },
  });

Deno.test("ThrottlingException fault: the SDK retries through it", async () => {
  await using emu = await startEmulator({ seed: BASIC, quotas: false });
  emu.addFault({ Operation: "ListUsers", Error: "ThrottlingException", Count: 2 });
  const c = testClient(emu, { maxAttempts: 3 });
  const r = await c.send(new ListUsersCommand({ InstanceId: ALPHA }));
  assert.equal(r.$metadata.attempts, 3);
  assert.equal(r.UserSummaryList?.length, 2);
  assert.equal(emu.calls().ListUsers, 3);
  assert.equal(emu.faulted().ListUsers, 2);
  assert.deepEqual(emu.throttled(), {}, "fault throttles are not quota throttles");
  c.destroy();
});

Deno.test("InternalServiceException fault with Count -1 lasts until cleared", async () => {
  await using emu = await startEmulator({ seed: BASIC, quotas: false });
  emu.addFault({ Operation: "ListQuickConnects", Error: "InternalServiceException", Count: -1 });
  const c = testClient(emu, { maxAttempts: 3 });
  const f = await awsFailure(c.send(new ListQuickConnectsCommand({ InstanceId: ALPHA })));
  assert.deepEqual([f.name, f.status, f.attempts], ["InternalServiceException", 500, 3]);
  const g = await awsFailure(c.send(new ListQuickConnectsCommand({ InstanceId: ALPHA })));
  assert.equal(g.name, "InternalServiceException");
  emu.clearFaults();
  const r = await c.send(new ListQuickConnectsCommand({ InstanceId: ALPHA }));
  assert.equal(r.QuickConnectSummaryList?.length, 4);
  assert.equal(emu.calls().ListQuickConnects, 7);
  c.destroy();
});

Deno.test("AccessDeniedException fault on one resource only: 403, not retried", async () => {
  await using emu = await startEmulator({ seed: BASIC, quotas: false });
  emu.addFault({
    Operation: "DescribeQuickConnect",
    Error: "AccessDeniedException",
    Count: -1,
    ResourceId: "qc-user-jdoe",
  });
  const c = testClient(emu, { maxAttempts: 3 });
  const f = await awsFailure(
    c.send(new DescribeQuickConnectCommand({ InstanceId: ALPHA, QuickConnectId: "qc-user-jdoe" })),
  );
  assert.deepEqual([f.name, f.status, f.attempts], ["AccessDeniedException", 403, 1]);
  const ok = await c.send(
    new DescribeQuickConnectCommand({ InstanceId: ALPHA, QuickConnectId: "qc-flow-survey" }),
  );
  assert.equal(ok.QuickConnect?.Name, "Chat Survey");
  // ResourceId also matches body members (SearchQuickConnects' InstanceId is in the body).
  emu.addFault({
    Operation: "SearchQuickConnects",
    Error: "AccessDeniedException",
    ResourceId: ALPHA,
  });
  const s = await awsFailure(c.send(new SearchQuickConnectsCommand({ InstanceId: ALPHA })));
  assert.equal(s.name, "AccessDeniedException");
  c.destroy();
});

Deno.test("ConnectionReset = lost response: applied, SDK retries, retry sees DuplicateResourceException", async () => {
  await using emu = await startEmulator({ seed: BASIC, quotas: false });
  emu.addFault({ Operation: "CreateQuickConnect", Error: "ConnectionReset" });
  const c = testClient(emu, { maxAttempts: 3 });
  const f = await awsFailure(c.send(phoneQc("Lost response")));
  assert.deepEqual([f.name, f.status, f.attempts], ["DuplicateResourceException", 409, 2]);
  assert.equal(emu.calls().CreateQuickConnect, 2);
  const named = emu.state().Instances[0]?.QuickConnects.filter((q) => q.Name === "Lost response");
  assert.equal(named?.length, 1, "the first attempt was applied exactly once");
  c.destroy();
});

Deno.test("ConnectionReset with maxAttempts 1 surfaces a network error (ECONNRESET), change applied", async () => {
  await using emu = await startEmulator({ seed: BASIC, quotas: false });
  emu.addFault({ Operation: "CreateQuickConnect", Error: "ConnectionReset" });
  const c = testClient(emu, { maxAttempts: 1 });
  let code: unknown;
  try {
    await c.send(phoneQc("Reset once"));
    assert.fail("expected a network error");
  } catch (e) {
    code = (e as { code?: unknown }).code;
    assert.equal(
      (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode,
      undefined,
    );
  }
  assert.equal(code, "ECONNRESET");
  assert.ok(emu.state().Instances[0]?.QuickConnects.some((q) => q.Name === "Reset once"));
  // A read with a lost response simply succeeds on the retry.
  emu.addFault({ Operation: "ListUsers", Error: "ConnectionReset" });
  const c3 = testClient(emu, { maxAttempts: 3 });
  const r = await c3.send(new ListUsersCommand({ InstanceId: ALPHA }));
  assert.equal(r.$metadata.attempts, 2);
  c.destroy();
  c3.destroy();
});

Deno.test("control routes: faults over HTTP, calls, detail, throttled, reset, state", async () => {
  await using emu = await startEmulator({ seed: BASIC });
  const post = (path: string, body?: unknown) =>
    fetch(`${emu.url}${path}`, {
      method: "POST",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  for (
    const bad of [{ Operation: "ListUsers", Error: "Nope" }, {
      Operation: "ListUser",
      Error: "ConnectionReset",
    }]
  ) {
    const r = await post("/__emulator/faults", bad);
    assert.equal(r.status, 400, JSON.stringify(bad));
    await r.body?.cancel();
  }
  const added = await post("/__emulator/faults", {
    Operation: "ListUsers",
    Error: "InternalServiceException",
  });
  assert.equal(added.status, 200);
  assert.deepEqual(await added.json(), {
    Operation: "ListUsers",
    Error: "InternalServiceException",
    Count: 1,
  });
  const c = testClient(emu, { maxAttempts: 1 });
  assert.equal((await awsFailure(c.send(new ListUsersCommand({ InstanceId: ALPHA })))).status, 500);
  await post("/__emulator/faults", {
    Operation: "ListUsers",
    Error: "InternalServiceException",
    Count: -1,
  });
  const del = await fetch(`${emu.url}/__emulator/faults`, { method: "DELETE" });
  assert.equal(del.status, 200);
  await del.body?.cancel();
  await c.send(new ListUsersCommand({ InstanceId: ALPHA }));
  for (let i = 0; i < 6; i++) await c.send(phoneQc(`n${i}`)).catch(() => undefined);

  const calls = await (await fetch(`${emu.url}/__emulator/calls`)).json();
  assert.deepEqual(calls, { ListUsers: 2, CreateQuickConnect: 6 });
  assert.deepEqual(calls, emu.calls());
  const detail = await (await fetch(`${emu.url}/__emulator/calls?detail=1`)).json();
  assert.deepEqual(detail, {
    Calls: { ListUsers: 2, CreateQuickConnect: 6 },
    Throttled: { CreateQuickConnect: 1 },
    Faulted: { ListUsers: 1 },
  });
  assert.deepEqual(await (await fetch(`${emu.url}/__emulator/throttled`)).json(), {
    CreateQuickConnect: 1,
  });
  const reset = await post("/__emulator/calls/reset");
  await reset.body?.cancel();
  assert.deepEqual(emu.calls(), {});
  assert.deepEqual(emu.throttled(), {});

  const state = await (await fetch(`${emu.url}/__emulator/state`)).json();
  assert.deepEqual(state, emu.state());
  assert.equal(state.Instances[0]?.QuickConnects.length, 4 + 2, "2 creates fit in the quota of 6");
  // The dump re-seeds to the same state.
  await using again = await startEmulator({ seed: state, quotas: false });
  assert.deepEqual(again.state(), state);
  assert.equal(emu.calls().UnknownOperation, undefined);
  c.destroy();
});
