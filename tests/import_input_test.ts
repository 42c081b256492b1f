/**
 * The input files. The malformed corpus (tests/fixtures/import/malformed/): each file with
 * the error it must produce. File-level problems: exit 2, one error naming the file, not
 * one API call. Item-level problems: that item fails with the field path and reason, the
 * good item in the same file is still created; duplicate names fail each of their items.
 * Unreadable files and bad mapping files. What is accepted and how: aws: tags dropped, a
 * byte order mark, an empty list, only the type's sub-config kept, and names that would
 * forge a log line kept but escaped in the log.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { startEmulator } from "../emulator/testing.ts";
import { importInto, LOG_LINE, phoneItem, targetSeed, tempJson } from "./import_helpers.ts";
import { isInvalid, parseExport } from "../lib/import/input.ts";

const QUEUES = [{ Id: "q-support", Name: "Support" }, { Id: "q-big", Name: "Big" }];

const DIR = fileURLToPath(new URL("./fixtures/import/malformed/", import.meta.url));
const expected = JSON.parse(await Deno.readTextFile(`${DIR}expected.json`)) as Record<
  string,
  { level: "file" | "item"; error: string }
>;

const SEED = {
  Instances: [{
    Id: "00000000-0000-4000-8000-000000000001",
    Alias: "target",
    Region: "us-east-1",
    AccountId: "123456789012",
  }],
};

Deno.test("the malformed corpus has at least 25 cases and every file is listed", () => {
  const files = [...Deno.readDirSync(DIR)].map((e) => e.name).filter((n) => n !== "expected.json");
  assert.deepEqual(files.sort(), Object.keys(expected).sort());
  assert.ok(files.length >= 25, `${files.length} cases`);
});

Deno.test("malformed export files: each gives its expected error", async (t) => {
  for (const [name, want] of Object.entries(expected)) {
    await t.step(name, async () => {
      await using emu = await startEmulator({ seed: SEED, quotas: false });
      const path = `${DIR}${name}`;
      const r = await importInto(emu, "target", { exportFile: path });
      for (const l of r.lines) assert.match(l, LOG_LINE);
      if (want.level === "file") {
        assert.equal(r.exitCode, 2);
        assert.equal(r.report, undefined);
        assert.deepEqual(emu.calls(), {}, "no API call for a bad file");
        const errors = r.lines.filter((l) => l.includes(" - ERROR - "));
        assert.equal(errors.length, 1, errors.join("\n"));
        assert.ok(errors[0]?.includes(`"${path}"`), errors[0]);
        assert.ok(errors[0]?.includes(want.error), `${errors[0]} should include ${want.error}`);
        return;
      }
      assert.equal(r.exitCode, 1);
      const items = r.report?.Items ?? [];
      const bad = items.filter((i) => i.Name !== "Good One");
      assert.ok(bad.length >= 1);
      for (const b of bad) {
        assert.equal(b.Action, "failed");
        assert.ok(b.Error?.includes(want.error), `${b.Error} should include ${want.error}`);
      }
      const good = items.find((i) => i.Name === "Good One");
      assert.equal(good?.Action, "created");
      assert.ok(r.lines.some((l) => l.includes(" - ERROR - ") && l.includes(want.error)));
      // Only the good item reaches the API.
      assert.equal(emu.calls().CreateQuickConnect, 1);
      // The seed's wording for a missing name.
      if (name === "missing_name.json") {
        assert.ok(
          r.lines.some((l) => l.includes("ERROR - Quick connect missing 'Name' field in data: {")),
        );
      }
    });
  }
});

Deno.test("unreadable export file: missing file and directory are exit 2 with the reason", async () => {
  await using emu = await startEmulator({ seed: SEED, quotas: false });
  const missing = await importInto(emu, "target", { exportFile: "/nonexistent/export.json" });
  assert.equal(missing.exitCode, 2);
  assert.ok(missing.lines.some((l) => l.includes("file does not exist")));
  const dir = await Deno.makeTempDir();
  const isDir = await importInto(emu, "target", { exportFile: dir });
  assert.equal(isDir.exitCode, 2);
  assert.deepEqual(emu.calls(), {});
});

Deno.test("bad mapping files are exit 2 with the path in the file", async (t) => {
  await using emu = await startEmulator({ seed: SEED, quotas: false });
  const exportFile = await tempJson({ QuickConnects: [] });
  const cases: [unknown, string][] = [
    [{ User: { a: "b" } }, `unknown section(s) "User"`],
    [{ Users: { jdoe: 5 } }, "Users.jdoe: must be a string"],
    [{ Users: { jdoe: "" } }, "Users.jdoe: must not be empty"],
    [{ PhoneNumbers: { "+14155550100": "0800 123" } }, "must be an E.164 phone number"],
    [{ PhoneNumbers: { "555": "+14155550100" } }, "keys must be E.164"],
    [["Users"], "must be a JSON object"],
  ];
  for (const [mapping, error] of cases) {
    await t.step(error, async () => {
      const path = await tempJson(mapping, "mapping.json");
      const r = await importInto(emu, "target", { exportFile, mappingFile: path });
      assert.equal(r.exitCode, 2);
      const line = r.lines.find((l) => l.includes(" - ERROR - ")) ?? "";
      assert.ok(line.includes(`Invalid mapping file "${path}"`), line);
      assert.ok(line.includes(error), `${line} should include ${error}`);
    });
  }
  assert.deepEqual(emu.calls(), {});
});

Deno.test("aws: tags are dropped with a warning; 50 tags after dropping them is fine", async () => {
  await using emu = await startEmulator({ seed: SEED, quotas: false });
  const tags: Record<string, string> = { "aws:cloudformation:stack-name": "x", "aws:foo": "y" };
  for (let n = 0; n < 50; n++) tags[`k${n}`] = "v";
  const path = await tempJson({
    QuickConnects: [{
      QuickConnect: {
        Name: "Tagged",
        QuickConnectConfig: {
          QuickConnectType: "PHONE_NUMBER",
          PhoneConfig: { PhoneNumber: "+14155550100" },
        },
      },
      Tags: tags,
    }],
  });
  const r = await importInto(emu, "target", { exportFile: path });
  assert.equal(r.exitCode, 0);
  assert.ok(
    r.lines.some((l) =>
      l.includes("WARNING - Dropping aws: tags of quick connect Tagged") &&
      l.includes("aws:cloudformation:stack-name")
    ),
  );
  const qc = emu.state().Instances[0]?.QuickConnects[0];
  assert.equal(Object.keys(qc?.Tags ?? {}).length, 50);
  assert.ok(!Object.keys(qc?.Tags ?? {}).some((k) => k.startsWith("aws:")));
});

Deno.test("a byte order mark and an empty QuickConnects array are accepted", async () => {
  await using emu = await startEmulator({ seed: SEED, quotas: false });
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/bom.json`, '\ufeff{"QuickConnects": []}');
  const r = await importInto(emu, "target", { exportFile: `${dir}/bom.json` });
  assert.equal(r.exitCode, 0);
  assert.ok(r.lines.some((l) => l.endsWith("Total quick connects in export: 0")));
  assert.deepEqual(emu.calls(), {}, "nothing to import, nothing read");
});

Deno.test("duplicate names: each item fails listing at most 5 indices and 'and N more' (3,000 items, fast)", () => {
  const n = 3000;
  const file = { QuickConnects: Array.from({ length: n }, () => phoneItem("Same")) };
  const t0 = performance.now();
  const out = parseExport(file, "f.json");
  const ms = performance.now() - t0;
  assert.equal(out.items.length, n);
  const errors = out.items.map((it) => (it as { error?: string }).error ?? "");
  assert.ok(errors.every((e) => e.includes("appears 3000 times")));
  assert.match(errors[7] ?? "", /\(items 0, 1, 2, 3, 4 and 2995 more\)/);
  assert.ok(
    errors.every((e) => e.length < 200),
    `longest ${Math.max(...errors.map((e) => e.length))}`,
  );
  assert.ok(ms < 5000, `${ms} ms`);
  // Two of a name still list both.
  const two = parseExport({ QuickConnects: [phoneItem("X"), phoneItem("X")] }, "f.json");
  assert.match(
    (two.items[1] as { error: string }).error,
    /appears 2 times in the file \(items 0, 1\)/,
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

Deno.test("a name with a newline cannot forge a log line", async () => {
  await using emu = await startEmulator({ seed: targetSeed({ Queues: QUEUES }), quotas: false });
  const evil = "Evil\n2026-01-01 00:00:00,000 - ERROR - forged\u001b[31m";
  const file = await tempJson({ QuickConnects: [phoneItem(evil)] });
  const r = await importInto(emu, "target", { exportFile: file, verify: true });
  assert.equal(r.exitCode, 0);
  for (const l of r.lines) {
    assert.match(l, LOG_LINE);
    assert.ok(!l.includes("\n") && !l.includes("\u001b"));
  }
  assert.ok(
    r.lines.some((l) =>
      l.includes(
        "Created quick connect: Evil\\n2026-01-01 00:00:00,000 - ERROR - forged\\u001b[31m -> ",
      )
    ),
  );
  // The name itself is kept as it is.
  assert.equal(emu.state().Instances[0]!.QuickConnects[0]?.Name, evil);
});
