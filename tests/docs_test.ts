/**
 * The documentation can be followed: README.md and docs/*.md link only to files and headings
 * that exist, every `*.md` that a code comment or a document names is in the repository, and
 * the README stays a front page (at most 300 lines). The checks are also run on broken fakes,
 * so a checker that finds nothing cannot pass.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { anchorsOf, brokenLinks, type Files, missingNamedDocs, slug } from "./support/doc_links.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SKIP = new Set([".git", "node_modules", "dist", ".deno"]);

/** Every file of the checkout (Markdown and TypeScript with their text, others empty). */
async function repoFiles(dir = "", out = new Map<string, string>()): Promise<Map<string, string>> {
  for await (const entry of Deno.readDir(`${ROOT}${dir}`)) {
    if (SKIP.has(entry.name)) continue;
    const path = dir === "" ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory) await repoFiles(path, out);
    else if (/\.(md|ts)$/.test(entry.name)) {
      out.set(path, await Deno.readTextFile(`${ROOT}${path}`));
    } else out.set(path, "");
  }
  return out;
}

/** The files the checks look at: the documents, and the code whose comments cite them. */
function checked(all: Map<string, string>): Files {
  const docs = (p: string) => p === "README.md" || /^docs\/[^/]+\.md$/.test(p);
  const code = (p: string) =>
    p.endsWith(".ts") && (/^(lib|emulator|scripts|tests)\//.test(p) || !p.includes("/"));
  return new Map(
    [...all].map(([p, text]) => [p, docs(p) || code(p) ? text : ""] as [string, string]),
  );
}

Deno.test("every relative link in README.md and docs/ resolves, anchors included", async () => {
  const files = checked(await repoFiles());
  assert.ok([...files.keys()].some((p) => p.startsWith("docs/")), "docs/ exists");
  assert.deepEqual(brokenLinks(files), []);
});

Deno.test("every *.md named in code comments or in the documents is in the repository", async () => {
  assert.deepEqual(missingNamedDocs(checked(await repoFiles())), []);
});

Deno.test("README.md is a front page of at most 300 lines", async () => {
  const readme = await Deno.readTextFile(`${ROOT}README.md`);
  const lines = readme.split("\n").length - (readme.endsWith("\n") ? 1 : 0);
  assert.ok(lines <= 300, `README.md has ${lines} lines`);
  // The two commands a newcomer is told to run.
  assert.match(readme, /deno task demo/);
  assert.match(readme, /deno task test/);
});

Deno.test("anchors follow GitHub's rule", () => {
  assert.equal(slug("Export file (format 2)"), "export-file-format-2");
  assert.equal(slug("Repeat migrations: review, sync, undo"), "repeat-migrations-review-sync-undo");
  assert.equal(
    slug("1. Tags in `SearchQuickConnects` results"),
    "1-tags-in-searchquickconnects-results",
  );
  assert.deepEqual([...anchorsOf("# A\n\n```\n# not a heading\n```\n## A\n")], ["a", "a-1"]);
});

Deno.test("the checks find a broken link, a missing anchor and a missing named document", () => {
  const files: Files = new Map([
    [
      "README.md",
      "# Tool\n\nSee [flags](docs/ref.md#flags), [gone](docs/gone.md), [here](#tool), " +
      "[nowhere](#nope) and [web](https://example.com/x.md).\n\n```\n[in code](missing.md)\n```\n",
    ],
    ["docs/ref.md", "# Reference\n\n## Flags\n\nBack to [the README](../README.md#tool).\n"],
    ["lib/a.ts", '/** Facts: docs/ref.md §2 and OLD_NOTES.md #3. */\nconst x = "DESIGN.md";\n'],
  ]);
  assert.deepEqual(brokenLinks(files), [
    "README.md:3: (docs/gone.md) names docs/gone.md, which does not exist",
    "README.md:3: (#nope): README.md has no heading #nope",
  ]);
  assert.deepEqual(missingNamedDocs(files), [
    "README.md:3: names docs/gone.md, which is not in the repository",
    "lib/a.ts:1: names OLD_NOTES.md, which is not in the repository",
  ]);
});
