/**
 * The apply schedule: creates, updates and queue links run as one schedule on their own
 * quota buckets, a queue's links going out as soon as its quick connects exist; an
 * interrupted run's report lists the links it did not send.
 */
import assert from "node:assert/strict";
import { RateLimiter } from "../lib/aws/limiter.ts";
import { startEmulator } from "../emulator/testing.ts";
import { exportInstance, importInto, instance, linksByName } from "./import_helpers.ts";
import { migrationFixture } from "./support/generate.ts";

Deno.test("links are sent while creates go on, with no throttling at the quotas", async () => {
  const fixture = migrationFixture({ quickConnects: 40, queues: 8, linksPerQueue: 5 });
  await using source = await startEmulator({ seed: fixture, quotas: false });
  const { path } = await exportInstance(source, "source");
  // Connect's quotas, ten times raised on both sides, so the test is quick but paced.
  await using emu = await startEmulator({ seed: fixture, quotaScale: 10 });
  const r = await importInto(emu, "target", { exportFile: path }, {
    limiter: new RateLimiter({ scale: 10 }),
  });
  assert.equal(r.exitCode, 0, r.lines.join("\n"));
  assert.deepEqual(emu.throttled(), {});
  const log = emu.callLog().map((c) => c.operation);
  const firstLink = log.indexOf("AssociateQueueQuickConnects");
  const lastCreate = log.lastIndexOf("CreateQuickConnect");
  assert.ok(
    firstLink >= 0 && firstLink < lastCreate,
    `first link at ${firstLink}, last create at ${lastCreate}`,
  );
  assert.deepEqual(
    linksByName(instance(emu.state(), "target")),
    linksByName(instance(emu.state(), "source")),
  );
});

Deno.test("an interrupted run's report lists the links it did not send; a re-run sends them", async () => {
  const fixture = migrationFixture({ quickConnects: 40, queues: 8, linksPerQueue: 5 });
  await using source = await startEmulator({ seed: fixture, quotas: false });
  const { path } = await exportInstance(source, "source");
  await using emu = await startEmulator({ seed: fixture, quotas: false, latencyMs: 20 });
  const ac = new AbortController();
  const r = await importInto(emu, "target", {
    exportFile: path,
    signal: ac.signal,
    onProgress: (done) => {
      if (done === 12) ac.abort();
    },
  });
  assert.equal(r.exitCode, 130, r.lines.join("\n"));
  const pending = r.report?.Associations.Pending ?? [];
  assert.ok(pending.length > 0, "some links were left for the re-run");
  const target = instance(emu.state(), "target");
  const linked = linksByName(target);
  const exists = new Set(target.QuickConnects.map((q) => q.Name));
  for (const p of pending) {
    assert.ok(exists.has(p.QuickConnect), `${p.QuickConnect} exists`);
    assert.ok(
      !(linked[p.QuickConnect] ?? []).includes(p.Queue),
      `${p.QuickConnect} not yet on ${p.Queue}`,
    );
  }
  const again = await importInto(emu, "target", { exportFile: path });
  assert.equal(again.exitCode, 0, again.lines.join("\n"));
  assert.deepEqual(
    linksByName(instance(emu.state(), "target")),
    linksByName(instance(emu.state(), "source")),
  );
});
