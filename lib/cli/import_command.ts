/**
 * The import command: its flags, its help (meant to answer questions without the README),
 * its files, and the call into lib/import.
 */
import { instanceIdOf, regionOfArn } from "../aws/client.ts";
import { defaultOutputName } from "../export/run_export.ts";
import { loadImportInput } from "../import/input.ts";
import { loadPlanFile } from "../import/plan_file.ts";
import { loadUndoReport } from "../import/undo.ts";
import { ON_CONFLICT } from "../import/plan.ts";
import { type ImportSource, runImport } from "../import/run_import.ts";
import { checkPruneInput } from "../import/sources.ts";
import type { Path } from "../path.ts";
import { esc, type Logger } from "../log.ts";
import { UsageError } from "../errors.ts";
import { parseFilters } from "../filters.ts";
import { COMMON_FLAGS, filterFlags, type Flags, type FlagSpecs, parseFlags } from "./flags.ts";
import type { FileSet, Written } from "./paths.ts";
import type { CliCommand } from "./run_cli.ts";

const DEFAULT_IMPORT_LOG = "connect_quick_connect_import.log";

/** Why a flag that shapes a plan does not go with --plan or --undo. */
const PLAN_MADE = "the plan is already made";

const FLAGS = {
  "instance-id": {
    type: "string",
    value: "ID",
    help: "target instance ID or instance ARN (required with --export-file; with --plan or " +
      "--undo, default: the instance and Region the file names)",
  },
  "export-file": {
    type: "string",
    value: "FILE",
    source: {},
    help: "export file to import (ours, or the earlier Python scripts' format), or - for " +
      "standard input (export --output - | import --export-file -); required unless --plan or --undo",
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
    modes: ["export-file"],
    help: "when a quick connect with the same name exists: skip it, update it to match " +
      "the file (description, config, tags), or fail that item",
  },
  mapping: {
    type: "string",
    value: "FILE",
    modes: ["export-file"],
    help: "JSON file mapping source users/queues/flows (by ID or name) to target names or " +
      "IDs, and phone numbers to phone numbers",
  },
  report: {
    type: "string",
    value: "FILE",
    help: "where the run's record goes: its journal while it runs (written ahead of every " +
      "change), then the JSON report (every item's outcome and target ID, queue-link counts, " +
      "what undo needs); without it, a run that changes something keeps its record as " +
      "connect_quick_connects_import_<instance>_<time>.json",
  },
  force: {
    type: "boolean",
    help: "replace the --report or --plan-out file if it exists; with --undo, also reverse what " +
      "changed since the run or may not have been its doing (each said in the log)",
  },
  "plan-out": {
    type: "string",
    value: "FILE",
    requires: ["dry-run"],
    modes: ["export-file"],
    help: "save the plan, to review it and apply exactly it with --plan",
  },
  "quick-connect-quota": {
    type: "number",
    min: 1,
    expected: "a whole number of quick connects, e.g. 100",
    value: "N",
    default: 100,
    modes: ["export-file"],
    help: "the target instance's quota of quick connects (Service Quotas L-68BBE2E8, " +
      "default 100): a plan that would pass it is warned of before anything is created",
  },
  review: {
    type: "string",
    value: "FILE",
    requires: ["dry-run"],
    help: "write the plan as Markdown for a change ticket or pull request: totals, each " +
      "update's fields old → new, creates, deletes, link changes, warnings (also appended " +
      "to $GITHUB_STEP_SUMMARY when it is set)",
  },
  plan: {
    type: "string",
    value: "FILE",
    source: { why: PLAN_MADE },
    help: "apply a plan saved with --plan-out, nothing else; refused (exit 2, no change) " +
      "if the target changed since, if the file was edited, or if it was made for another " +
      "instance, Region or version",
  },
  "write-mapping": {
    type: "string",
    value: "FILE",
    requires: ["dry-run"],
    modes: ["export-file"],
    help: "write a --mapping file listing every unresolved source user, " +
      "queue and flow with an empty target to fill in (for files without names)",
  },
  "detailed-exitcode": {
    type: "boolean",
    requires: ["dry-run"],
    help: "exit 4 when applying would change the target, 0 when it would not; " +
      "under the default --on-conflict skip, existing quick connects that differ from the file " +
      "are WARNINGs and exit 0: give the apply's own flags (--on-conflict update, --prune) so " +
      "what it would update or delete counts",
  },
  prune: {
    type: "boolean",
    modes: ["export-file"],
    help: "delete the target's quick connects that are not in the export file " +
      "(unlinked from their queues first), only among those the file's own filters and the " +
      "import's select; refused for an export with no quick connects; never without this flag",
  },
  "prune-links": {
    type: "boolean",
    modes: ["export-file"],
    help: "on the target queues the export names, remove links to quick connects that the " +
      "source queue does not have",
  },
  "max-deletes": {
    type: "number",
    integer: true,
    min: 0,
    expected: "a whole number, e.g. 25",
    value: "N",
    default: 10,
    help: "refuse (exit 2, no change) to delete more quick connects than this with --prune",
  },
  undo: {
    type: "string",
    value: "REPORT",
    source: { why: PLAN_MADE },
    help: "reverse the run this record describes (its report, or the journal a killed run " +
      "left), where the target still holds what " +
      "it left: delete what it created, restore what it updated or deleted, remove the links " +
      "it added; what changed since is left and named (exit 1; --force reverses it anyway)",
  },
  "consistency-wait": {
    type: "number",
    min: 0,
    expected: "seconds, e.g. 30",
    value: "SECONDS",
    default: 30,
    help: "how long to wait for changes to show in the target's lists (Amazon Connect is " +
      "eventually consistent) before a link, a settled create or --verify gives up; 0: no wait",
  },
  verify: {
    type: "boolean",
    help: "after importing, read the target again and list every difference from the file " +
      "(with --dry-run: check the target against the file without changing it)",
  },
  // Filters: which quick connects of the file are imported (docs/reference.md "Choose what moves").
  ...filterFlags("import", { modes: ["export-file"] }),
  ...COMMON_FLAGS,
} as const satisfies FlagSpecs;

interface ImportFiles extends FileSet {
  exportFile?: Path;
  mapping?: Path;
  plan?: Path;
  undo?: Path;
  report?: Written;
  /** The record of a run without --report, named after the instance (a file may name it). */
  record(instanceId: string): Path;
  planOut?: Written;
  review?: Written;
  mappingOut?: Written;
}

/** The help's text after the flags, up to the examples. */
const IMPORT_NOTES = `How references are resolved (first match wins):
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

Region: --region, else AWS_REGION, AWS_DEFAULT_REGION, the profile's region, else us-east-1;
with --plan or --undo, the file's instance and Region unless --instance-id or --region is given.
Credentials: --profile, else the AWS SDK default chain (env keys, SSO, instance role).

Review, keep in sync, undo:
  --dry-run --plan-out plan.json   save the plan; --plan plan.json applies exactly it
  --dry-run --detailed-exitcode    4: applying would change the target, 0: it would not
  --on-conflict update --prune --dry-run --detailed-exitcode
                                   drift check with the apply's flags: 4 also when an existing
                                   quick connect differs, or one only in the target would be
                                   deleted (without them: a WARNING, or nothing, and exit 0)
  --prune / --prune-links          also delete quick connects / remove links the export
                                   lacks (at most --max-deletes deletes, default 10), within
                                   the export file's own filters and the import's
  --undo report.json               reverse the run that wrote that --report (only what the
                                   target still holds as the run left it; --force for the rest)
  --plan / --undo                  the plan is already made: --mapping, --on-conflict,
                                   --prune*, --plan-out, --write-mapping and filters are refused

Exit codes:
  0    every item created, updated, unchanged or skipped; all queue links in place
  1    some items or queue links failed, or --verify found differences
  2    bad flags or files, a stale or foreign plan, too many deletes (nothing was changed)
  3    the run stopped: credentials, instance not found, access denied on a read, an
       endpoint that stopped answering, or a run journal that cannot be written
  4    only with --dry-run --detailed-exitcode: changes are pending
  130  interrupted (Ctrl-C): finished calls are kept; run the same command again

`;

export const IMPORT_COMMAND: CliCommand<Flags<typeof FLAGS>, ImportFiles> = {
  name: "import",
  flags: FLAGS,
  parse: (argv) => parseFlags(FLAGS, argv),
  progressLabel: "Importing",
  interrupted: "Interrupted: the import stopped before any change",
  help: (program) => ({
    usage: [
      `${program} --instance-id ID --export-file FILE [options]`,
      `${program} --plan PLAN [options]`,
      `${program} --undo REPORT [options]`,
    ],
    description:
      "Import quick connects from an export file into an Amazon Connect instance. Users,\n" +
      "queues and flows are matched in the target by name, so the instances may have different IDs.",
    epilog: `${IMPORT_NOTES}Example:
  ${program} --instance-id 11111111-2222-3333-4444-555555555555 \\
    --export-file export.json --dry-run
  ${program} --instance-id 11111111-2222-3333-4444-555555555555 \\
    --export-file export.json --mapping mapping.json --report report.json --verify`,
  }),
  files(flags, at) {
    const written = (what: string, shown: string | undefined): Written | undefined =>
      shown === undefined ? undefined : { what, path: at(shown), shown, replace: "force" };
    if (flags["instance-id"] === undefined && !flags.plan && !flags.undo) {
      throw new UsageError(
        "Missing required option --instance-id (only a --plan or --undo file names its own)",
      );
    }
    const read = (flag: string, shown: string | undefined): Path | undefined => {
      // One reader of standard input: a second would find it already consumed.
      if (shown === "-" && flag !== "export-file") {
        throw new UsageError(`--${flag} -: only --export-file reads standard input; give a file`);
      }
      if (shown === "-" && Deno.stdin.isTerminal()) {
        throw new UsageError(
          "--export-file -: standard input is a terminal; pipe the export in (export --output - | import --export-file -)",
        );
      }
      if (shown === undefined) return undefined;
      return shown === "-" ? { path: "-", shown: "standard input" } : { path: at(shown), shown };
    };
    const now = new Date();
    const log = flags["log-file"] ?? DEFAULT_IMPORT_LOG;
    const files = {
      exportFile: read("export-file", flags["export-file"]),
      mapping: read("mapping", flags.mapping),
      plan: read("plan", flags.plan),
      undo: read("undo", flags.undo),
      report: written("report", flags.report),
      // A run that changes something keeps its record unasked (docs/file-formats.md).
      record: (id: string) => {
        const shown = defaultOutputName(instanceIdOf(id), now, "import");
        return { path: at(shown), shown };
      },
      planOut: written("plan file", flags["plan-out"]),
      review: written("review file", flags.review),
      mappingOut: written("mapping template", flags["write-mapping"]),
      log: { what: "log file", path: at(log), shown: log, replace: "append" } as const,
    };
    const { report, planOut, mappingOut, review, plan } = files;
    return {
      ...files,
      writes: [report, planOut, mappingOut, review].filter((w): w is Written => w !== undefined),
      reads: [
        { flag: "--export-file", path: files.exportFile?.path },
        { flag: "--mapping", path: files.mapping?.path },
        { flag: "--plan", path: plan?.path },
        { flag: "--undo", path: files.undo?.path },
      ],
    };
  },
  async prepare(flags, files, logger) {
    // Every file is read and checked before a client exists: bad input never reaches AWS.
    const source = await loadSource(flags, files, logger);
    return async (ctx, session) =>
      (await runImport(ctx, {
        source,
        dryRun: flags["dry-run"],
        detailedExitcode: flags["detailed-exitcode"],
        verify: flags.verify,
        report: files.report,
        record: files.record(flags["instance-id"] ?? ""),
        // A GitHub Actions job shows the review on its summary page.
        review: { file: files.review, stepSummary: Deno.env.get("GITHUB_STEP_SUMMARY") },
        maxDeletes: flags["max-deletes"],
        quickConnectQuota: flags["quick-connect-quota"],
        consistencyWaitMs: flags["consistency-wait"] * 1000,
        session,
      })).exitCode;
  },
};

/**
 * A saved plan or a run's record is for one instance in one Region: what --instance-id and
 * --region leave out is taken from it, over AWS_REGION and the profile's, which could only
 * be refused. One given that differs is refused with the plan (lib/import/sources.ts).
 */
function targetFrom<T extends { InstanceId: string; Region: string }>(
  file: T,
  at: Path,
  flags: Flags<typeof FLAGS>,
  logger: Logger,
): T {
  const taken = [];
  if (flags["instance-id"] === undefined) {
    flags["instance-id"] = file.InstanceId;
    taken.push(`instance ${file.InstanceId}`);
  }
  // An instance ARN names its Region.
  if (flags.region === undefined && !regionOfArn(flags["instance-id"])) {
    flags.region = file.Region;
    taken.push(`Region ${file.Region}`);
  }
  if (taken.length > 0) {
    logger.info(esc(`Using the ${taken.join(" and ")} that "${at.shown}" names`));
  }
  return file;
}

/** Where the plan comes from, loaded and checked (UsageError on bad input). */
async function loadSource(
  flags: Flags<typeof FLAGS>,
  files: ImportFiles,
  logger: Logger,
): Promise<ImportSource> {
  const { plan, undo } = files;
  if (plan) {
    const saved = await loadPlanFile(plan.path, plan.shown);
    return { kind: "plan", file: plan, plan: targetFrom(saved, plan, flags, logger) };
  }
  if (undo) {
    const report = targetFrom(await loadUndoReport(undo.path, undo.shown), undo, flags, logger);
    return { kind: "undo", file: undo, report, force: flags.force };
  }
  const file = files.exportFile ?? { path: "", shown: "" };
  const input = await loadImportInput(file, files.mapping, (m) => logger.warning(m));
  const filters = parseFilters(flags, "import");
  checkPruneInput(input.data, { shown: file.shown, prune: flags.prune, filters });
  return {
    kind: "file",
    file,
    input,
    onConflict: flags["on-conflict"],
    filters,
    prune: flags.prune,
    pruneLinks: flags["prune-links"],
    writeMapping: files.mappingOut,
    planOut: files.planOut,
  };
}
