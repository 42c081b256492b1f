/**
 * Runs export.ts / import.ts as a user would: a subprocess under the binaries' permission
 * set, with a clean environment holding dummy keys and no instance metadata lookups.
 */
import { denoRunArgs, type Entrypoint } from "../../scripts/permissions.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

export interface CliOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/** Variables set to "" in `extra` are removed (e.g. to drop the dummy keys). */
export function cliEnv(cwd: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "",
    HOME: cwd,
    AWS_ACCESS_KEY_ID: "AKIDTEST",
    AWS_SECRET_ACCESS_KEY: "secret",
    AWS_EC2_METADATA_DISABLED: "true",
    NO_COLOR: "1",
    DENO_NO_UPDATE_CHECK: "1",
    DENO_DIR: Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`,
    ...extra,
  };
  for (const [k, v] of Object.entries(env)) if (v === "") delete env[k];
  return env;
}

export function cliCommand(
  entry: Entrypoint,
  args: string[],
  cwd: string,
  extraEnv: Record<string, string> = {},
): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: denoRunArgs(entry, args, ROOT),
    cwd,
    env: cliEnv(cwd, extraEnv),
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  });
}

export async function runCli(
  entry: Entrypoint,
  args: string[],
  cwd: string,
  extraEnv: Record<string, string> = {},
): Promise<CliOutput> {
  const out = await cliCommand(entry, args, cwd, extraEnv).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
