/**
 * Opaque NextTokens that survive concurrent creates and deletes.
 *
 * Items are served in ascending order of an immutable key (the resource ID).
 * A token is base64url(JSON{op, scope, after}) where `after` is the last key
 * returned, so the next page starts strictly after it: an item that existed
 * for the whole walk is neither skipped nor repeated, whatever is created or
 * deleted in between. `op` and `scope` (instance or queue) bind a token to the
 * call that issued it; any other use is rejected like a forged token.
 */
import { invalidParameter } from "./errors.ts";

interface Cursor {
  v: 1;
  op: string;
  scope: string;
  after: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function toBase64Url(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new Error("not base64url");
  const b64 = text.replaceAll("-", "+").replaceAll("_", "/");
  const bin = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

export function encodeToken(op: string, scope: string, after: string): string {
  const cursor: Cursor = { v: 1, op, scope, after };
  return toBase64Url(encoder.encode(JSON.stringify(cursor)));
}

/** Returns the `after` key of a valid token, or throws InvalidParameterException. */
export function decodeToken(token: string, op: string, scope: string): string {
  let cursor: unknown;
  try {
    cursor = JSON.parse(decoder.decode(fromBase64Url(token)));
  } catch {
    throw invalidParameter("The nextToken is not valid.");
  }
  if (
    typeof cursor !== "object" || cursor === null ||
    (cursor as Cursor).v !== 1 || typeof (cursor as Cursor).after !== "string"
  ) {
    throw invalidParameter("The nextToken is not valid.");
  }
  const c = cursor as Cursor;
  if (c.op !== op || c.scope !== scope) {
    throw invalidParameter("The nextToken was issued for a different request.");
  }
  return c.after;
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/**
 * One page of `all` (any order; sorted here by `key`), starting after the
 * token's key. A NextToken is returned only when more items follow.
 */
export function paginate<T>(
  all: Iterable<T>,
  key: (item: T) => string,
  opts: { op: string; scope: string; token?: string; max: number },
): Page<T> {
  const after = opts.token === undefined ? undefined : decodeToken(opts.token, opts.op, opts.scope);
  const sorted = [...all].sort((a, b) => compare(key(a), key(b)));
  const rest = after === undefined ? sorted : sorted.filter((x) => compare(key(x), after) > 0);
  const items = rest.slice(0, opts.max);
  const last = items.at(-1);
  return {
    items,
    nextToken: rest.length > items.length && last !== undefined
      ? encodeToken(opts.op, opts.scope, key(last))
      : undefined,
  };
}

/** Code-unit order, so the order never depends on locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
