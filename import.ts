/** Imports quick connects from an export file into an Amazon Connect instance (see --help). */
import { IMPORT_COMMAND } from "./lib/cli/import_command.ts";
import { runCli } from "./lib/cli/run_cli.ts";

if (import.meta.main) {
  Deno.exit(
    await runCli(IMPORT_COMMAND, Deno.args, {
      env: Deno.env.toObject(),
      cwd: Deno.cwd(),
      execPath: Deno.execPath(),
    }),
  );
}
