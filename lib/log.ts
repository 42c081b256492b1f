/**
 * The seed tool's log format: `YYYY-MM-DD HH:MM:SS,mmm - LEVEL - message` in local time
 * (Python logging's default), to stderr and appended to a log file.
 */

type Level = "DEBUG" | "INFO" | "WARNING" | "ERROR";

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  close(): void;
  /** `performance.now()` when the last line was written (DEBUG lines dropped don't count). */
  lastWrite?(): number;
}

interface LoggerOptions {
  /** The log file, appended to. */
  file?: string;
  /** Default: stderr; `null`: no console. */
  console?: ((line: string) => void) | null;
  verbose?: boolean;
  now?: () => Date;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

export function formatLine(level: Level, message: string, d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${
    pad(d.getMinutes())
  }:${pad(d.getSeconds())},${pad(d.getMilliseconds(), 3)} - ${level} - ${message}`;
}

// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** Escapes control characters: a name from an instance or a file cannot forge a log line. */
export const esc = (value: unknown): string =>
  String(value).replace(
    CONTROL,
    (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );

/** `A, B, C` or, past `max`, `A, …, J and 5 more`: a line that names what it counts. */
export function someOf(names: readonly string[], max: number): string {
  const shown = names.slice(0, max).join(", ");
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/** `1 quick connect`, `2 quick connects`: a count of one never reads as a plural. */
export const plural = (n: number, one: string, many = `${one}s`): string =>
  `${n} ${n === 1 ? one : many}`;

/** A DEBUG line with the process's memory: where a large import's memory goes (--verbose). */
export function logMemory(log: Logger, when: string): void {
  const u = Deno.memoryUsage();
  const mb = (n: number) => (n / 1048576).toFixed(1);
  log.debug(`Memory after ${when}: RSS ${mb(u.rss)} MB, heap used ${mb(u.heapUsed)} MB`);
}

const encoder = new TextEncoder();

export function createLogger(options: LoggerOptions = {}): Logger {
  const now = options.now ?? (() => new Date());
  const sink = options.console === undefined
    ? (line: string) => Deno.stderr.writeSync(encoder.encode(line + "\n"))
    : options.console;
  // 0600: with --verbose the log holds phone numbers.
  const file = options.file
    ? Deno.openSync(options.file, { append: true, create: true, mode: 0o600 })
    : undefined;
  let last = performance.now();
  let consoleOpen = true;
  let fileFailed = false;
  const show = (line: string) => {
    if (!sink || !consoleOpen) return;
    try {
      sink(line);
    } catch {
      consoleOpen = false;
    }
  };
  const write = (level: Level, message: string) => {
    if (level === "DEBUG" && !options.verbose) return;
    last = performance.now();
    // Messages are single lines by construction; any newline left in one is escaped.
    const line = formatLine(level, message.includes("\n") ? esc(message) : message, now());
    // The file first: it is the record. Neither a file that cannot take a line (a full
    // disk, a file gone read-only: the line is dropped, said once) nor a console that went
    // away (a `| tee` ended by the same Ctrl-C) may stop the run or its report.
    try {
      file?.writeSync(encoder.encode(line + "\n"));
    } catch (err) {
      const why = `Cannot write to the log file ${esc(options.file)} (${
        esc((err as Error).message ?? err)
      }): lines it cannot take are dropped; the console shows them all`;
      if (!fileFailed) show(formatLine("WARNING", why, now()));
      fileFailed = true;
    }
    show(line);
  };
  return {
    debug: (m) => write("DEBUG", m),
    info: (m) => write("INFO", m),
    warning: (m) => write("WARNING", m),
    error: (m) => write("ERROR", m),
    close: () => file?.close(),
    lastWrite: () => last,
  };
}
