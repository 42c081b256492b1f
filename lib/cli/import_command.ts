/**
 * The import command: its flags, its help (meant to answer questions without the README),
 * its files, and the call into lib/import.
 */
import { UsageError } from "../errors.ts";
import { loadImportInput } from "../import/input.ts";
import { ON_CONFLICT } from "../import/plan.ts";
import { runImport } from "../import/run_import.ts";
import { parseFilters } from "../filters.ts";
import { COMMON_FLAGS, filterFlags, type FlagSpecs, TARGET_FLAG } from "./flags.ts";
import type { CliCommand, FileSet, Written } from "./run_cli.ts";

export const DEFAULT_IMPORT_LOG = "connect_quick_connect_import.log";

const FLAGS = {
  "instance-id": { ...TARGET_FLAG["instance-id"], help: "target instance ID or instance ARN" },
  "export-file": {
    type: "string",
    value: "FILE",
    required: true,
    help: "export file to import (ours, or the earlier Python scripts' format)",
  },
  "dry-run": {
    type: "boolean",
    help: "log and report the full plan; make no change (read calls only)",
  },
  "on-conflict": {
    type: "string",
    value: "POLICY",
    choices: ON_CONFLICT,
    default: "skip",
    help: "when a quick connect with the same name exists: skip it, update it to match " +
      "the file (description, config, tags), or fail that item",
  },
  mapping: {
    type: "string",
    value: "FILE",
    help: "JSON file mapping source users/queues/flows (by ID or name) to target names or " +
      "IDs, and phone numbers to phone numbers",
  },
  report: {
    type: "string",
    value: "FILE",
    help: "write a JSON report: every item's outcome and target ID, queue-link counts",
  },
  force: { type: "boolean", help: "replace the --report file if it exists" },
  "consistency-wait": {
    type: "string",
    value: "SECONDS",
    default: "30",
    help: "how long to wait for changes to show in the target's lists (Amazon Connect is " +
      "eventually consistent) before a link, a settled create or --verify gives up; 0: no wait",
  },
  verify: {
    type: "boolean",
    help: "after importing, read the target again and list every difference from the file " +
      "(with --dry-run: check the target against the file without changing it)",
  },
  // Filters: which quick connects of the file are imported (README "Choose what moves").
  ...filterFlags("import"),
  ...COMMON_FLAGS,
} as const satisfies FlagSpecs;

interface ImportFiles extends FileSet {
  exportFile: string;
  mapping?: string;
  report?: Written;
}

export const IMPORT_COMMAND: CliCommand<typeof FLAGS, ImportFiles> = {
  name: "import",
  flags: FLAGS,
  progressLabel: "Importing",
  interrupted: "Interrupted: the import stopped before any change",
  help: (program) => ({
    usage: `${program} --instance-id ID --export-file FILE [options]`,
    description:
      "Import quick connects from an export file into an Amazon Connect instance. Users,\n" +
      "queues and flows are matched in the target by name, so the instances may have different IDs.",
    epilog: `How references are resolved (first match wins):
  1. --mapping entry for the source ID or name
  2. same name in the target: username, standard queue name, flow name and type
     (needs an export file with References, as written by our export)
  3. the same ID exists in the target
  Otherwise the item fails and the log says what is missing and how to map it.

Mapping file (every section optional):
  {"Users": {"jdoe": "john.doe"}, "Queues": {"Support": "Customer Support"},
   "ContactFlows": {"<source flow id>": "Default agent transfer"},
   "PhoneNumbers": {"+14155550100": "+442071838750"}}

Queue links: each quick connect is added to the target queues (by name) it was linked to
in the source, in batches of up to 50; existing links are kept. Tags with the reserved
aws: prefix are dropped with a warning. Running the same import again creates nothing twice.

Filters (--include, --exclude, --type, --tag) pick which quick connects of the file are imported;
the others are left out of the plan, the report and the counts.

Files: relative paths are taken from the folder you run the command in. The log is appended
to ${DEFAULT_IMPORT_LOG} there (--log-file to change it) and shown on stderr.
The --report JSON lists every item's outcome and target ID; an existing one is replaced only
with --force, and it may not be the export or mapping file.

Region: --region, else AWS_REGION, AWS_DEFAULT_REGION, the profile's region, else us-east-1.
Credentials: --profile, else the AWS SDK default chain (env keys, SSO, instance role).

Exit codes:
  0    every item created, updated, unchanged or skipped; all queue links in place
  1    some items or queue links failed, or --verify found differences
  2    bad flags, unreadable or invalid export/mapping file (nothing was changed)
  3    fatal AWS error: credentials, instance not found, access denied on a read
  130  interrupted (Ctrl-C): finished calls are kept; run the same command again

Example:
  ${program} --instance-id 11111111-2222-3333-4444-555555555555 \\
    --export-file export.json --dry-run
  ${program} --instance-id 11111111-2222-3333-4444-555555555555 \\
    --export-file export.json --mapping mapping.json --report report.json --verify`,
  }),
  files(flags, at) {
    const log = flags["log-file"] ?? DEFAULT_IMPORT_LOG;
    const shownReport = flags.report;
    const report: Written | undefined = shownReport === undefined ? undefined : {
      what: "report",
      path: at(shownReport),
      shown: shownReport,
      replace: "force",
    };
    const exportFile = at(flags["export-file"]);
    const mapping = flags.mapping === undefined ? undefined : at(flags.mapping);
    return {
      exportFile,
      mapping,
      report,
      log: { what: "log file", path: at(log), shown: log, replace: "append" },
      writes: report ? [report] : [],
      reads: [{ flag: "--export-file", path: exportFile }, { flag: "--mapping", path: mapping }],
    };
  },
  async prepare(flags, files) {
    const wait = Number(flags["consistency-wait"]);
    if (!Number.isFinite(wait) || wait < 0) {
      throw new UsageError(
        `Invalid value for --consistency-wait: "${
          flags["consistency-wait"]
        }" (expected seconds, e.g. 30)`,
      );
    }
    // Both files are read and checked before a client exists: bad input never reaches AWS.
    const input = await loadImportInput({
      exportFile: files.exportFile,
      mappingFile: files.mapping,
      shown: { exportFile: flags["export-file"], mappingFile: flags.mapping },
    });
    return async (ctx, session) =>
      (await runImport(ctx, {
        exportFile: files.exportFile,
        shownExportFile: flags["export-file"],
        mappingFile: files.mapping,
        dryRun: flags["dry-run"],
        onConflict: flags["on-conflict"],
        reportFile: files.report?.path,
        shownReportFile: files.report?.shown,
        verify: flags.verify,
        consistencyWaitMs: wait * 1000,
        signal: session.signal,
        onProgress: session.onProgress,
        onForcedStop: session.onForcedStop,
        input,
        filters: parseFilters(flags, "import"),
      })).exitCode;
  },
};
