/**
 * Runs export.ts / import.ts as a user would: a subprocess under the binaries' permission
 * set, with a clean environment holding dummy keys and no instance metadata lookups.
 */
import { denoRunArgs, type Entrypoint } from "../../scripts/permissions.ts";

export const ROOT = new URL("../..", import.meta.url).pathname;

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

/**
 * `deno task export|import …` as a user types it in `cwd` (any folder): Deno runs the task
 * in the repository root and passes the caller's folder as INIT_CWD. With `group`, the
 * task runs in a process group of its own (setsid), so a test can signal the whole group
 * the way a terminal's Ctrl-C does.
 */
export function taskCommand(
  entry: Entrypoint,
  args: string[],
  cwd: string,
  opts: { env?: Record<string, string>; group?: boolean } = {},
): Deno.Command {
  const deno = [Deno.execPath(), "task", "--quiet", "--config", `${ROOT}deno.json`, entry, ...args];
  const [cmd = "", ...rest] = opts.group ? ["setsid", ...deno] : deno;
  return new Deno.Command(cmd, {
    args: rest,
    cwd,
    env: cliEnv(cwd, opts.env),
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  });
}

export async function output(cmd: Deno.Command): Promise<CliOutput> {
  const out = await cmd.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** A child's stderr, line by line: wait for a line, then read the rest. */
export class Lines {
  readonly seen: string[] = [];
  #buf = "";
  readonly #reader: ReadableStreamDefaultReader<string>;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  }

  async #more(): Promise<boolean> {
    const { value, done } = await this.#reader.read();
    if (done) return false;
    const parts = (this.#buf + value).split("\n");
    this.#buf = parts.pop() ?? "";
    this.seen.push(...parts);
    return true;
  }

  async until(pattern: RegExp): Promise<void> {
    while (!this.seen.some((l) => pattern.test(l))) {
      if (!await this.#more()) {
        throw new Error(`stream ended before ${pattern}:\n${this.text()}`);
      }
    }
  }

  /** Stops reading: the child's later writes to the stream meet a closed pipe. */
  async cancel(): Promise<void> {
    await this.#reader.cancel();
  }

  async rest(): Promise<string> {
    while (await this.#more());
    if (this.#buf) this.seen.push(this.#buf);
    this.#buf = "";
    return this.text();
  }

  text(): string {
    return this.seen.join("\n");
  }
}
