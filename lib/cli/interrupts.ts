/**
 * Ctrl-C and SIGTERM for one run. The first stops new calls (the AbortController and the
 * rate limiter) and gives the calls in flight GRACE_MS to finish; then they are abandoned
 * (their promises reject, their requests are aborted), so a hung endpoint cannot hold the
 * run. Either way the use case unwinds and writes its summary and report. A terminal sends
 * Ctrl-C to the whole process group and `deno task` passes it on as well, so one key press
 * can arrive twice: a second signal within SAME_KEYPRESS_MS is the same one. A later second
 * signal runs the registered finishers synchronously (the import's report of what was
 * done), removes unfinished temp files and ends the run at once.
 */
import { isInterrupted, type RateLimiter } from "../aws/limiter.ts";
import { describeError } from "../errors.ts";
import { exitCode } from "../exit.ts";
import { removePendingTempFiles } from "../json_file.ts";
import { esc, type Logger } from "../log.ts";

const SAME_KEYPRESS_MS = 750;
/**
 * How long the calls in flight at the first interrupt may take to finish: a Connect call
 * is answered in well under a second, so 3 s lets them land (and be reported as done)
 * while `timeout`, systemd and CI, which wait 10 s or more before SIGKILL, see the run
 * stop in time.
 */
const GRACE_MS = 3_000;
const GRACE = `${GRACE_MS / 1000} s`;

/** The first interrupt stops the run's rate limiter now and abandons its calls GRACE_MS later. */
function grace(logger: Logger) {
  let target: Pick<RateLimiter, "close" | "abandon"> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const start = () => {
    if (!target || timer !== undefined) return;
    target.close();
    timer = setTimeout(() => {
      logger.warning(
        `Calls still in flight after ${GRACE}: abandoning them (whether they were applied is unknown)`,
      );
      target?.abandon();
    }, GRACE_MS);
  };
  return {
    start,
    /** The limiter exists; `started`: the interrupt came before it did. */
    attach(limiter: NonNullable<typeof target>, started: boolean) {
      target = limiter;
      if (started) start();
    },
    dispose: () => clearTimeout(timer),
  };
}

export function listenForInterrupts(logger: Logger, beforeExit: () => void) {
  const controller = new AbortController();
  const finishers: (() => void)[] = [];
  const stop = grace(logger);
  let firstAt = 0;
  let forceExit: (code: number) => void = () => {};
  const forced = new Promise<number>((resolve) => (forceExit = resolve));
  const onSignal = () => {
    const now = performance.now();
    if (!controller.signal.aborted) {
      firstAt = now;
      logger.warning(
        `Interrupt received: starting no new calls, waiting up to ${GRACE} for the calls in flight (press Ctrl-C again to stop at once)`,
      );
      controller.abort();
      stop.start();
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
    forceExit(exitCode({ kind: "interrupted" }));
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
    /** Resolves with exit 130 when a second interrupt stops the run at once. */
    forced,
    onFirst: (limiter: RateLimiter) => stop.attach(limiter, controller.signal.aborted),
    onForcedStop: (finish: () => void) => void finishers.push(finish),
    dispose: () => {
      stop.dispose();
      for (const s of signals) Deno.removeSignalListener(s, onSignal);
      globalThis.removeEventListener("unhandledrejection", onUnhandled);
    },
  };
}
