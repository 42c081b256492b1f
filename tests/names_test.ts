/**
 * lib/names.ts, the one place names are compared: NFC makes one name of two spellings,
 * case does not (it is warned about), and an exact spelling wins a look-up over another
 * form. Globs compare in NFC, and a glob Search might match by spelling is not sent.
 */
import assert from "node:assert/strict";
import { globMatches, nameCondition } from "../lib/filters.ts";
import { caseKey, NameIndex, nameKey, sameName } from "../lib/names.ts";

const NFC = "Caf\u00e9 Desk";
const NFD = "Cafe\u0301 Desk";

Deno.test("nameKey: NFC and NFD spellings are one name; case and other letters are not", () => {
  assert.notEqual(NFC, NFD);
  assert.equal(nameKey(NFD), NFC);
  assert.ok(sameName(NFC, NFD));
  assert.ok(!sameName("Sales Desk", "sales desk"));
  assert.ok(!sameName(NFC, "Cafe Desk"));
  assert.equal(caseKey("CASE LINE"), caseKey("Case Line"));
  assert.equal(caseKey("STRASSE"), caseKey("Stra\u00dfe"));
  assert.equal(caseKey("CAFE\u0301 DESK"), caseKey(NFC));
});

Deno.test("NameIndex: the exact spelling first, else the same name in another form; both kept", () => {
  const a = { name: NFC, id: "a" };
  const b = { name: NFD, id: "b" };
  const c = { name: "CAF\u00c9 DESK", id: "c" };
  const index = new NameIndex([a, b, c]);
  assert.equal(index.size, 3);
  assert.equal(index.get(NFC), a);
  assert.equal(index.get(NFD), b);
  assert.equal(new NameIndex([a]).get(NFD), a);
  assert.equal(index.get("caf\u00e9 desk"), undefined, "case tells names apart");
  assert.deepEqual([...index.values()].map((x) => x.id).sort(), ["a", "b", "c"]);
  assert.deepEqual(index.sameNameGroups().map((g) => g.map((x) => x.id)), [["a", "b"]]);
  assert.deepEqual(index.caseVariants(NFD).map((x) => x.id), ["c"]);
  assert.deepEqual(index.caseGroups().map((g) => g.map((x) => x.id)), [["a", "c"]]);
});

Deno.test("globs compare in NFC; Search is not sent text it might compare by spelling", () => {
  assert.ok(globMatches("Caf\u00e9*", NFD));
  assert.ok(globMatches("Cafe\u0301?Desk", NFC));
  assert.ok(!globMatches("caf\u00e9*", NFC), "case still counts");
  assert.equal(nameCondition("Caf\u00e9*"), undefined);
  assert.deepEqual(nameCondition("Sales*"), {
    FieldName: "name",
    Value: "Sales",
    ComparisonType: "STARTS_WITH",
  });
});
