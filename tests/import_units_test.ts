/**
 * The pure parts of the import: what the emulator cannot show (it refuses aws: tags, so
 * "never touch aws: keys" is checked here) and resolution corner cases.
 */
import assert from "node:assert/strict";
import { diffQuickConnect, tagChanges } from "../lib/import/diff.ts";
import { emptyMapping, parseMapping } from "../lib/import/mapping.ts";
import { Directory, resolveFlow, unusedMappingEntries } from "../lib/import/resolve.ts";
import { type ImportItem, isInvalid, parseExport } from "../lib/import/input.ts";
import { seedCounts, summarize } from "../lib/import/report.ts";

Deno.test("tagChanges() makes user tags exact and never touches aws: keys", () => {
  const have = { "aws:cloudformation:stack-name": "s", Keep: "1", Change: "old", Drop: "x" };
  assert.deepEqual(tagChanges({ Keep: "1", Change: "new", Add: "a" }, have), {
    set: { Change: "new", Add: "a" },
    remove: ["Drop"],
  });
  assert.deepEqual(tagChanges({}, { "aws:x": "y" }), { set: {}, remove: [] });
});

Deno.test("diffQuickConnect() ignores aws: tags and other sub-configs, sees empty = absent description", () => {
  const config = {
    QuickConnectType: "PHONE_NUMBER" as const,
    PhoneConfig: { PhoneNumber: "+14155550100" },
  };
  const have = {
    Description: undefined,
    QuickConnectConfig: { ...config, UserConfig: { UserId: "stale", ContactFlowId: "f" } },
    Tags: { "aws:x": "1", A: "b" },
  };
  assert.deepEqual(diffQuickConnect({ description: "", config, tags: { A: "b" } }, have), []);
  assert.deepEqual(
    diffQuickConnect({ description: "d", config, tags: { A: "c" } }, have).map((d) => d.field),
    ["Description", 'Tags["A"]'],
  );
});

Deno.test("resolveFlow(): a mapped name shared by two flow types picks the type the quick connect needs", () => {
  const flows = [
    { Id: "a", Name: "Transfer", ContactFlowType: "AGENT_TRANSFER" as const },
    { Id: "q", Name: "Transfer", ContactFlowType: "QUEUE_TRANSFER" as const },
  ];
  const m = parseMapping({ ContactFlows: { "src-1": "Transfer" } }, "m.json");
  assert.deepEqual(
    resolveFlow(new Directory({ flows: flows }), m, "src-1", undefined, undefined, "QUEUE"),
    {
      ok: true,
      value: "q",
    },
  );
  assert.deepEqual(
    resolveFlow(new Directory({ flows: flows }), m, "src-1", undefined, undefined, "USER"),
    {
      ok: true,
      value: "a",
    },
  );
  const r = resolveFlow(new Directory({ flows: flows }), m, "src-1", undefined, undefined, "FLOW");
  assert.equal(r.ok, false);
  assert.match(r.ok ? "" : r.error, /matches 2 flows of types AGENT_TRANSFER, QUEUE_TRANSFER/);
  // Without a mapping, a name match must also match the type.
  assert.equal(
    resolveFlow(
      new Directory({ flows: flows }),
      emptyMapping(),
      "x",
      "Transfer",
      "CONTACT_FLOW",
      "FLOW",
    ).ok,
    false,
  );
});

Deno.test("parseExport(): only the sub-config of the type is kept; null Tags and Description are empty", () => {
  const data = parseExport({
    QuickConnects: [{
      QuickConnect: {
        Name: "A",
        Description: null,
        QuickConnectConfig: {
          QuickConnectType: "QUEUE",
          QueueConfig: { QueueId: "q", ContactFlowId: "f", Extra: "x" },
          UserConfig: { UserId: "u" },
        },
      },
      Tags: null,
    }],
  }, "f.json");
  const item = data.items[0]!;
  assert.ok(!isInvalid(item));
  assert.deepEqual(item.config, {
    QuickConnectType: "QUEUE",
    QueueConfig: { QueueId: "q", ContactFlowId: "f" },
  });
  assert.deepEqual(item.tags, {});
  assert.equal(item.description, "");
  assert.equal(data.formatVersion, 1);
});

Deno.test("unusedMappingEntries() checks the whole file, whatever the conflict policy", () => {
  const data = parseExport({
    QuickConnects: [{
      QuickConnect: {
        Name: "A",
        QuickConnectConfig: {
          QuickConnectType: "USER",
          UserConfig: { UserId: "u1", ContactFlowId: "f1" },
        },
      },
      References: { User: { Id: "u1", Username: "jdoe" } },
      Queues: [{ Id: "q1", Name: "Support" }],
    }],
  }, "f.json");
  const items = data.items.filter((i): i is ImportItem => !isInvalid(i));
  const m = parseMapping({
    Users: { jdoe: "x", u1: "y", ghost: "z" },
    Queues: { Support: "Help" },
    ContactFlows: { f1: "F" },
  }, "m.json");
  assert.deepEqual(unusedMappingEntries(m, items), [`Users["ghost"]`]);
});

Deno.test("seedCounts(): Successful = created + updated, Skipped = skipped + unchanged", () => {
  const base = { Index: 0, Name: "n", SourceId: null, TargetId: null, Error: null };
  const s = summarize([
    { ...base, Action: "created" },
    { ...base, Action: "updated" },
    { ...base, Action: "unchanged" },
    { ...base, Action: "skipped" },
    { ...base, Action: "failed" },
    { ...base, Action: "would-create" },
  ]);
  assert.deepEqual(s, { Created: 2, Updated: 1, Unchanged: 1, Skipped: 1, Failed: 1 });
  assert.deepEqual(seedCounts(s), { successful: 3, failed: 1, skipped: 2 });
});
