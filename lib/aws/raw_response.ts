/**
 * Keeps the raw JSON body of SearchQuickConnects and DescribeQuickConnect responses. The
 * SDK drops every member its model does not know, so a quick connect of a type newer than
 * the pinned SDK would lose its configuration; with the raw body the export keeps it
 * verbatim. The bytes are kept per response object and parsed only when asked for.
 */
import type { ConnectClient } from "@aws-sdk/client-connect";
import type {
  DeserializeHandler,
  DeserializeHandlerArguments,
  HandlerExecutionContext,
  InitializeHandler,
  InitializeHandlerArguments,
  MetadataBearer,
} from "@smithy/types";

const CAPTURED = new Set(["SearchQuickConnectsCommand", "DescribeQuickConnectCommand"]);
const RAW = Symbol("rawBody");
const raws = new WeakMap<object, Uint8Array>();

type Ctx = HandlerExecutionContext & { [RAW]?: Uint8Array };

interface BodyResponse {
  statusCode?: number;
  body?: unknown;
}

async function collect(body: unknown): Promise<Uint8Array | undefined> {
  if (body instanceof Uint8Array) return body;
  if (!body || typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] !== "function") {
    return undefined;
  }
  const chunks: Uint8Array[] = [];
  for await (const c of body as AsyncIterable<Uint8Array | string>) {
    chunks.push(typeof c === "string" ? new TextEncoder().encode(c) : c);
  }
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let off = 0;
  for (const c of chunks) {
    all.set(c, off);
    off += c.length;
  }
  return all;
}

export function installRawCapture(client: ConnectClient): void {
  // Innermost in the deserialize step: sees the HTTP response before the SDK parses it,
  // and hands the deserializer the same bytes (it accepts a Uint8Array body).
  client.middlewareStack.add(
    <O extends MetadataBearer>(next: DeserializeHandler<object, O>, context: Ctx) =>
    async (args: DeserializeHandlerArguments<object>) => {
      const result = await next(args);
      const res = result.response as BodyResponse;
      if (
        CAPTURED.has(context.commandName ?? "") && (res.statusCode ?? 0) < 300 && res.body
      ) {
        const bytes = await collect(res.body);
        if (bytes) {
          res.body = bytes;
          context[RAW] = bytes;
        }
      }
      return result;
    },
    { step: "deserialize", priority: "low", name: "rawResponseCapture" },
  );
  client.middlewareStack.add(
    <O extends MetadataBearer>(next: InitializeHandler<object, O>, context: Ctx) =>
    async (args: InitializeHandlerArguments<object>) => {
      const result = await next(args);
      const bytes = context[RAW];
      if (bytes && typeof result.output === "object" && result.output !== null) {
        raws.set(result.output, bytes);
      }
      return result;
    },
    { step: "initialize", priority: "high", name: "rawResponseAttach" },
  );
}

/** The response's JSON as the service sent it, or undefined if it was not captured. */
export function rawJson(output: object): unknown {
  const bytes = raws.get(output);
  if (!bytes) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}
