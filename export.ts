/** Exports every quick connect of an Amazon Connect instance to one JSON file (see --help). */
import { EXPORT_COMMAND } from "./lib/cli/export_command.ts";
import { runCli } from "./lib/cli/run_cli.ts";

if (import.meta.main) {
  Deno.exit(
    await runCli(EXPORT_COMMAND, Deno.args, {
      env: Deno.env.toObject(),
      cwd: Deno.cwd(),
      execPath: Deno.execPath(),
    }),
  );
}
