/**
 * An export file far beyond what an instance holds. Connect's default quota is 100 quick
 * connects per instance (quota code L-68BBE2E8, adjustable in Service Quotas): a file many
 * times that is likely the wrong file, or needs the target's quota raised first, and it
 * costs memory in proportion. Said before the heavy work (the size before the file is read,
 * the count before the target is read), and refused when it cannot be handled.
 */
import { UsageError } from "../errors.ts";
import { esc } from "../log.ts";

/** Connect's default "Quick connects per instance" quota (L-68BBE2E8). */
const DEFAULT_QUOTA = 100;
const QUOTA_CODE = "quota code L-68BBE2E8, adjustable in Service Quotas";
/** More quick connects than this (100 × the default quota) are warned about. */
const LARGE_ITEM_COUNT = 100 * DEFAULT_QUOTA;
/** A file larger than this (about 23,000 quick connects as our export writes them) is warned about. */
const LARGE_FILE_BYTES = 32 * 1048576;
/**
 * A file larger than this is refused: about 750,000 quick connects, whose items would take
 * well over a GB of memory, close to the JavaScript heap's limit on smaller machines.
 */
const MAX_FILE_BYTES = 1024 * 1048576;

/**
 * An import's peak RSS, measured on the rich fixture (scripts/bench.ts) and on a 106 MB
 * file of 80,000 quick connects (217 MB): about 70 MB for the runtime and the SDK, and
 * 1.4 bytes per byte of file.
 */
const BASE_MEMORY = 70 * 1048576;
const MEMORY_PER_BYTE = 1.4;

const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;

/** Refuses a file beyond MAX_FILE_BYTES; warns about one beyond LARGE_FILE_BYTES. */
export async function checkFileSize(path: string, shown: string, warn: (m: string) => void) {
  const size = await Deno.stat(path).then((s) => s.isFile ? s.size : 0, () => 0);
  if (size > MAX_FILE_BYTES) {
    throw new UsageError(
      `Export file "${shown}" is ${mb(size)}, larger than this tool reads (${
        mb(MAX_FILE_BYTES)
      }: hundreds of thousands of quick connects, where Connect's default quota is ${DEFAULT_QUOTA} per instance, ${QUOTA_CODE}). Check that it is an export file, or export fewer quick connects at a time (--include, --exclude, --type, --tag)`,
    );
  }
  if (size > LARGE_FILE_BYTES) {
    warn(
      `Export file "${esc(shown)}" is ${
        mb(size)
      }, far beyond what an instance holds (Connect's default quota is ${DEFAULT_QUOTA} quick connects per instance, ${QUOTA_CODE}): reading it takes a while, and an import of it about ${
        mb(BASE_MEMORY + size * MEMORY_PER_BYTE)
      } of memory`,
    );
  }
}

/** Warns about a file of more than LARGE_ITEM_COUNT quick connects. */
export function checkItemCount(count: number, shown: string, warn: (m: string) => void): void {
  if (count <= LARGE_ITEM_COUNT) return;
  warn(
    `Export file "${esc(shown)}" holds ${count} quick connects, ${
      Math.floor(count / DEFAULT_QUOTA)
    } times Connect's default quota of ${DEFAULT_QUOTA} per instance (${QUOTA_CODE}): creates beyond the target's quota fail with LimitExceededException; check the target's quota before importing`,
  );
}
