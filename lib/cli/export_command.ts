/** The export command: its flags, its help, its files, and the call into lib/export. */
import { instanceIdOf } from "../aws/client.ts";
import { defaultOutputName, runExport } from "../export/run_export.ts";
import { parseFilters } from "../filters.ts";
import {
  COMMON_FLAGS,
  filterFlags,
  type Flags,
  type FlagSpecs,
  parseFlags,
  TARGET_FLAG,
} from "./flags.ts";
import type { FileSet, Written } from "./paths.ts";
import type { CliCommand } from "./run_cli.ts";

const DEFAULT_EXPORT_LOG = "connect_quick_connect_export.log";

const FLAGS = {
  ...TARGET_FLAG,
  output: {
    type: "string",
    value: "FILE",
    help: "output file, or - for standard output " +
      "(default: connect_quick_connects_export_<instance>_YYYYMMDD_HHMMSS.json)",
  },
  force: { type: "boolean", help: "replace the output file if it exists" },
  "no-search": {
    type: "boolean",
    help: "read with ListQuickConnects + DescribeQuickConnect instead of SearchQuickConnects",
  },
  ...filterFlags("export"),
  ...COMMON_FLAGS,
} as const satisfies FlagSpecs;

interface ExportFiles extends FileSet {
  output: Written;
}

export const EXPORT_COMMAND: CliCommand<Flags<typeof FLAGS>, ExportFiles> = {
  name: "export",
  flags: FLAGS,
  parse: (argv) => parseFlags(FLAGS, argv),
  progressLabel: "Exporting",
  captureRawResponses: true,
  interrupted: "Interrupted: export stopped, no file written",
  help: (program) => ({
    usage: [`${program} --instance-id ID [options]`],
    description:
      "Export every quick connect of an Amazon Connect instance (config, tags, the names of the\n" +
      "users, queues and flows it points to, and its queue links) to one JSON file.",
    epilog: [
      "Filters: --include, --exclude, --type and --tag choose which quick connects are exported",
      "(all must hold; --exclude wins). Name globs SearchQuickConnects can express (Foo, Foo*, *Foo*)",
      "and the tags are sent with it to read fewer pages; every quick connect read is then checked",
      "against all filters here, so --no-search exports the same. The file records them (Filters).",
      "",
      "Files: relative paths are taken from the folder you run the command in. The log is",
      `appended to ${DEFAULT_EXPORT_LOG} there (--log-file to change it) and shown on stderr;`,
      "with --output - the export goes to stdout.",
      "",
      "Region: --region, else AWS_REGION, AWS_DEFAULT_REGION, the profile's region, else us-east-1.",
      "Credentials: --profile, else the AWS SDK default chain (env keys, SSO, instance role).",
      "",
      "Exit codes:",
      "  0    every quick connect exported",
      "  1    some quick connects could not be read (listed in the file's FailedQuickConnects)",
      "  2    bad flags, or the output file exists (nothing was called)",
      "  3    fatal AWS error: credentials, instance not found, access denied",
      "  130  interrupted (Ctrl-C): no file written",
      "",
      "Example:",
      `  ${program} --instance-id 0f3c…e1 --region eu-west-2 --profile prod \\`,
      "    --output qc.json",
      `  ${program} --instance-id 0f3c…e1 --include 'Sales*' --tag Department=Sales`,
    ].join("\n"),
  }),
  files(flags, at) {
    const now = new Date();
    const shown = flags.output ?? defaultOutputName(instanceIdOf(flags["instance-id"]), now);
    const output: Written = {
      what: "output file",
      path: at(shown),
      shown,
      // A taken default name gets a number (two exports in one second); --output needs --force.
      replace: flags.output === undefined ? "rename" : "force",
    };
    const log = flags["log-file"] ?? DEFAULT_EXPORT_LOG;
    return {
      output,
      log: { what: "log file", path: at(log), shown: log, replace: "append" },
      writes: [output],
      reads: [],
    };
  },
  prepare(flags, files) {
    const filters = parseFilters(flags, "export");
    return Promise.resolve(async (ctx, session) =>
      (await runExport(ctx, {
        output: files.output.path,
        shownOutput: files.output.shown,
        force: flags.force,
        pickName: files.output.replace === "rename",
        noSearch: flags["no-search"],
        filters,
        signal: session.signal,
        onProgress: session.onProgress,
      })).exitCode
    );
  },
};
