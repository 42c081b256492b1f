/**
 * The emulator as a process of its own (scripts/emulator.ts, or `deno task emulator`): spawned,
 * its first stdout line read (`listening on URL` once it is up), stopped with SIGTERM.
 */
import { fileURLToPath } from "node:url";

export const EMULATOR_SCRIPT = fileURLToPath(new URL("../../scripts/emulator.ts", import.meta.url));
/** The permissions of `deno task emulator`. */
export const EMULATOR_PERMISSIONS = ["--allow-env", "--allow-net", "--allow-read", "--allow-sys"];

/** `deno run scripts/emulator.ts ARGS` with the task's permissions, output piped. */
export function emulatorScript(
  args: string[],
  env: Record<string, string> = { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", ...EMULATOR_PERMISSIONS, EMULATOR_SCRIPT, ...args],
    stdout: "piped",
    stderr: "piped",
    env,
  });
}

export interface EmulatorProcess extends AsyncDisposable {
  child: Deno.ChildProcess;
  /** The first line written to stdout ("" if none). */
  first: string;
  /** The URL of a first line `listening on URL`, else undefined. */
  url: string | undefined;
  /** SIGTERM (to the process group with `group`), then waits for the exit. */
  stop(): Promise<Deno.CommandStatus>;
}

/**
 * Spawns `command` (stdout and stderr piped) and waits for its first stdout line. With
 * `group`, the command runs in a process group of its own (e.g. `setsid deno task …`) and
 * the whole group is stopped.
 */
export async function emulatorProcess(
  command: Deno.Command,
  opts: { group?: boolean } = {},
): Promise<EmulatorProcess> {
  const child = command.spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  const first = text.split("\n")[0] ?? "";
  let stopped: Promise<Deno.CommandStatus> | undefined;
  const stop = () =>
    stopped ??= (async () => {
      try {
        if (opts.group) Deno.kill(-child.pid, "SIGTERM");
        else child.kill("SIGTERM");
      } catch { /* already exited */ }
      const status = await child.status;
      await reader.cancel();
      await child.stderr.cancel();
      return status;
    })();
  return {
    child,
    first,
    url: /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(first)?.[1],
    stop,
    [Symbol.asyncDispose]: async () => {
      await stop();
    },
  };
}
