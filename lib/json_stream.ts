/**
 * Reads a JSON object from a file member by member, one array member element by element: the
 * text never exists whole (peak memory: a file of 10,000 quick connects costs its items only).
 * Anything unexpected (not an object, bad JSON, the array twice) returns undefined: the caller
 * then reads the file whole, and JSON.parse words the error.
 */

/** The top-level object's members, parsed, except the streamed array. */
interface StreamedObject {
  members: Record<string, unknown>;
  /** True when the array member was present and an array (its elements went to onElement). */
  streamed: boolean;
  /** Elements handed to onElement. */
  count: number;
}

const CHUNK = 1 << 20;
const MAX_CHUNK = 64 << 20;
const WS = new Set([" ", "\t", "\n", "\r"]);

/** What a step returns when the text read so far ends before the value does. */
const MORE = -2;
/** What a step returns for text the scanner does not expect. */
const BAD = -1;

/** The text read so far, from the first character not yet consumed. */
class Window {
  text = "";
  eof = false;
  #chunk: number;
  readonly #decoder = new TextDecoder();
  #buf = new Uint8Array(0);

  constructor(private readonly file: Deno.FsFile, private readonly first = CHUNK) {
    this.#chunk = first;
  }

  /** Reads more, dropping the consumed text before `from`; false at the end of the file. */
  async fill(from: number): Promise<boolean> {
    if (this.eof) return false;
    // One buffer for every read of a size (the decoder copies what it reads out of it).
    if (this.#buf.length !== this.#chunk) this.#buf = new Uint8Array(this.#chunk);
    const buf = this.#buf;
    const n = await this.file.read(buf);
    // A value longer than a chunk is scanned again from its start after each read:
    // doubling the read keeps that linear.
    this.#chunk = Math.min(this.#chunk * 2, MAX_CHUNK);
    const text = n === null
      ? this.#decoder.decode()
      : this.#decoder.decode(buf.subarray(0, n), { stream: true });
    this.eof = n === null;
    this.text = this.text.slice(from) + text;
    return true;
  }

  /** A value was read whole: the next reads start small again. */
  done(): void {
    this.#chunk = this.first;
  }
}

/** The end of the JSON string starting at `i` (a quote), past its closing quote, or MORE. */
function stringEnd(text: string, i: number): number {
  // indexOf runs natively: much faster than a loop over the characters without a JIT.
  for (let q = text.indexOf('"', i + 1); q >= 0; q = text.indexOf('"', q + 1)) {
    let b = q - 1;
    while (b > i && text.charCodeAt(b) === 0x5c) b--;
    if ((q - 1 - b) % 2 === 0) return q + 1; // not escaped: an even run of backslashes
  }
  return MORE;
}

/** The end of the JSON value starting at `i`, MORE if the text ends first, or BAD. */
function valueEnd(text: string, i: number, eof: boolean): number {
  const c = text[i];
  if (c === '"') return stringEnd(text, i);
  if (c !== "{" && c !== "[") {
    let j = i;
    while (j < text.length && !",}]".includes(text[j]!) && !WS.has(text[j]!)) j++;
    if (j === text.length && !eof) return MORE; // a number may go on in the next read
    return j > i ? j : BAD;
  }
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const d = text[j];
    if (d === '"') {
      j = stringEnd(text, j) - 1;
      if (j < 0) return MORE;
    } else if (d === "{" || d === "[") depth++;
    else if (d === "}" || d === "]") {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return MORE;
}

function skipWs(text: string, i: number): number {
  while (i < text.length && WS.has(text[i]!)) i++;
  return i;
}

/** One step of the scan: from `at`, where the next one starts, or MORE or BAD. */
type Step = (text: string, at: number, eof: boolean) => number;

/** Runs a step, reading more until it can decide; BAD at the end of the file. */
async function run(w: Window, at: number, step: Step): Promise<number> {
  for (;;) {
    const next = step(w.text, at, w.eof);
    if (next !== MORE) {
      w.done();
      return next;
    }
    if (!await w.fill(at)) return BAD;
    at = 0;
  }
}

/** After "{" or "[" (`first`) or an item: where the next item starts, or past `close` (true). */
function nextItem(t: string, i: number, first: boolean, close: string): [number, boolean] {
  const k = skipWs(t, i);
  if (k === t.length) return [MORE, false];
  if (t[k] === close) return [k + 1, true];
  if (first) return [k, false];
  if (t[k] !== ",") return [BAD, false];
  const j = skipWs(t, k + 1);
  return [j === t.length ? MORE : j, false];
}

/** A key, its colon and the start of its value: [where the value starts, the key]. */
function memberKey(t: string, i: number): [number, string?] {
  if (t[i] !== '"') return [BAD];
  const keyEnd = stringEnd(t, i);
  if (keyEnd < 0) return [MORE];
  const colon = skipWs(t, keyEnd);
  if (colon === t.length) return [MORE];
  if (t[colon] !== ":") return [BAD];
  const valueAt = skipWs(t, colon + 1);
  if (valueAt === t.length) return [MORE];
  return [valueAt, JSON.parse(t.slice(i, keyEnd)) as string];
}

type Reviver = (key: string, value: unknown) => unknown;

/**
 * A reviver handing out one string for equal short values (IDs, names, tags repeat): 10,000
 * quick connects keep ~3 MB less. It lives for one read.
 */
function sharedStrings(): Reviver {
  const seen = new Map<string, string>();
  return (_key, v) => {
    if (typeof v !== "string" || v.length > 64) return v;
    const s = seen.get(v);
    if (s !== undefined) return s;
    seen.set(v, v);
    return v;
  };
}

/** The value starting at `i`, parsed: [where it ends, the value], or BAD. */
function value(t: string, i: number, eof: boolean, reviver?: Reviver): [number, unknown] {
  const end = valueEnd(t, i, eof);
  if (end < 0) return [end, undefined];
  try {
    return [end, JSON.parse(t.slice(i, end), reviver)];
  } catch {
    return [BAD, undefined];
  }
}

/**
 * Scans the object in `path`, each element of its `arrayKey` array given to `onElement` in
 * order (`chunkBytes`: the size of a read, for tests). Read errors are thrown as they are.
 */
export async function readObjectStream(
  path: string,
  arrayKey: string,
  onElement: (value: unknown, index: number) => void,
  chunkBytes = CHUNK,
): Promise<StreamedObject | undefined> {
  using file = await Deno.open(path);
  const w = new Window(file, chunkBytes);
  const out: StreamedObject = { members: {}, streamed: false, count: 0 };
  let at = await run(w, 0, (t, i) => {
    const j = skipWs(t, i);
    return j === t.length ? MORE : t[j] === "{" ? j + 1 : BAD;
  });
  const seen = new Set<string>();
  for (let first = true; at >= 0; first = false) {
    let closed = false;
    let key: string | undefined;
    at = await run(w, at, (t, i) => {
      const [k, end] = nextItem(t, i, first, "}");
      closed = end;
      if (k < 0 || end) return k;
      const [v, name] = memberKey(t, k);
      key = name;
      return v;
    });
    if (at < 0) return undefined;
    if (closed) {
      const end = await run(w, at, (t, i, eof) => {
        const j = skipWs(t, i); // only whitespace may follow
        return j < t.length ? BAD : eof ? j : MORE;
      });
      return end >= 0 ? out : undefined;
    }
    if (key === undefined || seen.has(key) && key === arrayKey) return undefined;
    seen.add(key);
    if (key === arrayKey && w.text[at] === "[") {
      out.streamed = true;
      at = await readElements(w, at + 1, sharedStrings(), (v) => onElement(v, out.count++));
    } else {
      let parsed: unknown;
      at = await run(w, at, (t, i, eof) => {
        const [end, v] = value(t, i, eof);
        parsed = v;
        return end;
      });
      out.members[key] = parsed;
    }
  }
  return undefined;
}

/** The elements of an array whose "[" is just before `at`; where its "]" ends, or BAD. */
async function readElements(
  w: Window,
  at: number,
  reviver: Reviver,
  onElement: (value: unknown) => void,
): Promise<number> {
  for (let first = true; at >= 0; first = false) {
    let closed = false;
    let parsed: unknown;
    at = await run(w, at, (t, i, eof) => {
      const [k, end] = nextItem(t, i, first, "]");
      closed = end;
      if (k < 0 || end) return k;
      const [e, v] = value(t, k, eof, reviver);
      parsed = v;
      return e;
    });
    if (at < 0 || closed) return at;
    onElement(parsed);
  }
  return at;
}

/**
 * The first key twice in one object of `text` (JSON.parse would keep the last silently): the
 * key, where its object is (`Items[].Tags`; "" at the top) and both lines.
 */
export function duplicateKey(
  text: string,
): { key: string; where: string; lines: [number, number] } | undefined {
  // One entry per open object (its keys and their offsets) or array (null keys).
  const open: { keys: Map<string, number> | null; where: string }[] = [];
  let last = "";
  const lineAt = (i: number) => text.slice(0, i).split("\n").length;
  const token = /["{}[\]]/g;
  for (let m = token.exec(text); m; m = token.exec(text)) {
    const at = m.index;
    const top = open.at(-1);
    if (m[0] === "{" || m[0] === "[") {
      const where = !top
        ? ""
        : top.keys
        ? (top.where ? `${top.where}.` : "") + last
        : `${top.where}[]`;
      open.push({ keys: m[0] === "{" ? new Map() : null, where });
    } else if (m[0] !== '"') open.pop();
    else {
      token.lastIndex = stringEnd(text, at);
      if (!top?.keys || text[skipWs(text, token.lastIndex)] !== ":") continue;
      last = JSON.parse(text.slice(at, token.lastIndex)) as string;
      const first = top.keys.get(last);
      if (first !== undefined) {
        return { key: last, where: top.where, lines: [lineAt(first), lineAt(at)] };
      }
      top.keys.set(last, at);
    }
  }
  return undefined;
}
