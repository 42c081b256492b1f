/**
 * The import command's flags and help text, and the options they become. The help is
 * meant to answer questions without the README: what each flag does, how references are
 * resolved, the exit codes and an example.
 */
import { type CommandSpec, COMMON_FLAGS, type ParsedFlags, str } from "./cli.ts";
import type { ImportOptions } from "./import.ts";
import { ON_CONFLICT, type OnConflict } from "./import_run.ts";

export const DEFAULT_IMPORT_LOG = "connect_quick_connect_import.log";

const [instance, ...common] = COMMON_FLAGS;

export const IMPORT_SPEC: CommandSpec = {
  usage: "import.ts --instance-id ID --export-file FILE [options]",
  description:
    "Import quick connects from an export file into an Amazon Connect instance. Users,\n" +
    "queues and flows are matched in the target by name, so the instances may have different IDs.",
  flags: [
    { ...instance!, help: "target Amazon Connect instance ID or instance ARN" },
    {
      name: "export-file",
      type: "string",
      value: "FILE",
      required: true,
      help: "export file to import (ours, or the seed tool's format)",
    },
    {
      name: "dry-run",
      type: "boolean",
      help: "log and report the full plan; make no change (read calls only)",
    },
    {
      name: "on-conflict",
      type: "string",
      value: "POLICY",
      choices: ON_CONFLICT,
      default: "skip",
      help: "when a quick connect with the same name exists: skip it, update it to match " +
        "the file (description, config, tags), or fail that item",
    },
    {
      name: "mapping",
      type: "string",
      value: "FILE",
      help: "JSON file mapping source users/queues/flows (by ID or name) to target names or " +
        "IDs, and phone numbers to phone numbers",
    },
    {
      name: "report",
      type: "string",
      value: "FILE",
      help: "write a JSON report: every item's outcome and target ID, queue-link counts",
    },
    {
      name: "verify",
      type: "boolean",
      help: "after importing, read the target again and list every difference from the file " +
        "(with --dry-run: check the target against the file without changing it)",
    },
    ...common,
  ],
  epilog: `How references are resolved (first match wins):
  1. --mapping entry for the source ID or name
  2. same name in the target: username, standard queue name, flow name and type
     (needs an export file with References, as written by our export.ts)
  3. the same ID exists in the target
  Otherwise the item fails and the log says what is missing and how to map it.

Mapping file (every section optional):
  {"Users": {"jdoe": "john.doe"}, "Queues": {"Support": "Customer Support"},
   "ContactFlows": {"<source flow id>": "Default agent transfer"},
   "PhoneNumbers": {"+14155550100": "+442071838750"}}

Queue links: each quick connect is added to the target queues (by name) it was linked to
in the source, in batches of up to 50; existing links are kept. Tags with the reserved
aws: prefix are dropped with a warning. Running the same import again creates nothing twice.

Log: connect_quick_connect_import.log in the working directory (appended; --log-file
to change it) and stderr. The --report JSON lists every item's outcome and target ID.

Region: --region, else AWS_REGION, AWS_DEFAULT_REGION, the profile's region, else us-east-1.
Credentials: --profile, else the AWS SDK default chain (env keys, SSO, instance role).

Exit codes:
  0    every item created, updated, unchanged or skipped; all queue links in place
  1    some items or queue links failed, or --verify found differences
  2    bad flags, unreadable or invalid export/mapping file (nothing was changed)
  3    fatal AWS error: credentials, instance not found, access denied on a read
  130  interrupted (Ctrl-C): finished calls are kept; run the same command again

Example:
  deno task import --instance-id 11111111-2222-3333-4444-555555555555 \\
    --export-file export.json --dry-run
  deno task import --instance-id 11111111-2222-3333-4444-555555555555 \\
    --export-file export.json --mapping mapping.json --report report.json --verify`,
};

export function importOptionsFromFlags(flags: ParsedFlags): ImportOptions {
  return {
    exportFile: str(flags, "export-file") ?? "",
    mappingFile: str(flags, "mapping"),
    dryRun: flags["dry-run"] === true,
    onConflict: (str(flags, "on-conflict") ?? "skip") as OnConflict,
    reportFile: str(flags, "report"),
    verify: flags.verify === true,
  };
}
