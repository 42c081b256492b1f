/**
 * Waiting, the import's way: every wait ends at once on Ctrl-C, and waiting for what the
 * service has done but does not show yet (eventual consistency) is bounded.
 */
import { InterruptedError } from "../aws/limiter.ts";

/** Throws InterruptedError once Ctrl-C was pressed: called before every new call. */
export function checkpoint(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new InterruptedError("interrupted");
}

/** Waits `ms`, or throws InterruptedError as soon as Ctrl-C is pressed. */
export function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  checkpoint(signal);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new InterruptedError("interrupted"));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Calls `attempt` until it returns a value or the wait is over, backing off 250 ms, 500 ms,
 * 1 s … 8 s between tries: for what the service has done but does not show yet.
 */
export async function untilVisible<T>(
  attempt: () => Promise<T | undefined>,
  waitMs: number,
  signal: AbortSignal | undefined,
): Promise<T | undefined> {
  const deadline = performance.now() + waitMs;
  for (let delay = 250;; delay = Math.min(delay * 2, 8000)) {
    checkpoint(signal);
    const found = await attempt();
    if (found !== undefined) return found;
    const left = deadline - performance.now();
    if (left <= 0) return undefined;
    await pause(Math.min(delay, left), signal);
  }
}
