/**
 * The export use case: every quick connect of an instance, whole (config, tags), with the
 * names of what it points to and the standard queues it is linked to, in one file.
 */
import type {
  ContactFlowSummary,
  QueueSummary,
  QuickConnect,
  QuickConnectConfig,
  QuickConnectSummary,
  UserSummary,
} from "@aws-sdk/client-connect";
import {
  describeError,
  EXIT,
  type FatalAwsError,
  isAccessDenied,
  isSearchUnavailable,
  toFatal,
  UsageError,
} from "./errors.ts";
import {
  type ExportedItem,
  type ExportedQuickConnect,
  type ExportedReferences,
  type ExportFile,
  type FailedExport,
  FORMAT_VERSION,
  isoTimestamp,
  writeExportFile,
} from "./export_file.ts";
import {
  describeQuickConnectWithRaw,
  readAssociations,
  readFlows,
  readQueues,
  readQuickConnectSummaries,
  readUsers,
  searchQuickConnectsPage,
} from "./inventory.ts";
import { esc } from "./log.ts";
import { mapPool } from "./pool.ts";
import type { RunContext } from "./context.ts";
import { TOOL_NAME, VERSION } from "./version.ts";

export const KNOWN_TYPES = new Set(["USER", "QUEUE", "PHONE_NUMBER", "FLOW"]);

export interface ExportOptions {
  /** Output path; default `connect_quick_connects_export_<instance>_YYYYMMDD_HHMMSS.json`. */
  output?: string;
  force?: boolean;
  /** Read with ListQuickConnects + DescribeQuickConnect even where Search is allowed. */
  noSearch?: boolean;
  now?: () => Date;
  onProgress?: (done: number, total: number) => void;
}

export interface ExportResult {
  exitCode: number;
  output: string;
  file: ExportFile;
  /** How the quick connects were read. */
  readMode: "search" | "list+describe";
}

const pad = (n: number) => String(n).padStart(2, "0");

export function defaultOutputName(instanceKey: string, d: Date): string {
  const stamp = `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}_${
    pad(d.getHours())
  }${pad(d.getMinutes())}${pad(d.getSeconds())}`;
  return `connect_quick_connects_export_${instanceKey}_${stamp}.json`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

/** Turns a failure of a whole-run step into a FatalAwsError with a cause and a next step. */
function fatal(ctx: RunContext, err: unknown, action: string, what: string): FatalAwsError {
  return toFatal(err, ctx, action, `AWS API error while ${what}: `);
}

interface ReadResult {
  quickConnects: QuickConnect[];
  failed: FailedExport[];
  mode: "search" | "list+describe";
}

/**
 * The configuration of a quick connect whose type this version does not know, as the
 * service sent it: the SDK keeps only the members of its own model.
 */
type Verbatim = Map<string, unknown>;

function keepVerbatim(
  qcs: QuickConnect[],
  raw: () => unknown,
  pick: (r: unknown) => unknown[],
  into: Verbatim,
): void {
  if (qcs.every((q) => KNOWN_TYPES.has(q.QuickConnectConfig?.QuickConnectType ?? ""))) return;
  for (const r of pick(raw())) {
    const rec = r as { QuickConnectId?: unknown; QuickConnectConfig?: unknown } | null;
    if (typeof rec?.QuickConnectId === "string" && rec.QuickConnectConfig !== undefined) {
      into.set(rec.QuickConnectId, rec.QuickConnectConfig);
    }
  }
}

/**
 * `onFound` is called as soon as the instance is known to hold quick connects, so the
 * queue reads (other quota buckets) can run while the rest is fetched.
 */
async function readWithSearch(
  ctx: RunContext,
  onFound: () => void,
  verbatim: Verbatim,
): Promise<QuickConnect[]> {
  const out: QuickConnect[] = [];
  let token: string | undefined;
  let page = 0;
  do {
    page++;
    ctx.logger.info(`Fetching quick connects page ${page}...`);
    const res = await searchQuickConnectsPage(ctx.client, ctx.instanceId, token);
    out.push(...res.QuickConnects);
    keepVerbatim(
      res.QuickConnects,
      res.raw,
      (r) => (r as { QuickConnects?: unknown[] } | undefined)?.QuickConnects ?? [],
      verbatim,
    );
    if (out.length > 0) onFound();
    ctx.logger.info(`Retrieved ${res.QuickConnects.length} quick connects from page ${page}`);
    token = res.NextToken;
  } while (token);
  return out;
}

async function readWithDescribe(
  ctx: RunContext,
  onFound: () => void,
  verbatim: Verbatim,
): Promise<ReadResult> {
  ctx.logger.info("Fetching quick connects page 1...");
  let summaries: QuickConnectSummary[];
  try {
    summaries = await readQuickConnectSummaries(ctx.client, ctx.instanceId);
  } catch (err) {
    throw fatal(ctx, err, "connect:ListQuickConnects", "fetching quick connects");
  }
  ctx.logger.info(`Retrieved ${summaries.length} quick connects from page 1`);
  if (summaries.length > 0) onFound();
  const failed: FailedExport[] = [];
  const described = await mapPool(summaries, 4, async (s) => {
    try {
      const d = await describeQuickConnectWithRaw(ctx.client, ctx.instanceId, s.Id ?? "");
      keepVerbatim(
        [d.quickConnect],
        d.raw,
        (r) => [(r as { QuickConnect?: unknown } | undefined)?.QuickConnect],
        verbatim,
      );
      return d.quickConnect;
    } catch (err) {
      ctx.logger.warning(
        `Could not fetch quick connect ${esc(s.Id)} (${esc(s.Name)}): ${esc(describeError(err))}`,
      );
      failed.push({ QuickConnectId: s.Id ?? "", Name: s.Name ?? "", Error: describeError(err) });
      return undefined;
    }
  });
  return {
    quickConnects: described.filter((q): q is QuickConnect => q !== undefined),
    failed,
    mode: "list+describe",
  };
}

async function readQuickConnects(
  ctx: RunContext,
  noSearch: boolean,
  onFound: () => void,
  verbatim: Verbatim,
): Promise<ReadResult> {
  if (!noSearch) {
    try {
      return {
        quickConnects: await readWithSearch(ctx, onFound, verbatim),
        failed: [],
        mode: "search",
      };
    } catch (err) {
      if (!isSearchUnavailable(err)) {
        throw fatal(ctx, err, "connect:SearchQuickConnects", "fetching quick connects");
      }
      ctx.logger.warning(
        `SearchQuickConnects is not available (${
          esc(describeError(err))
        }); falling back to ListQuickConnects + DescribeQuickConnect`,
      );
    }
  }
  verbatim.clear();
  return await readWithDescribe(ctx, onFound, verbatim);
}

/** A lookup list the export can live without: a denied list costs names, not the export. */
async function optionalList<T>(
  ctx: RunContext,
  action: string,
  consequence: string,
  read: () => Promise<T[]>,
): Promise<T[] | undefined> {
  try {
    return await read();
  } catch (err) {
    if (!isAccessDenied(err)) throw fatal(ctx, err, action, `calling ${action}`);
    ctx.logger.warning(
      `Could not call ${action} (${esc(describeError(err))}): ${consequence}`,
    );
    return undefined;
  }
}

interface QueueLinks {
  queues?: QueueSummary[];
  /** Quick connect IDs per standard queue; undefined when they could not be read. */
  links?: Map<string, Set<string>>;
}

/** Standard queues and their quick connect links: the bulk of the export's list calls. */
async function readLinks(ctx: RunContext): Promise<QueueLinks> {
  const queues = await optionalList(
    ctx,
    "connect:ListQueues",
    "queue names and queue links are not exported",
    () => readQueues(ctx.client, ctx.instanceId),
  );
  if (!queues) return {};
  const queueIds = queues.flatMap((q) => (q.Id ? [q.Id] : []));
  const read = await optionalList(
    ctx,
    "connect:ListQueueQuickConnects",
    "queue links are not exported",
    async () => [await readAssociations(ctx.client, ctx.instanceId, queueIds)],
  );
  return { queues, links: read?.[0] };
}

function toExported(q: QuickConnect, verbatim: Verbatim): ExportedQuickConnect {
  return {
    QuickConnectId: q.QuickConnectId ?? "",
    QuickConnectARN: q.QuickConnectARN,
    Name: q.Name ?? "",
    Description: q.Description,
    QuickConnectConfig: (verbatim.get(q.QuickConnectId ?? "") as QuickConnectConfig | undefined) ??
      q.QuickConnectConfig ?? { QuickConnectType: undefined },
    LastModifiedTime: q.LastModifiedTime ? isoTimestamp(q.LastModifiedTime) : undefined,
    LastModifiedRegion: q.LastModifiedRegion,
  };
}

interface Lookups {
  users?: Map<string, UserSummary>;
  queues?: Map<string, QueueSummary>;
  flows?: Map<string, ContactFlowSummary>;
}

function byId<T extends { Id?: string }>(list: T[] | undefined): Map<string, T> | undefined {
  return list && new Map(list.flatMap((x) => (x.Id ? [[x.Id, x] as const] : [])));
}

/** The IDs the config points to, with their names where the instance lists them. */
function references(q: QuickConnect, l: Lookups, warn: (m: string) => void): ExportedReferences {
  const c = q.QuickConnectConfig;
  const refs: ExportedReferences = {};
  const label = `${esc(q.Name)} (${esc(q.QuickConnectId)})`;
  const userId = c?.UserConfig?.UserId;
  if (c?.QuickConnectType === "USER" && userId) {
    const u = l.users?.get(userId);
    if (l.users && !u) warn(`User ${esc(userId)} used by quick connect ${label} was not found`);
    refs.User = { Id: userId, Username: u?.Username };
  }
  const queueId = c?.QueueConfig?.QueueId;
  if (c?.QuickConnectType === "QUEUE" && queueId) {
    const qu = l.queues?.get(queueId);
    if (l.queues && !qu) warn(`Queue ${esc(queueId)} used by quick connect ${label} was not found`);
    refs.Queue = { Id: queueId, Name: qu?.Name };
  }
  const flowId = c?.QuickConnectType === "USER"
    ? c.UserConfig?.ContactFlowId
    : c?.QuickConnectType === "QUEUE"
    ? c.QueueConfig?.ContactFlowId
    : c?.QuickConnectType === "FLOW"
    ? c.FlowConfig?.ContactFlowId
    : undefined;
  if (flowId) {
    const f = l.flows?.get(flowId);
    if (l.flows && !f) warn(`Flow ${esc(flowId)} used by quick connect ${label} was not found`);
    refs.ContactFlow = { Id: flowId, Name: f?.Name, Type: f?.ContactFlowType };
  }
  return refs;
}

/** Why a quick connect cannot be exported whole, or undefined when it can. */
function incomplete(q: QuickConnect): string | undefined {
  if (!q.QuickConnectId) return "the API returned no QuickConnectId";
  if (!q.Name) return "the API returned no Name";
  if (!q.QuickConnectConfig?.QuickConnectType) return "the API returned no QuickConnectConfig";
  return undefined;
}

export async function runExport(ctx: RunContext, opts: ExportOptions = {}): Promise<ExportResult> {
  const { logger } = ctx;
  const now = opts.now ?? (() => new Date());
  const started = now();
  const output = opts.output ?? defaultOutputName(ctx.instanceKey, started);
  if (!opts.force && await exists(output)) {
    throw new UsageError(
      `Output file "${output}" already exists: pass --force to overwrite it or choose another --output`,
    );
  }
  logger.info(
    `Initialized quick connect exporter for instance: ${esc(ctx.instanceId)} in region: ${
      esc(ctx.region)
    }`,
  );

  // Started once the instance is known to hold quick connects; a rejection is kept
  // (not left unhandled) and rethrown where the result is awaited.
  let linksRead: Promise<QueueLinks> | undefined;
  const startLinks = () => {
    linksRead ??= readLinks(ctx);
    linksRead.catch(() => {});
  };
  const verbatim: Verbatim = new Map();
  const read = await readQuickConnects(ctx, opts.noSearch ?? false, startLinks, verbatim);
  const failed = [...read.failed];
  const whole: QuickConnect[] = [];
  for (const q of read.quickConnects) {
    const why = incomplete(q);
    if (why) {
      logger.warning(`Could not export quick connect ${esc(q.QuickConnectId)}: ${why}`);
      failed.push({ QuickConnectId: q.QuickConnectId ?? "", Name: q.Name ?? "", Error: why });
    } else whole.push(q);
  }
  whole.sort((a, b) => (a.Name ?? "").localeCompare(b.Name ?? ""));
  const total = whole.length + failed.length;
  logger.info(`Total quick connects retrieved: ${total}`);

  const types = new Set(whole.map((q) => q.QuickConnectConfig?.QuickConnectType));
  const lookups: Lookups = {};
  let links: Map<string, Set<string>> | undefined;
  if (whole.length === 0) {
    logger.warning("No quick connects found to export");
    await linksRead;
  } else {
    startLinks(); // already running unless a reader above could not call onFound
    // Users and flows have buckets of their own: read both at once.
    const [users, flows] = await Promise.all([
      types.has("USER")
        ? optionalList(
          ctx,
          "connect:ListUsers",
          "user names are not exported; the import will need identical user IDs or a mapping file",
          () => readUsers(ctx.client, ctx.instanceId),
        )
        : undefined,
      types.has("USER") || types.has("QUEUE") || types.has("FLOW")
        ? optionalList(
          ctx,
          "connect:ListContactFlows",
          "flow names are not exported; the import will need identical flow IDs or a mapping file",
          () => readFlows(ctx.client, ctx.instanceId),
        )
        : undefined,
    ]);
    lookups.users = byId(users);
    lookups.flows = byId(flows);
    const queueLinks = await linksRead;
    lookups.queues = byId(queueLinks?.queues);
    links = queueLinks?.links;
  }

  const queuesOf = new Map<string, { Id: string; Name?: string }[]>();
  for (const [queueId, qcIds] of links ?? []) {
    for (const qcId of qcIds) {
      const list = queuesOf.get(qcId) ?? [];
      list.push({ Id: queueId, Name: lookups.queues?.get(queueId)?.Name });
      queuesOf.set(qcId, list);
    }
  }

  const timestamp = isoTimestamp(started);
  const items: ExportedItem[] = [];
  whole.forEach((q, i) => {
    logger.info(
      `Exporting quick connect ${i + 1}/${whole.length}: ${esc(q.Name)} (${esc(q.QuickConnectId)})`,
    );
    const type = q.QuickConnectConfig?.QuickConnectType ?? "";
    if (!KNOWN_TYPES.has(type)) {
      logger.warning(
        `Quick connect ${esc(q.Name)} (${esc(q.QuickConnectId)}) has type ${
          esc(type)
        }, unknown to this version: exported verbatim`,
      );
    }
    const item: ExportedItem = {
      QuickConnect: toExported(q, verbatim),
      Tags: { ...(q.Tags ?? {}) },
      ExportTimestamp: timestamp,
      References: references(q, lookups, (m) => logger.warning(m)),
    };
    if (links) {
      item.Queues = (queuesOf.get(q.QuickConnectId ?? "") ?? [])
        .sort((a, b) => (a.Name ?? a.Id).localeCompare(b.Name ?? b.Id));
    }
    items.push(item);
    opts.onProgress?.(i + 1, whole.length);
  });

  const arnMatch = /^(arn:[^:]+:connect:[^:]+:\d+:instance\/[^/]+)\//.exec(
    whole[0]?.QuickConnectARN ?? "",
  );
  const file: ExportFile = {
    FormatVersion: FORMAT_VERSION,
    Tool: TOOL_NAME,
    ToolVersion: VERSION,
    InstanceId: ctx.instanceKey,
    InstanceArn: ctx.instanceId.startsWith("arn:") ? ctx.instanceId : arnMatch?.[1],
    Region: ctx.region,
    ExportTimestamp: timestamp,
    TotalQuickConnects: total,
    SuccessfulExports: items.length,
    FailedExports: failed.length,
    QuickConnects: items,
    FailedQuickConnects: failed,
  };
  try {
    await writeExportFile(output, file);
  } catch (err) {
    throw new UsageError(`Cannot write export file "${output}": ${describeError(err)}`);
  }
  logger.info("Export completed successfully!");
  logger.info(`Exported ${items.length} quick connects to ${esc(output)}`);
  logger.info(`Failed exports: ${failed.length}`);
  return {
    exitCode: failed.length > 0 ? EXIT.partial : EXIT.ok,
    output,
    file,
    readMode: read.mode,
  };
}
