/**
 * Ctrl-C and SIGTERM for one run. The first stops new calls (the AbortController and the
 * rate limiter), lets the calls in flight finish and the use case write its summary and
 * report. A terminal sends Ctrl-C to the whole process group and `deno task` passes it on
 * as well, so one key press can arrive twice: a second signal within SAME_KEYPRESS_MS is
 * the same one. A later second signal runs the registered finishers synchronously (the
 * import's report of what was done), removes unfinished temp files and ends the run at once.
 */
import { isInterrupted } from "../aws/limiter.ts";
import { describeError } from "../errors.ts";
import { EXIT } from "../exit.ts";
import { removePendingTempFiles } from "../json_file.ts";
import { esc, type Logger } from "../log.ts";

const SAME_KEYPRESS_MS = 750;

export interface Interrupts {
  signal: AbortSignal;
  /** Resolves with exit 130 when a second interrupt stops the run at once. */
  forced: Promise<number>;
  /** Called once the run's limiter exists: the first interrupt closes it. */
  onFirst(close: () => void): void;
  onForcedStop(finish: () => void): void;
  dispose(): void;
}

export function listenForInterrupts(logger: Logger, beforeExit: () => void): Interrupts {
  const controller = new AbortController();
  const finishers: (() => void)[] = [];
  let close: () => void = () => {};
  let firstAt = 0;
  let forceExit: (code: number) => void = () => {};
  const forced = new Promise<number>((resolve) => (forceExit = resolve));
  const onSignal = () => {
    const now = performance.now();
    if (!controller.signal.aborted) {
      firstAt = now;
      logger.warning(
        "Interrupt received: finishing the calls in flight, starting no new ones (press Ctrl-C again to stop at once)",
      );
      controller.abort();
      close();
      return;
    }
    if (now - firstAt < SAME_KEYPRESS_MS) return;
    logger.warning("Second interrupt: stopping now");
    for (const finish of finishers.splice(0)) {
      try {
        finish();
      } catch (err) {
        logger.error(`Cannot finish cleanly: ${esc(describeError(err))}`);
      }
    }
    removePendingTempFiles();
    beforeExit();
    forceExit(EXIT.interrupted);
  };
  // A call rejected by the closed limiter may surface in a promise nobody awaits any
  // more once the run has unwound; that is the interruption itself, not a crash.
  const onUnhandled = (e: PromiseRejectionEvent) => {
    if (isInterrupted(e.reason)) e.preventDefault();
  };
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const s of signals) Deno.addSignalListener(s, onSignal);
  globalThis.addEventListener("unhandledrejection", onUnhandled);
  return {
    signal: controller.signal,
    forced,
    onFirst: (fn) => {
      close = fn;
      if (controller.signal.aborted) fn();
    },
    onForcedStop: (finish) => finishers.push(finish),
    dispose: () => {
      for (const s of signals) Deno.removeSignalListener(s, onSignal);
      globalThis.removeEventListener("unhandledrejection", onUnhandled);
    },
  };
}
