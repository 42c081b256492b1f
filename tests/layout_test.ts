/**
 * The direction of imports between the lib folders, enforced:
 *
 *   export.ts, import.ts  →  lib/cli/  →  lib/export/ | lib/import/  →  lib/aws/ + lib/*.ts
 *
 * lib/aws/ and the shared files directly in lib/ are one bottom layer (they may import
 * each other); lib/export/ and lib/import/ never import each other; nothing in lib/
 * imports tests/, scripts/, emulator/ or an entrypoint; emulator/ (it stands for Amazon
 * Connect, not for the tool) imports only itself: nothing from lib/, tests/ or scripts/; and only the entrypoints use Deno.exit or
 * Deno.args; no lib function is over 60 lines; no import cycle. Every `import … from`,
 * `export … from`, side-effect and dynamic import counts, `import type` included. Files are
 * read by Deno's own parser (Deno.lint.runPlugin: the syntax tree `deno lint` plugins get),
 * and the imports it finds are compared with `deno info`'s module graph. The checker is
 * tried on fake files too, so a broken scanner cannot pass by finding nothing.
 */
import assert from "node:assert/strict";
import { posix } from "node:path";
import { fileURLToPath } from "node:url";

/** A source file: its path from the repository root (with `/`) and its text. */
export interface SourceFile {
  path: string;
  text: string;
}

export interface Violation {
  file: string;
  line: number;
  /** The offending line, trimmed. */
  source: string;
  rule: string;
}

export const formatViolation = (v: Violation): string =>
  `${v.file}:${v.line}: ${v.source}  -- ${v.rule}`;

// ---------------------------------------------------------------- scanning

export interface ModuleRef {
  /** The specifier as written, or undefined for a dynamic import of a computed value. */
  specifier: string | undefined;
  line: number;
}

export interface FunctionSpan {
  name: string;
  /** First line: the declaration's, the method's or the variable's. */
  line: number;
  lines: number;
}

/** What the parser finds in one file. */
interface Scan {
  refs: (ModuleRef & { at: number })[];
  exitOrArgs: { name: string; line: number; at: number }[];
  functions: FunctionSpan[];
}

type Node = Deno.lint.Node;

const isDeno = (n: Node | null | undefined) => n?.type === "Identifier" && n.name === "Deno";

/** The name of an identifier or a string literal (a property key), else undefined. */
function nameOf(n: Node | null | undefined): string | undefined {
  if (n?.type === "Identifier" || n?.type === "PrivateIdentifier") return n.name;
  if (n?.type === "Literal" && typeof n.value === "string") return n.value;
  return undefined;
}

/**
 * Parses a file with Deno's own TypeScript parser (the one `deno lint` uses: a syntax error
 * fails the test) and collects its module references (`import … from`, `import type`,
 * `export … from`, `import "x"`, `import("x")`, a type's `import("x")`), its uses of
 * Deno.exit and Deno.args, and its functions with a block body.
 */
function scan(text: string): Scan {
  const out: Scan = { refs: [], exitOrArgs: [], functions: [] };
  const lineAt = (offset: number) => text.slice(0, offset).split("\n").length;
  const ref = (node: Node, source: Node | null) =>
    out.refs.push({
      specifier: source?.type === "Literal" && typeof source.value === "string"
        ? source.value
        : undefined,
      line: lineAt(node.range[0]),
      at: node.range[0],
    });
  const use = (node: Node, name: string | undefined) => {
    if (name === "exit" || name === "args") {
      out.exitOrArgs.push({ name: `Deno.${name}`, line: lineAt(node.range[0]), at: node.range[0] });
    }
  };
  type Fn =
    | Deno.lint.FunctionDeclaration
    | Deno.lint.FunctionExpression
    | Deno.lint.ArrowFunctionExpression;
  const fn = (node: Fn) => {
    // An arrow function with an expression body has no braces of its own.
    if (node.body?.type !== "BlockStatement") return;
    const p = node.parent;
    const holder = p.type === "MethodDefinition" || p.type === "VariableDeclarator" ||
        p.type === "Property" || p.type === "PropertyDefinition"
      ? p
      : node;
    const name = nameOf(node.id) ??
      nameOf(holder.type === "VariableDeclarator" ? holder.id : undefined) ??
      nameOf(holder !== node && "key" in holder ? holder.key : undefined) ?? "(anonymous)";
    const line = lineAt(holder.range[0]);
    out.functions.push({ name, line, lines: lineAt(node.range[1] - 1) - line + 1 });
  };
  const rule: Deno.lint.Rule = {
    create: () => ({
      ImportDeclaration: (n) => ref(n, n.source),
      ExportNamedDeclaration: (n) => n.source && ref(n, n.source),
      ExportAllDeclaration: (n) => ref(n, n.source),
      ImportExpression: (n) => ref(n, n.source),
      TSImportType: (n) => ref(n, n.argument.type === "TSLiteralType" ? n.argument.literal : null),
      MemberExpression: (n) => {
        if (!isDeno(n.object)) return;
        // Deno.exit, Deno?.exit and Deno["exit"]; not Deno[name].
        use(n, !n.computed || n.property.type === "Literal" ? nameOf(n.property) : undefined);
      },
      ObjectPattern: (n) => {
        const p = n.parent;
        const from = p.type === "VariableDeclarator"
          ? p.init
          : p.type === "AssignmentExpression"
          ? p.right
          : undefined;
        if (!isDeno(from)) return;
        for (const prop of n.properties) if (prop.type === "Property") use(n, nameOf(prop.key));
      },
      FunctionDeclaration: fn,
      FunctionExpression: fn,
      ArrowFunctionExpression: fn,
    }),
  };
  Deno.lint.runPlugin({ name: "layout", rules: { scan: rule } }, "file.ts", text);
  out.refs.sort((a, b) => a.at - b.at);
  out.exitOrArgs.sort((a, b) => a.at - b.at);
  return out;
}

/**
 * Every module a file refers to: `import … from "x"`, `import type … from "x"`,
 * `export … from "x"`, `import "x"`, and `import("x")` (a computed `import(…)` has no
 * specifier).
 */
export const moduleRefs = (text: string): ModuleRef[] =>
  scan(text).refs.map(({ specifier, line }) => ({ specifier, line }));

/** Uses of Deno.exit and Deno.args (also `Deno["exit"]` and `const { args } = Deno`). */
export const exitOrArgsUses = (text: string): { name: string; line: number }[] =>
  scan(text).exitOrArgs.map(({ name, line }) => ({ name, line }));

// ---------------------------------------------------------------- the rules

type Layer =
  | "entry"
  | "cli"
  | "export"
  | "import"
  | "aws"
  | "shared"
  | "lib-other"
  | "emulator"
  | "tests"
  | "scripts"
  | "config"
  | "other";

/** Where a repository path sits. */
export function layerOf(path: string): Layer {
  if (path === "export.ts" || path === "import.ts") return "entry";
  if (path === "deno.json") return "config";
  const m = /^lib\/(?:([^/]+)\/)?[^/]+$/.exec(path);
  if (m) {
    const folder = m[1];
    if (folder === undefined) return "shared";
    if (folder === "cli" || folder === "export" || folder === "import" || folder === "aws") {
      return folder;
    }
    return "lib-other";
  }
  if (path.startsWith("lib/")) return "lib-other";
  if (path.startsWith("emulator/")) return "emulator";
  if (path.startsWith("tests/")) return "tests";
  if (path.startsWith("scripts/")) return "scripts";
  return "other";
}

const NAME: Record<Layer, string> = {
  entry: "export.ts/import.ts",
  cli: "lib/cli/",
  export: "lib/export/",
  import: "lib/import/",
  aws: "lib/aws/",
  shared: "lib/*.ts",
  "lib-other": "another lib/ folder",
  emulator: "emulator/",
  tests: "tests/",
  scripts: "scripts/",
  config: "deno.json",
  other: "a file outside lib/",
};

/** What each layer may import by path (package imports are free). */
const MAY_IMPORT: Partial<Record<Layer, readonly Layer[]>> = {
  entry: ["cli"],
  cli: ["cli", "export", "import", "aws", "shared"],
  export: ["export", "aws", "shared"],
  import: ["import", "aws", "shared"],
  aws: ["aws", "shared"],
  // lib/version.ts reads the version from deno.json.
  shared: ["shared", "aws", "config"],
  emulator: ["emulator"],
};

/** The repository path a relative specifier names, or undefined for a package import. */
function resolvePath(from: string, specifier: string): string | undefined {
  if (specifier.startsWith("./") || specifier.startsWith("../")) {
    return posix.normalize(posix.join(posix.dirname(from), specifier));
  }
  if (specifier.startsWith("/") || specifier.startsWith("file:")) return specifier;
  return undefined;
}

/** Every import against the layering, and every Deno.exit / Deno.args outside an entrypoint. */
export function checkLayout(files: readonly SourceFile[]): Violation[] {
  const out: Violation[] = [];
  for (const f of files) {
    const from = layerOf(f.path);
    const lines = f.text.split("\n");
    const at = (line: number) => (lines[line - 1] ?? "").trim();
    if (from === "lib-other") {
      out.push({
        file: f.path,
        line: 1,
        source: at(1),
        rule: "lib/ holds only cli/, export/, import/, aws/ and shared files; give a new " +
          "folder a place in tests/layout_test.ts",
      });
    }
    const allowed = MAY_IMPORT[from];
    if (allowed) {
      for (const ref of moduleRefs(f.text)) {
        if (ref.specifier === undefined) {
          out.push({
            file: f.path,
            line: ref.line,
            source: at(ref.line),
            rule: "a computed import() cannot be checked; import a literal path",
          });
          continue;
        }
        const target = resolvePath(f.path, ref.specifier);
        if (target === undefined) continue;
        const to = layerOf(target);
        if (allowed.includes(to)) continue;
        const rule = from === "emulator"
          ? `emulator/ imports only emulator/; ${target} is ${NAME[to]}`
          : to === "tests" || to === "scripts" || to === "emulator"
          ? `lib/ never imports ${NAME[to]}`
          : `${NAME[from]} may import only ${allowed.map((l) => NAME[l]).join(", ")}; ` +
            `${target} is ${NAME[to]}`;
        out.push({ file: f.path, line: ref.line, source: at(ref.line), rule });
      }
    }
    if (from !== "entry") {
      for (const use of exitOrArgsUses(f.text)) {
        out.push({
          file: f.path,
          line: use.line,
          source: at(use.line),
          rule: `only export.ts and import.ts use Deno.exit and Deno.args (${use.name})`,
        });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- the real files

const ROOT = new URL("../", import.meta.url);

async function sourceFiles(): Promise<SourceFile[]> {
  const paths = ["export.ts", "import.ts"];
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(new URL(dir, ROOT))) {
      const path = `${dir}${e.name}`;
      if (e.isDirectory) await walk(`${path}/`);
      else if (e.isFile && e.name.endsWith(".ts")) paths.push(path);
    }
  };
  await walk("lib/");
  await walk("emulator/");
  return await Promise.all(
    paths.sort().map(async (path) => ({
      path,
      text: await Deno.readTextFile(new URL(path, ROOT)),
    })),
  );
}

Deno.test("lib/ imports point one way: cli → export | import → aws + shared; never tests/, scripts/ or emulator/; emulator/ imports only itself", async () => {
  const files = await sourceFiles();
  // The walk found the tree, and the scanner its imports (no vacuous pass).
  for (const layer of ["entry", "cli", "export", "import", "aws", "shared", "emulator"] as const) {
    assert.ok(files.some((f) => layerOf(f.path) === layer), `a file in ${NAME[layer]}`);
  }
  const runCli = files.find((f) => f.path === "lib/cli/run_cli.ts")!;
  assert.ok(moduleRefs(runCli.text).some((r) => r.specifier === "./paths.ts"));
  const routes = files.find((f) => f.path === "emulator/routes.ts")!;
  assert.ok(moduleRefs(routes.text).some((r) => r.specifier === "./model.ts"));
  const total = files.reduce((n, f) => n + moduleRefs(f.text).length, 0);
  assert.ok(total >= 100, `${total} imports found`);
  const bad = checkLayout(files).filter((v) => !v.rule.startsWith("only export.ts"));
  assert.deepEqual(bad.map(formatViolation), []);
});

Deno.test("only export.ts and import.ts use Deno.exit or Deno.args", async () => {
  const files = await sourceFiles();
  for (const entry of ["export.ts", "import.ts"]) {
    const uses = exitOrArgsUses(files.find((f) => f.path === entry)!.text).map((u) => u.name);
    assert.deepEqual([...new Set(uses)].sort(), ["Deno.args", "Deno.exit"], entry);
  }
  const bad = checkLayout(files).filter((v) => v.rule.startsWith("only export.ts"));
  assert.deepEqual(bad.map(formatViolation), []);
});

Deno.test("moduleRefs() finds exactly the imports deno's own module graph has, file by file", async () => {
  const files = new Map((await sourceFiles()).map((f) => [new URL(f.path, ROOT).href, f]));
  const seen = new Set<string>();
  for (const entry of ["export.ts", "import.ts"]) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", entry],
      cwd: fileURLToPath(ROOT),
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const graph = JSON.parse(new TextDecoder().decode(out.stdout)) as {
      modules: { specifier: string; dependencies?: { specifier: string }[] }[];
    };
    for (const m of graph.modules) {
      const f = files.get(m.specifier);
      if (!f) continue;
      seen.add(f.path);
      const theirs = new Set((m.dependencies ?? []).map((d) => d.specifier));
      const ours = new Set(moduleRefs(f.text).map((r) => r.specifier));
      assert.deepEqual([...ours].sort(), [...theirs].sort(), f.path);
    }
  }
  // Both entrypoints and most of lib/ are reachable, so the comparison covered them.
  assert.ok(seen.has("export.ts") && seen.has("import.ts"));
  assert.ok(seen.size >= 30, `${seen.size} files compared`);
});

// ---------------------------------------------------------------- the checker can fail

Deno.test("checkLayout() reports each kind of violation with file, line and import", () => {
  const files: SourceFile[] = [
    { path: "lib/aws/bad.ts", text: 'import { x } from "../cli/flags.ts";\n' },
    { path: "lib/aws/ok.ts", text: 'import { E } from "../errors.ts";\nimport "./client.ts";\n' },
    { path: "lib/import/bad.ts", text: '// up\nexport { y } from "../export/run_export.ts";\n' },
    { path: "lib/import/cli.ts", text: 'import type { C } from "../cli/context.ts";\n' },
    { path: "lib/export/bad.ts", text: 'const m = await import("../import/plan.ts");\n' },
    {
      path: "lib/export/cli.ts",
      text: 'import {\n  a,\n  b,\n} from "../cli/run_cli.ts";\n',
    },
    { path: "lib/shared.ts", text: 'import { r } from "./import/report.ts";\n' },
    { path: "lib/version.ts", text: 'import c from "../deno.json" with { type: "json" };\n' },
    { path: "lib/tested.ts", text: 'import { s } from "../tests/support/cli.ts";\n' },
    { path: "lib/emulated.ts", text: 'import type { E } from "../emulator/server.ts";\n' },
    { path: "emulator/believes.ts", text: 'import { T } from "../lib/quick_connect.ts";\n' },
    { path: "emulator/tested.ts", text: 'export type { C } from "../tests/support/cli.ts";\n' },
    { path: "emulator/ok.ts", text: 'import { L } from "./model.ts";\nimport "npm:zod";\n' },
    { path: "lib/cli/scripted.ts", text: 'export * from "../../scripts/permissions.ts";\n' },
    { path: "lib/cli/ok.ts", text: 'import { a } from "../aws/client.ts";\nimport "npm:x";\n' },
    { path: "lib/cli/exits.ts", text: "export const go = () => Deno.exit(Deno.args.length);\n" },
    { path: "lib/cli/dyn.ts", text: "await import(name);\n" },
    { path: "lib/util/new.ts", text: "export const n = 1;\n" },
    { path: "export.ts", text: 'import { r } from "./lib/import/run_import.ts";\nDeno.exit(0);\n' },
    { path: "import.ts", text: 'import { runCli } from "./lib/cli/run_cli.ts";\nDeno.args;\n' },
  ];
  assert.deepEqual(checkLayout(files).map(formatViolation), [
    'lib/aws/bad.ts:1: import { x } from "../cli/flags.ts";  -- lib/aws/ may import only ' +
    "lib/aws/, lib/*.ts; lib/cli/flags.ts is lib/cli/",
    'lib/import/bad.ts:2: export { y } from "../export/run_export.ts";  -- lib/import/ may ' +
    "import only lib/import/, lib/aws/, lib/*.ts; lib/export/run_export.ts is lib/export/",
    'lib/import/cli.ts:1: import type { C } from "../cli/context.ts";  -- lib/import/ may ' +
    "import only lib/import/, lib/aws/, lib/*.ts; lib/cli/context.ts is lib/cli/",
    'lib/export/bad.ts:1: const m = await import("../import/plan.ts");  -- lib/export/ may ' +
    "import only lib/export/, lib/aws/, lib/*.ts; lib/import/plan.ts is lib/import/",
    "lib/export/cli.ts:1: import {  -- lib/export/ may import only lib/export/, lib/aws/, " +
    "lib/*.ts; lib/cli/run_cli.ts is lib/cli/",
    'lib/shared.ts:1: import { r } from "./import/report.ts";  -- lib/*.ts may import only ' +
    "lib/*.ts, lib/aws/, deno.json; lib/import/report.ts is lib/import/",
    'lib/tested.ts:1: import { s } from "../tests/support/cli.ts";  -- lib/ never imports tests/',
    'lib/emulated.ts:1: import type { E } from "../emulator/server.ts";  -- lib/ never imports ' +
    "emulator/",
    'emulator/believes.ts:1: import { T } from "../lib/quick_connect.ts";  -- emulator/ imports ' +
    "only emulator/; lib/quick_connect.ts is lib/*.ts",
    'emulator/tested.ts:1: export type { C } from "../tests/support/cli.ts";  -- emulator/ ' +
    "imports only emulator/; tests/support/cli.ts is tests/",
    'lib/cli/scripted.ts:1: export * from "../../scripts/permissions.ts";  -- lib/ never ' +
    "imports scripts/",
    "lib/cli/exits.ts:1: export const go = () => Deno.exit(Deno.args.length);  -- only " +
    "export.ts and import.ts use Deno.exit and Deno.args (Deno.exit)",
    "lib/cli/exits.ts:1: export const go = () => Deno.exit(Deno.args.length);  -- only " +
    "export.ts and import.ts use Deno.exit and Deno.args (Deno.args)",
    "lib/cli/dyn.ts:1: await import(name);  -- a computed import() cannot be checked; import " +
    "a literal path",
    "lib/util/new.ts:1: export const n = 1;  -- lib/ holds only cli/, export/, import/, aws/ " +
    "and shared files; give a new folder a place in tests/layout_test.ts",
    'export.ts:1: import { r } from "./lib/import/run_import.ts";  -- export.ts/import.ts may ' +
    "import only lib/cli/; lib/import/run_import.ts is lib/import/",
  ]);
  // The same files without the offenders pass.
  const clean = files.filter((f) => /\/ok\.ts$|^lib\/version\.ts$|^import\.ts$/.test(f.path));
  assert.equal(clean.length, 5);
  assert.deepEqual(checkLayout(clean), []);
});

Deno.test("moduleRefs() reads every form of import; comments, strings, templates and regexes are not imports", () => {
  const text = [
    'import a from "./a.ts";',
    'import type { B } from "./b.ts";',
    "import {",
    '  c, // a comment with from "./nope1.ts"',
    "  d as e,",
    '} from "./c.ts";',
    'import * as f from "./f.ts";',
    'import g, { h } from "./g.ts";',
    "import './side.ts';",
    'export { i } from "./i.ts";',
    'export * from "./star.ts";',
    'export type { J } from "./j.ts";',
    'import cfg from "../deno.json" with { type: "json" };',
    'const m = await import("./dyn.ts");',
    '/* import x from "./nope2.ts"; */',
    'const s = "import y from \\"./nope3.ts\\"";',
    "const t = `",
    'import z from "./nope4.ts";',
    '${await import("./in_template.ts")}`;',
    "const re = /[`]/g, half = a / 2;",
    'import q from "./after_regex.ts";',
    'const k = "./nope5.ts" / 3;',
    'export const from = "./nope6.ts";',
    "Deno.exitCode = 1; // Deno.exit(1)",
    'type T = import("./typed.ts").T;',
  ].join("\n");
  assert.deepEqual(moduleRefs(text), [
    { specifier: "./a.ts", line: 1 },
    { specifier: "./b.ts", line: 2 },
    { specifier: "./c.ts", line: 3 },
    { specifier: "./f.ts", line: 7 },
    { specifier: "./g.ts", line: 8 },
    { specifier: "./side.ts", line: 9 },
    { specifier: "./i.ts", line: 10 },
    { specifier: "./star.ts", line: 11 },
    { specifier: "./j.ts", line: 12 },
    { specifier: "../deno.json", line: 13 },
    { specifier: "./dyn.ts", line: 14 },
    { specifier: "./in_template.ts", line: 19 },
    // Read as a template, the regex's backquote would have hidden this one.
    { specifier: "./after_regex.ts", line: 21 },
    { specifier: "./typed.ts", line: 25 },
  ]);
  assert.deepEqual(exitOrArgsUses(text), []);
  assert.deepEqual(exitOrArgsUses('const { args } = Deno;\nDeno["exit"](2);\nDeno?.exit(1);'), [
    { name: "Deno.args", line: 1 },
    { name: "Deno.exit", line: 2 },
    { name: "Deno.exit", line: 3 },
  ]);
});

// ---------------------------------------------------------------- cycles

/** Every import cycle among `files` (type-only imports count), each as its files in order. */
export function importCycles(files: readonly SourceFile[]): string[][] {
  const known = new Set(files.map((f) => f.path));
  const edges = new Map<string, string[]>();
  for (const f of files) {
    const to = moduleRefs(f.text).flatMap((r) => {
      const t = r.specifier === undefined ? undefined : resolvePath(f.path, r.specifier);
      return t !== undefined && known.has(t) ? [t] : [];
    });
    edges.set(f.path, [...new Set(to)].sort());
  }
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, "open");
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === "open") {
        const cycle = stack.slice(stack.indexOf(next));
        const key = [...cycle].sort().join(" ");
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push([...cycle, next]);
        }
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const f of [...known].sort()) if (!state.has(f)) visit(f);
  return cycles;
}

Deno.test("no import cycle in lib/, type-only imports included", async () => {
  const cycles = importCycles(await sourceFiles());
  assert.deepEqual(cycles.map((c) => c.join(" → ")), []);
});

Deno.test("importCycles() finds a cycle through a type-only import, and none in a chain", () => {
  const files = [
    { path: "lib/a.ts", text: 'import { b } from "./b.ts";\n' },
    { path: "lib/b.ts", text: 'import type { C } from "./c.ts";\n' },
    { path: "lib/c.ts", text: 'export type { A } from "./a.ts";\n' },
    { path: "lib/d.ts", text: 'import { a } from "./a.ts";\n' },
  ];
  assert.deepEqual(importCycles(files), [["lib/a.ts", "lib/b.ts", "lib/c.ts", "lib/a.ts"]]);
  assert.deepEqual(importCycles(files.slice(0, 2)), []);
});

// ---------------------------------------------------------------- function length

/**
 * Functions with a body in braces (declarations, methods, function and arrow expressions)
 * longer than `max` lines, from the first line of their declaration to their closing brace.
 */
export function longFunctions(file: SourceFile, max: number): string[] {
  return scan(file.text).functions.filter((f) => f.lines > max).map((f) =>
    `${file.path}:${f.line} ${f.name} (${f.lines} lines)`
  );
}

Deno.test("no lib function is over 60 lines", async () => {
  const files = (await sourceFiles()).filter((f) => f.path.startsWith("lib/"));
  assert.deepEqual(files.flatMap((f) => longFunctions(f, 60)), []);
});

Deno.test("longFunctions() measures a function from its first line to its closing brace", () => {
  const body = Array.from({ length: 5 }, (_, i) => `  const x${i} = "{";`).join("\n");
  const fields = body.replaceAll("const ", "");
  const file = {
    path: "lib/x.ts",
    text:
      `export function long(a: number) {\n${body}\n}\nconst short = () => {\n  return 1;\n};\n` +
      `const expr = (n: number) => n + 1;\nclass K {\n${fields}\n${fields}\n}\n`,
  };
  assert.deepEqual(longFunctions(file, 6), ["lib/x.ts:1 long (7 lines)"]);
  assert.deepEqual(longFunctions(file, 7), []);
  // A method from its first line, and functions held by a variable, under their names.
  const more = {
    path: "lib/y.ts",
    text: `class C {\n  static async m(\n    a: number,\n  ) {\n${body}\n  }\n}\n` +
      `export const f = async () => {\n${body}\n};\nconst g = function () {\n${body}\n};\n`,
  };
  assert.deepEqual(longFunctions(more, 6), [
    "lib/y.ts:2 m (9 lines)",
    "lib/y.ts:12 f (7 lines)",
    "lib/y.ts:19 g (7 lines)",
  ]);
});
