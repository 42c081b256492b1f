/**
 * A one-line progress bar on an interactive stderr. Log lines printed while it is shown
 * clear it first and redraw it after, so the two never garble each other. Off a TTY it
 * does nothing: the log lines already say `i/N`.
 */
const encoder = new TextEncoder();

/** A bar on a terminal that went away is simply not drawn. */
function writeStderr(s: string): void {
  try {
    Deno.stderr.writeSync(encoder.encode(s));
  } catch {
    // The log file and the report still record the run.
  }
}

export function createProgress(
  label: string,
  isTty: boolean = Deno.stderr.isTerminal(),
  write: (s: string) => void = writeStderr,
) {
  let bar = "";
  const draw = () => bar && write(`\r${bar}`);
  const clear = () => bar && write(`\r${" ".repeat(bar.length)}\r`);
  return {
    /** Console sink for the logger that keeps the bar at the bottom. */
    sink(line: string) {
      if (!isTty) return write(line + "\n");
      clear();
      write(line + "\n");
      draw();
    },
    update(done: number, total: number) {
      if (!isTty || total === 0) return;
      const width = 30;
      const filled = Math.round(width * done / total);
      clear();
      bar = `${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total}`;
      draw();
    },
    finish() {
      if (!isTty) return;
      clear();
      bar = "";
    },
  };
}
