/**
 * Injected faults (`POST /__emulator/faults`).
 *
 * A fault makes the next `Count` calls of one operation fail (-1 = until
 * cleared). With `ResourceId`, only calls whose decoded path or body text
 * contains that string count (an ID, an ARN, or even a name), which models
 * "403 on one resource".
 *
 * `ConnectionReset` models a LOST RESPONSE: the call is applied, then the
 * server destroys the socket without writing a byte, so the client sees a
 * network error (ECONNRESET "socket hang up") that the SDK retries.
 *
 * `SlowAnswer` models an answer that never comes in time: the call is applied,
 * then its answer is held `DelayMs` (default 40 s) — past a client's read
 * timeout, every attempt is applied and none is answered.
 */
import { z } from "zod";
import { accessDenied, type ApiError, internal, throttled, tooManyRequests } from "./errors.ts";
import { OPERATIONS } from "./routes.ts";

export const FAULT_ERRORS = [
  "ThrottlingException",
  "TooManyRequestsException",
  "InternalServiceException",
  "AccessDeniedException",
  "ConnectionReset",
  "SlowAnswer",
] as const;

export const FaultSchema = z.object({
  // A typo in the operation name would silently never fire, so reject it.
  Operation: z.string().refine(
    (op) => OPERATIONS.has(op),
    `Operation must be one of the ${OPERATIONS.size} operations`,
  ),
  Error: z.enum(FAULT_ERRORS),
  Count: z.number().int().refine((n) => n === -1 || n >= 1, "Count must be >= 1 or -1")
    .default(1),
  ResourceId: z.string().min(1).optional(),
  /** SlowAnswer: how long the answer is held. */
  DelayMs: z.number().int().min(0).optional(),
});

export type Fault = z.output<typeof FaultSchema>;
export type FaultInput = z.input<typeof FaultSchema>;

/** What the server must do for a call that hit a fault. */
export type FaultAction =
  | { kind: "error"; error: ApiError }
  | { kind: "reset" }
  | { kind: "slow"; ms: number };

export class FaultRegistry {
  private faults: Fault[] = [];

  add(input: FaultInput): Fault {
    const fault = FaultSchema.parse(input);
    this.faults.push(fault);
    return fault;
  }

  clear(): void {
    this.faults = [];
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** Consumes and returns the first fault matching the call, if any. */
  take(operation: string, requestText: string): FaultAction | undefined {
    const i = this.faults.findIndex((f) =>
      f.Operation === operation &&
      (f.ResourceId === undefined || requestText.includes(f.ResourceId))
    );
    const fault = this.faults[i];
    if (!fault) return undefined;
    if (fault.Count !== -1) {
      fault.Count -= 1;
      if (fault.Count === 0) this.faults.splice(i, 1);
    }
    switch (fault.Error) {
      case "ThrottlingException":
        return { kind: "error", error: throttled() };
      case "TooManyRequestsException":
        return { kind: "error", error: tooManyRequests() };
      case "InternalServiceException":
        return { kind: "error", error: internal() };
      case "AccessDeniedException":
        return { kind: "error", error: accessDenied() };
      case "ConnectionReset":
        return { kind: "reset" };
      case "SlowAnswer":
        return { kind: "slow", ms: fault.DelayMs ?? 40_000 };
    }
  }
}
