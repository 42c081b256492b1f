/**
 * Checks that the documentation can be followed: every relative link in the Markdown files
 * resolves to a file (and its `#anchor` to a heading in it), and every `*.md` a code comment
 * or a document names is a file of the repository. Pure functions over a file map, so the
 * test can also run them on broken fakes.
 */
import { posix } from "node:path";

/** Files by path from the repository root (with `/`). */
export type Files = ReadonlyMap<string, string>;

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .replace(/`/g, "")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** The Markdown with fenced code blocks blanked (line numbers kept). */
const withoutFences = (markdown: string): string =>
  markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, (b) => b.replace(/[^\n]/g, " "));

/** The Markdown with fenced code blocks and inline code blanked (line numbers kept). */
const proseOf = (markdown: string): string =>
  withoutFences(markdown).replace(/`[^`\n]*`/g, (code) => " ".repeat(code.length));

/** Every anchor a Markdown file's headings define (repeats get `-1`, `-2`, as on GitHub). */
export function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of proseOf(markdown).matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    // The heading text from the original line: inline code counts in the anchor.
    const line = markdown.slice(m.index).split("\n", 1)[0] ?? "";
    const base = slug(line.replace(/^#{1,6}[ \t]+/, "").replace(/[ \t#]*$/, ""));
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

export interface Link {
  file: string;
  line: number;
  target: string;
}

/** The inline links `[text](target)` of a Markdown file, outside code. */
export function linksOf(file: string, markdown: string): Link[] {
  const prose = proseOf(markdown);
  const out: Link[] = [];
  for (const m of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    const line = prose.slice(0, m.index).split("\n").length;
    out.push({ file, line, target: m[1] ?? "" });
  }
  return out;
}

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target);

/** Problems with the relative links of the Markdown files in `files`. */
export function brokenLinks(files: Files): string[] {
  const problems: string[] = [];
  for (const [file, text] of files) {
    if (!file.endsWith(".md")) continue;
    for (const link of linksOf(file, text)) {
      if (isExternal(link.target)) continue;
      const [pathPart = "", anchor] = link.target.split("#", 2);
      const to = pathPart === ""
        ? file
        : posix.normalize(posix.join(posix.dirname(file), decodeURI(pathPart)));
      const where = `${link.file}:${link.line}: (${link.target})`;
      if (!files.has(to) && ![...files.keys()].some((f) => f.startsWith(`${to}/`))) {
        problems.push(`${where} names ${to}, which does not exist`);
        continue;
      }
      if (anchor === undefined) continue;
      const target = files.get(to);
      if (target === undefined || !to.endsWith(".md")) {
        problems.push(`${where} has an anchor, but ${to} is not a Markdown file`);
      } else if (!anchorsOf(target).has(anchor)) {
        problems.push(`${where}: ${to} has no heading #${anchor}`);
      }
    }
  }
  return problems;
}

/** String literals first, so a `//` or `/*` inside a string is not taken for a comment. */
const STRING_OR_COMMENT =
  /("(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\[\s\S]|[^`\\])*`)|(\/\*[\s\S]*?\*\/|\/\/[^\n]*)/g;

/** The comments of a TypeScript source, everything else blanked (line numbers kept). */
function commentsOf(source: string): string {
  let out = "";
  let last = 0;
  for (const m of source.matchAll(STRING_OR_COMMENT)) {
    const kept = m[2] ?? m[0].replace(/[^\n]/g, " ");
    out += source.slice(last, m.index).replace(/[^\n]/g, " ") + kept;
    last = m.index + m[0].length;
  }
  return out + source.slice(last).replace(/[^\n]/g, " ");
}

const MD_NAME = /(?<![\w./-])((?:[\w-]+\/|\.\.?\/)*[\w.-]*[\w-]\.md)\b/g;

/**
 * Problems with the `*.md` names in code comments (`.ts` files) and in Markdown prose: each
 * must be a file, taken from the repository root or from the naming file's folder.
 */
export function missingNamedDocs(files: Files): string[] {
  const problems: string[] = [];
  for (const [file, text] of files) {
    const scanned = file.endsWith(".ts")
      ? commentsOf(text)
      : file.endsWith(".md")
      ? withoutFences(text)
      : null;
    if (scanned === null) continue;
    for (const m of scanned.matchAll(MD_NAME)) {
      const name = m[1] ?? "";
      const candidates = [
        posix.normalize(name),
        posix.normalize(posix.join(posix.dirname(file), name)),
      ];
      if (candidates.some((c) => files.has(c))) continue;
      const line = scanned.slice(0, m.index).split("\n").length;
      problems.push(`${file}:${line}: names ${name}, which is not in the repository`);
    }
  }
  return problems;
}
