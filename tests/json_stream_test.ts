import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { readObjectStream } from "../lib/json_stream.ts";

/** What the streamed read gives for `text`, read `chunk` bytes at a time. */
async function streamed(text: string, chunk: number, key = "Q") {
  const path = await Deno.makeTempFile();
  try {
    await Deno.writeTextFile(path, text);
    const elements: unknown[] = [];
    const got = await readObjectStream(path, key, (v, i) => {
      assertEquals(i, elements.length);
      elements.push(v);
    }, chunk);
    if (!got) return undefined;
    return got.streamed ? { ...got.members, [key]: elements } : got.members;
  } finally {
    await Deno.remove(path);
  }
}

const parsed = (text: string) => JSON.parse(text.replace(/^\uFEFF/, ""));

Deno.test("readObjectStream(): the same value as JSON.parse, whatever the read size", async () => {
  const value = {
    FormatVersion: 2,
    Tool: 't\u00e9st \u2603 \ud83d\ude00 "quoted" back\\slash',
    Q: [
      { Name: "caf\u00e9 \ud83d\ude00", Tags: { a: "}", b: "]", c: '\\"' }, Nested: [[1, 2], []] },
      [],
      "a string with , and ]",
      -12.5e3,
      null,
      true,
    ],
    Empty: {},
    EmptyList: [],
    Slashes: ["\\", "\\\\", '\\"', 'a\\\\"b'],
    Last: 7,
  };
  for (
    const text of [
      JSON.stringify(value),
      JSON.stringify(value, null, 2),
      "\uFEFF" + JSON.stringify(value),
    ]
  ) {
    for (const chunk of [1, 2, 3, 5, 17, 1 << 20]) {
      assertEquals(await streamed(text, chunk), parsed(text), `chunk ${chunk}`);
    }
  }
});

Deno.test("readObjectStream(): an empty object, an empty array, the array absent or not an array", async () => {
  for (const text of ["{}", ' { "Q" : [ ] } ', '{"A":1}', '{"Q":{"x":[1]}}', '{"Q":3}']) {
    for (const chunk of [1, 4, 1024]) {
      assertEquals(await streamed(text, chunk), parsed(text), `${text} chunk ${chunk}`);
    }
  }
});

Deno.test("readObjectStream(): anything JSON.parse rejects, or not an object, is undefined", async () => {
  for (
    const text of [
      "",
      "   ",
      "[]",
      '"x"',
      '{"Q":[1,]}',
      '{"Q":[1 2]}',
      '{"Q":[{"a":1,}]}',
      '{"A":1,}',
      '{"A":1} x',
      '{"A":1',
      '{"Q":[1',
      '{"A" 1}',
      "{A:1}",
      '{"Q":[1],"Q":[2]}',
      '{"A":01}',
    ]
  ) {
    for (const chunk of [1, 3, 1024]) {
      assertEquals(await streamed(text, chunk), undefined, `${text} chunk ${chunk}`);
    }
  }
});
