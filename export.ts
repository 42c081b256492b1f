// deno-lint-ignore-file no-console
/**
 * export.ts — writes every quick connect of an Amazon Connect instance to one JSON file.
 * Flags → context → lib/export.ts → exit code.
 */
import { type CommandSpec, COMMON_FLAGS, helpText, parseFlags, str } from "./lib/cli.ts";
import { buildContext } from "./lib/context.ts";
import { EXIT, FatalAwsError, UsageError } from "./lib/errors.ts";
import { runExport } from "./lib/export.ts";
import { createProgress } from "./lib/progress.ts";
import { VERSION } from "./lib/version.ts";

export const EXPORT_SPEC: CommandSpec = {
  usage: "export.ts --instance-id ID [options]",
  description:
    "Export every quick connect of an Amazon Connect instance (config, tags, the names of the\n" +
    "users, queues and flows it points to, and its queue links) to one JSON file.",
  flags: [
    ...COMMON_FLAGS.slice(0, 4),
    {
      name: "output",
      type: "string",
      value: "FILE",
      help: "output file (default: connect_quick_connects_export_<instance>_YYYYMMDD_HHMMSS.json)",
    },
    { name: "force", type: "boolean", help: "overwrite the output file if it exists" },
    {
      name: "no-search",
      type: "boolean",
      help: "read with ListQuickConnects + DescribeQuickConnect instead of SearchQuickConnects",
    },
    ...COMMON_FLAGS.slice(4),
  ],
  epilog: [
    "Log: connect_quick_connect_export.log in the working directory (appended), and stderr.",
    "",
    "Exit codes: 0 all exported · 1 some quick connects could not be read (listed in the file's",
    "FailedQuickConnects) · 2 bad usage or the output file exists · 3 fatal AWS error",
    "(credentials, instance not found, access denied) · 130 interrupted.",
    "",
    "Example:",
    "  export.ts --instance-id 0f3c…e1 --region eu-west-2 --profile prod --output qc.json",
  ].join("\n"),
};

export async function main(args: readonly string[]): Promise<number> {
  let flags;
  try {
    flags = parseFlags(EXPORT_SPEC, args);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`error: ${err.message}`);
      return err.exitCode;
    }
    throw err;
  }
  if (flags.help) {
    console.log(helpText(EXPORT_SPEC));
    return EXIT.ok;
  }
  if (flags.version) {
    console.log(`export.ts ${VERSION}`);
    return EXIT.ok;
  }
  const progress = createProgress("Exporting");
  let ctx;
  try {
    ctx = await buildContext(flags, {
      env: Deno.env.toObject(),
      defaultLogFile: "connect_quick_connect_export.log",
      captureRawResponses: true,
      console: progress.sink,
    });
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`error: ${err.message}`);
      return err.exitCode;
    }
    throw err;
  }
  const onSignal = () => {
    ctx.logger.error("Interrupted: export stopped, no file written");
    ctx.logger.close();
    Deno.exit(EXIT.interrupted);
  };
  Deno.addSignalListener("SIGINT", onSignal);
  if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", onSignal);
  try {
    const result = await runExport(ctx, {
      output: str(flags, "output"),
      force: flags.force === true,
      noSearch: flags["no-search"] === true,
      onProgress: (done, total) => progress.update(done, total),
    });
    progress.finish();
    return result.exitCode;
  } catch (err) {
    progress.finish();
    if (err instanceof FatalAwsError) {
      ctx.logger.error(err.message);
      if (err.hint) ctx.logger.error(`What to do: ${err.hint}`);
      return err.exitCode;
    }
    if (err instanceof UsageError) {
      ctx.logger.error(err.message);
      return err.exitCode;
    }
    ctx.logger.error(`Unexpected error: ${err instanceof Error ? err.stack : String(err)}`);
    return EXIT.partial;
  } finally {
    ctx.logger.close();
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
