/**
 * Input files as users hand them over, through the real CLI: a mapping with a key or a
 * section twice (JSON.parse would keep the last one silently), files saved as UTF-16 or
 * UTF-32 (Windows PowerShell 5's `>` writes UTF-16), and an export piped in on standard
 * input. Every refusal is exit 2, one `error: …` line naming the file, and no AWS call.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../emulator/testing.ts";
import { denoRunArgs } from "../scripts/permissions.ts";
import { linesExport, linesTarget } from "./support/lines.ts";
import { migrationFixture } from "./support/generate.ts";
import { cliEnv, ROOT, runCli } from "./support/cli.ts";

const TARGET = "00000000-0000-4000-8000-0000000000e1";

/** A folder holding export.json (three quick connects) and the given files. */
async function folder(files: Record<string, string | Uint8Array> = {}): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "qc_input_" });
  await Deno.writeTextFile(`${dir}/export.json`, JSON.stringify(linesExport(3)));
  for (const [name, content] of Object.entries(files)) {
    if (typeof content === "string") await Deno.writeTextFile(`${dir}/${name}`, content);
    else await Deno.writeFile(`${dir}/${name}`, content);
  }
  return dir;
}

/** `text` in UTF-16 or UTF-32, either byte order, with or without a byte order mark. */
function wide(text: string, unit: 2 | 4, order: "LE" | "BE", bom: boolean): Uint8Array {
  const codes = [...(bom ? "\ufeff" : ""), ...text].map((c) => c.codePointAt(0)!);
  const out = new Uint8Array(codes.length * unit);
  const view = new DataView(out.buffer);
  codes.forEach((c, i) => {
    if (unit === 2) view.setUint16(i * 2, c, order === "LE");
    else view.setUint32(i * 4, c, order === "LE");
  });
  return out;
}

Deno.test("a mapping with a key twice in a section, or a section twice, is refused with both lines (exit 2, no call)", async () => {
  await using emu = await startEmulator({ seed: linesTarget(TARGET), quotas: false });
  const dir = await folder({
    "keys.json": '{\n  "Queues": {\n    "Sales": "Sales",\n    "Support": "Support",\n' +
      '    "Sales": "Support"\n  }\n}\n',
    "sections.json": '{\n  "Queues": {"Sales": "Sales"},\n  "Users": {},\n' +
      '  "Queues": {"Sales": "Support"}\n}\n',
  });
  const run = (mapping: string) =>
    runCli("import", [
      "--instance-id",
      TARGET,
      "--export-file",
      "export.json",
      "--mapping",
      mapping,
      "--endpoint-url",
      emu.url,
      "--dry-run",
    ], dir);
  const keys = await run("keys.json");
  assert.equal(keys.code, 2, keys.stderr);
  assert.match(
    keys.stderr,
    /^error: Invalid mapping file "keys\.json": "Sales" appears twice in Queues \(lines 3 and 5\); JSON would keep only the last one/,
  );
  const sections = await run("sections.json");
  assert.equal(sections.code, 2, sections.stderr);
  assert.match(
    sections.stderr,
    /^error: Invalid mapping file "sections\.json": "Queues" appears twice at the top level \(lines 2 and 4\)/,
  );
  assert.deepEqual(emu.calls(), {});
  // The same key in two sections, or in two objects, is no duplicate.
  await Deno.writeTextFile(
    `${dir}/fine.json`,
    '{"Queues": {"Sales": "Sales"}, "ContactFlows": {"Sales": "x"}, "Users": {"a": "Sales"}}',
  );
  const fine = await run("fine.json");
  assert.equal(fine.code, 0, fine.stderr);
});

Deno.test("a UTF-16 or UTF-32 export, mapping, plan or report is named as such, not as bad JSON (exit 2, no call)", async () => {
  await using emu = await startEmulator({ seed: linesTarget(TARGET), quotas: false });
  const exportText = JSON.stringify(linesExport(2));
  const dir = await folder({
    "e16.json": wide(exportText, 2, "LE", true),
    "e16be.json": wide(exportText, 2, "BE", false),
    "e32.json": wide(exportText, 4, "LE", false),
    "m16.json": wide('{"Queues": {}}', 2, "LE", false),
    "p16.json": wide("{}", 2, "BE", true),
    "r32.json": wide("{}", 4, "BE", true),
  });
  const base = ["--instance-id", TARGET, "--endpoint-url", emu.url];
  const cases: [string[], string, string][] = [
    [["--export-file", "e16.json", "--dry-run"], 'export file "e16.json"', "UTF-16"],
    [["--export-file", "e16be.json", "--dry-run"], 'export file "e16be.json"', "UTF-16"],
    [["--export-file", "e32.json", "--dry-run"], 'export file "e32.json"', "UTF-32"],
    [
      ["--export-file", "export.json", "--mapping", "m16.json", "--dry-run"],
      'mapping file "m16.json"',
      "UTF-16",
    ],
    [["--plan", "p16.json"], 'plan file "p16.json"', "UTF-16"],
    [["--undo", "r32.json"], 'report "r32.json"', "UTF-32"],
  ];
  for (const [args, file, encoding] of cases) {
    const r = await runCli("import", [...base, ...args], dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`^error: Invalid ${file}: it is ${encoding} encoded; save it as UTF-8`),
    );
    assert.doesNotMatch(r.stderr, /JSON|Unexpected token/);
  }
  assert.deepEqual(emu.calls(), {});
});

/** `deno run` of an entrypoint in `dir`, as cliCommand does, with stdin and stdout piped. */
function piped(entry: "export" | "import", args: string[], dir: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: denoRunArgs(entry, args, ROOT),
    cwd: dir,
    env: cliEnv(dir),
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function finish(child: Deno.ChildProcess): Promise<{ code: number; stderr: string }> {
  const out = await child.output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("import --export-file - reads a pipe from export --output -, checked like a file, shown as standard input", async () => {
  await using emu = await startEmulator({
    seed: migrationFixture({ quickConnects: 4, queues: 2 }),
    quotas: false,
  });
  const [source, target] = emu.state().Instances;
  const dir = await folder();
  const exporter = piped(
    "export",
    ["--instance-id", source!.Id!, "--endpoint-url", emu.url, "--output", "-"],
    dir,
  );
  await exporter.stdin.close();
  const importer = piped("import", [
    "--instance-id",
    target!.Id!,
    "--endpoint-url",
    emu.url,
    "--export-file",
    "-",
    "--report",
    "r.json",
  ], dir);
  await exporter.stdout.pipeTo(importer.stdin);
  const [exp, imp] = await Promise.all([finish(exporter), finish(importer)]);
  assert.equal(exp.code, 0, exp.stderr);
  assert.equal(imp.code, 0, imp.stderr);
  assert.match(imp.stderr, /INFO - Loaded export data from standard input/);
  assert.match(imp.stderr, /Created: 4,/);

  // The same checks as a file's: bad content and a UTF-16 pipe are refused, named.
  const feed = async (bytes: Uint8Array, extra: string[] = []) => {
    const child = piped("import", [
      "--instance-id",
      target!.Id!,
      "--endpoint-url",
      emu.url,
      "--export-file",
      "-",
      "--dry-run",
      ...extra,
    ], dir);
    const writer = child.stdin.getWriter();
    await writer.write(bytes).catch(() => {});
    await writer.close().catch(() => {});
    return await finish(child);
  };
  const calls = emu.calls();
  const bad = await feed(new TextEncoder().encode('{"QuickConnects": 3}'));
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /^error: Invalid export file "standard input": QuickConnects/);
  const utf16 = await feed(wide('{"QuickConnects": []}', 2, "LE", true));
  assert.equal(utf16.code, 2, utf16.stderr);
  assert.match(utf16.stderr, /^error: Invalid export file "standard input": it is UTF-16 encoded/);
  // Only one flag may read standard input.
  const twice = await feed(new TextEncoder().encode("{}"), ["--mapping", "-"]);
  assert.equal(twice.code, 2, twice.stderr);
  assert.match(twice.stderr, /^error: --mapping -: only --export-file reads standard input/);
  assert.deepEqual(emu.calls(), calls, "no call for a refused input");
});
