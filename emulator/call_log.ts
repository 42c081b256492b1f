/**
 * The ordered log of AWS calls (`GET /__emulator/log`, `callLog()`).
 *
 * Per-operation counts cannot tell whether a link was made before its quick
 * connect was listed, or which instance a call read; the log keeps each call
 * in order of arrival with its outcome. It holds the newest `capacity`
 * entries, so a long rehearsal or benchmark cannot grow it without bound;
 * `seq` keeps counting, so a reader can tell that older entries were dropped.
 */

export interface CallLogEntry {
  /** 1, 2, … in order of arrival; restarts at 1 after a reset. */
  seq: number;
  /** Arrival, in ms since the emulator started. */
  at: number;
  /** The operation, or `UnknownOperation` for a request no route matched. */
  operation: string;
  /** HTTP status sent; 0 when the response was lost on purpose (ConnectionReset fault). */
  status: number;
  /** See `resourceNamed`. */
  resource?: string;
}

export const CALL_LOG_CAPACITY = 100_000;

/** Status of a call still being answered: such entries are not reported yet. */
const PENDING = -1;

/**
 * The resource a call names, most specific first: the quick connect, queue,
 * user or tagged ARN of its path, else its instance (path, or the body for the
 * Search operations). Taken from the request as it arrives, so a call
 * throttled or refused before its body is read names the same resource.
 * The server replaces it with the new ID when CreateQuickConnect succeeds.
 */
export function resourceNamed(
  labels: Record<string, string>,
  bodyText: string,
): string | undefined {
  const named = labels.QuickConnectId ?? labels.QueueId ?? labels.UserId ?? labels.resourceArn ??
    labels.InstanceId;
  if (named !== undefined) return named;
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  if (typeof body === "object" && body !== null && "InstanceId" in body) {
    const id = body.InstanceId;
    if (typeof id === "string") return id;
  }
  return undefined;
}

export class CallLog {
  private ring: CallLogEntry[] = [];
  /** Index in `ring` of the oldest entry once the ring is full. */
  private head = 0;
  private seq = 0;
  private readonly started = performance.now();

  constructor(private readonly capacity = CALL_LOG_CAPACITY) {}

  /** Records a call as it arrives; the caller fills in `status` (and may set `resource`). */
  arrive(operation: string, resource?: string): CallLogEntry {
    const entry: CallLogEntry = {
      seq: ++this.seq,
      at: Math.round((performance.now() - this.started) * 1000) / 1000,
      operation,
      status: PENDING,
      ...(resource !== undefined ? { resource } : {}),
    };
    if (this.ring.length < this.capacity) {
      this.ring.push(entry);
    } else {
      this.ring[this.head] = entry;
      this.head = (this.head + 1) % this.capacity;
    }
    return entry;
  }

  /** Answered calls, oldest first (copies). */
  entries(): CallLogEntry[] {
    const ordered = [...this.ring.slice(this.head), ...this.ring.slice(0, this.head)];
    return ordered.flatMap((e) => e.status !== PENDING ? [{ ...e }] : []);
  }

  clear(): void {
    this.ring = [];
    this.head = 0;
    this.seq = 0;
  }
}
