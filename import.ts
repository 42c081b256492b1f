// deno-lint-ignore-file no-console
/**
 * Entrypoint: flags → input validation → context → lib/import.ts → exit code. The export
 * and mapping files are validated before a client is built, so bad input never reaches AWS.
 */
import { helpText, type ParsedFlags, parseFlags, str } from "./lib/cli.ts";
import { buildContext, type RunContext } from "./lib/context.ts";
import { describeError, EXIT, UsageError } from "./lib/errors.ts";
import { loadImportInput, runImport } from "./lib/import.ts";
import { DEFAULT_IMPORT_LOG, IMPORT_SPEC, importOptionsFromFlags } from "./lib/import_cli.ts";
import { createLogger, esc } from "./lib/log.ts";
import { createProgress } from "./lib/progress.ts";
import { VERSION } from "./lib/version.ts";

export async function main(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): Promise<number> {
  let flags: ParsedFlags;
  try {
    flags = parseFlags(IMPORT_SPEC, argv);
  } catch (err) {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT.usage;
  }
  if (flags.help) {
    console.log(helpText(IMPORT_SPEC));
    return EXIT.ok;
  }
  if (flags.version) {
    console.log(`import.ts ${VERSION}`);
    return EXIT.ok;
  }
  const opts = importOptionsFromFlags(flags);
  try {
    opts.input = await loadImportInput(opts);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    const logger = createLogger({ file: str(flags, "log-file") ?? DEFAULT_IMPORT_LOG });
    logger.error(esc(err.message));
    logger.close();
    return EXIT.usage;
  }

  const progress = createProgress("Importing");
  let ctx: RunContext;
  try {
    ctx = await buildContext(flags, {
      env,
      defaultLogFile: DEFAULT_IMPORT_LOG,
      console: progress.sink,
    });
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`error: ${err.message}`);
    return EXIT.usage;
  }

  // First Ctrl-C/SIGTERM: no new calls, in-flight ones finish, summary and report are
  // written, exit 130. A second one exits at once.
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) Deno.exit(EXIT.interrupted);
    ctx.logger.warning(
      "Interrupt received: finishing the calls in flight, starting no new ones (press Ctrl-C again to quit at once)",
    );
    controller.abort();
    ctx.limiter.close();
  };
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const s of signals) Deno.addSignalListener(s, onSignal);
  try {
    const result = await runImport(ctx, {
      ...opts,
      signal: controller.signal,
      onProgress: (done, total) => progress.update(done, total),
    });
    return result.exitCode;
  } catch (err) {
    ctx.logger.error(`Unexpected error: ${esc(describeError(err))}`);
    console.error(err);
    return EXIT.partial;
  } finally {
    progress.finish();
    for (const s of signals) Deno.removeSignalListener(s, onSignal);
    ctx.logger.close();
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args, Deno.env.toObject()));
}
