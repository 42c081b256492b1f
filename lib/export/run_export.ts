/**
 * The export use case: every quick connect of an instance, whole (config, tags), with the
 * names of what it points to and the standard queues it is linked to, in one file.
 */
import { basename } from "node:path";
import type {
  ContactFlowSummary,
  QueueSummary,
  QuickConnect,
  QuickConnectConfig,
  UserSummary,
} from "@aws-sdk/client-connect";
import { InterruptedError, isInterrupted } from "../aws/limiter.ts";
import {
  type QuickConnectRead,
  readAssociations,
  readFlows,
  readQueues,
  readQuickConnects,
  readRoutingProfiles,
  readUsers,
} from "../aws/reads.ts";
import type { RunContext } from "../context.ts";
import { exitCode } from "../exit.ts";
import { describeError, isAccessDenied, toFatal, UsageError } from "../errors.ts";
import {
  type ExportedItem,
  type ExportedReferences,
  type ExportFile,
  type FailedExport,
  FORMAT_VERSION,
  isoTimestamp,
  type SeenBy,
} from "../export_file.ts";
import {
  describeFilters,
  describeNarrowing,
  type Filters,
  isFiltering,
  NO_FILTERS,
  toExportFilters,
  toSearch,
} from "../filters.ts";
import { atomically, FileExistsError, writeJson } from "../json_file.ts";
import { esc, type Logger, logMemory, plural } from "../log.ts";
import { NameIndex } from "../names.ts";
import { configRefs, isKnownType } from "../quick_connect.ts";
import { TOOL_NAME, VERSION } from "../version.ts";
import { nobodySees, type RoutingProfileView, whoSees } from "../visibility.ts";

interface ExportOptions {
  /** Output path, or "-" for stdout (default: defaultOutputName); `shownOutput` as typed. */
  output?: string;
  shownOutput?: string;
  force?: boolean;
  /** `output` is the default name: when taken (two exports in one second), NAME_2.json… */
  pickName?: boolean;
  noSearch?: boolean;
  filters?: Filters;
  now?: () => Date;
  /** Aborted on Ctrl-C: no file is written. */
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** `instanceId` is the bare ID (instanceIdOf of an ARN). */
export function defaultOutputName(
  instanceId: string,
  d: Date,
  what: "export" | "import" = "export",
): string {
  const stamp = `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}_${
    pad(d.getHours())
  }${pad(d.getMinutes())}${pad(d.getSeconds())}`;
  return `connect_quick_connects_${what}_${instanceId}_${stamp}.json`;
}

const exists = (path: string) =>
  Deno.lstat(path).then(() => true, (err) => {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  });

/** Turns a failure of a whole-run step into a FatalAwsError with a cause and a next step. */
function fatal(ctx: RunContext, err: unknown, action: string, what = `calling ${action}`) {
  return isInterrupted(err) ? err : toFatal(err, ctx, action, `AWS API error while ${what}: `);
}

/** The reads the export can live without, and what a denied one costs. */
const OPTIONAL = {
  "connect:ListQueues": "queue names and queue links are not exported",
  "connect:ListQueueQuickConnects": "queue links are not exported",
  "connect:SearchRoutingProfiles": "who sees each quick connect (RoutingProfiles) is not exported",
  "connect:ListUsers":
    "user names are not exported; the import will need identical user IDs or a mapping file",
  "connect:ListContactFlows":
    "flow names are not exported; the import will need identical flow IDs or a mapping file",
};

async function optional<T>(
  ctx: RunContext,
  action: keyof typeof OPTIONAL,
  read: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (!isAccessDenied(err)) throw fatal(ctx, err, action);
    ctx.logger.warning(
      `Could not call ${action} (${esc(describeError(err))}): ${OPTIONAL[action]}`,
    );
    return undefined;
  }
}

interface QueueLinks {
  queues?: QueueSummary[];
  /** Quick connect IDs per standard queue; undefined when they could not be read. */
  links?: Map<string, Set<string>>;
  profiles?: RoutingProfileView[];
}

/** Standard queues and their quick connect links: the bulk of the export's list calls. */
async function readLinks(ctx: RunContext): Promise<QueueLinks> {
  const { client, instanceId } = ctx;
  const queues = await optional(ctx, "connect:ListQueues", () => readQueues(client, instanceId));
  if (!queues) return {};
  const ids = queues.flatMap((q) => (q.Id ? [q.Id] : []));
  const [links, profiles] = await Promise.all([
    // Any queue's links failing loses the links of the export: all or nothing.
    optional(
      ctx,
      "connect:ListQueueQuickConnects",
      async () => (await readAssociations(client, instanceId, ids, () => true)).links,
    ),
    optional(ctx, "connect:SearchRoutingProfiles", () => readRoutingProfiles(client, instanceId)),
  ]);
  return { queues, links, profiles };
}

interface Lookups {
  users?: Map<string, UserSummary>;
  queues?: Map<string, QueueSummary>;
  flows?: Map<string, ContactFlowSummary>;
  /** Who sees each quick connect, by its ID, where routing profiles and links were read. */
  seen?: Map<string, SeenBy[]>;
}

function byId<T extends { Id?: string }>(list: T[] | undefined): Map<string, T> | undefined {
  return list && new Map(list.flatMap((x) => (x.Id ? [[x.Id, x] as const] : [])));
}

/** The IDs the config points to, with their names where the instance lists them. */
function references(q: QuickConnect, l: Lookups, warn: (m: string) => void): ExportedReferences {
  const refs: ExportedReferences = {};
  for (const { kind, value: Id } of configRefs(q.QuickConnectConfig)) {
    if (!Id || kind === "phone") continue;
    const list = kind === "user" ? l.users : kind === "queue" ? l.queues : l.flows;
    if (list && !list.has(Id)) {
      warn(
        `${kind[0]?.toUpperCase()}${kind.slice(1)} ${esc(Id)} used by quick connect ${
          esc(q.Name)
        } (${esc(q.QuickConnectId)}) was not found`,
      );
    }
    const flow = l.flows?.get(Id);
    if (kind === "user") refs.User = { Id, Username: l.users?.get(Id)?.Username };
    else if (kind === "queue") refs.Queue = { Id, Name: l.queues?.get(Id)?.Name };
    else refs.ContactFlow = { Id, Name: flow?.Name, Type: flow?.ContactFlowType };
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

export async function runExport(ctx: RunContext, opts: ExportOptions = {}) {
  const { logger } = ctx;
  const started = (opts.now ?? (() => new Date()))();
  const output = opts.output ?? defaultOutputName(ctx.instanceId, started);
  const shown = opts.shownOutput ?? output;
  if (output !== "-" && !opts.force && !opts.pickName && await exists(output)) {
    throw new UsageError(
      `Output file "${shown}" already exists: pass --force to replace it, or choose another path`,
    );
  }
  logger.info(
    `Initialized quick connect exporter for instance: ${esc(ctx.instanceId)} in region: ${
      esc(ctx.region)
    }`,
  );
  const filters = opts.filters ?? NO_FILTERS;
  // The queues and their links, read once, beside the rest from the first page that lists
  // quick connects; a rejection is kept (not left unhandled) and rethrown where awaited.
  let linksRead: Promise<QueueLinks> | undefined;
  const links = () => {
    linksRead ??= readLinks(ctx);
    linksRead.catch(() => {});
    return linksRead;
  };
  const read = await readExported(ctx, opts, filters, links);
  logMemory(logger, "the quick connects read");
  const lookups = await readLookups(ctx, read.whole, links, linksRead, isFiltering(filters));
  logMemory(logger, "the names and links read");
  const timestamp = isoTimestamp(started);
  const items = exportItems(ctx, read, lookups, timestamp, opts.onProgress);
  logMemory(logger, "the items made");
  const arn = /^(arn:[^:]+:connect:[^:]+:\d+:instance\/[^/]+)\//.exec(
    read.whole[0]?.QuickConnectARN ?? "",
  );
  const file: ExportFile = {
    FormatVersion: FORMAT_VERSION,
    Tool: TOOL_NAME,
    ToolVersion: VERSION,
    InstanceId: ctx.instanceId,
    InstanceArn: ctx.instanceArn ?? arn?.[1],
    Region: ctx.region,
    ExportTimestamp: timestamp,
    Filters: toExportFilters(filters),
    TotalQuickConnects: read.whole.length + read.failed.length,
    SuccessfulExports: items.length,
    FailedExports: read.failed.length,
    QuickConnects: items,
    FailedQuickConnects: read.failed,
  };
  const written = await writeExport(logger, { output, shown, ...opts }, file);
  logMemory(logger, "the file written");
  const failed = read.failed.length > 0;
  return {
    exitCode: exitCode({ kind: "finished", failed }),
    output: written,
    file,
    readMode: read.mode,
  };
}

/** The quick connects the filters select, whole, with the seed tool's page and progress lines. */
async function readExported(
  ctx: RunContext,
  opts: ExportOptions,
  filters: Filters,
  links: () => unknown,
) {
  const { logger } = ctx;
  const filtering = isFiltering(filters);
  if (filtering) {
    // With --no-search nothing is sent to Search, so the log must not say it is.
    const narrowing = opts.noSearch ? { notSent: [] } : toSearch(filters);
    const sent = describeNarrowing(narrowing);
    logger.info(
      `Filters: ${esc(describeFilters(filters))} (${
        sent ? `SearchQuickConnects is asked for ${esc(sent)}; ` : ""
      }every quick connect read is checked against all filters here)`,
    );
    for (const note of narrowing.notSent) logger.info(`Filters: ${esc(note)}`);
  }
  logger.info("Fetching quick connects page 1...");
  let nextLog = 0.1;
  let read;
  try {
    read = await readQuickConnects({
      client: ctx.client,
      instanceId: ctx.instanceId,
      logger,
      details: true,
      noSearch: opts.noSearch,
      verbatim: true,
      filters: filtering ? filters : undefined,
      onPage: (page, count, more) => {
        if (count > 0) links();
        logger.info(`Retrieved ${plural(count, "quick connect")} from page ${page}`);
        if (more) logger.info(`Fetching quick connects page ${page + 1}...`);
      },
      onDescribed: (done, total) => {
        opts.onProgress?.(done, total);
        if (done === total || done / total >= nextLog) {
          logger.info(`Read ${done}/${plural(total, "quick connect")} with DescribeQuickConnect`);
          nextLog = Math.floor((done / total) * 10 + 1) / 10;
        }
      },
    });
  } catch (err) {
    const action = opts.noSearch ? "connect:ListQuickConnects" : "connect:SearchQuickConnects";
    throw fatal(ctx, err, action, "fetching quick connects");
  }
  const { whole, failed } = wholeOrFailed(logger, read);
  logger.info(
    `Total quick connects retrieved: ${whole.length + failed.length}${
      filtering ? " (those the filters select)" : ""
    }`,
  );
  return { whole, failed, raw: read.raw, mode: read.mode };
}

/** The quick connects read whole, in name order; the others are failed exports, each warned of. */
function wholeOrFailed(logger: Logger, read: QuickConnectRead) {
  const failed: FailedExport[] = [];
  for (const f of read.failed) {
    logger.warning(
      `Could not fetch quick connect ${esc(f.id)} (${esc(f.name)}): ${esc(f.error)}`,
    );
    failed.push({ QuickConnectId: f.id, Name: f.name, Error: f.error });
  }
  const whole: QuickConnect[] = [];
  for (const it of read.items) {
    if (!it.detail) continue;
    const why = incomplete(it.detail);
    if (why) {
      logger.warning(`Could not export quick connect ${esc(it.id)}: ${why}`);
      failed.push({ QuickConnectId: it.id, Name: it.name, Error: why });
    } else whole.push(it.detail);
  }
  whole.sort((a, b) => (a.Name ?? "").localeCompare(b.Name ?? ""));
  // Names an agent could mistake for each other (lib/names.ts).
  const index = new NameIndex(whole.map((q) => ({ name: q.Name ?? "", id: q.QuickConnectId })));
  const list = (group: { name: string; id?: string }[]) =>
    group.map((g) => `"${esc(g.name)}" (${esc(g.id)})`).join(", ");
  for (const group of index.sameNameGroups()) {
    logger.warning(
      `Quick connects ${
        list(group)
      } are one name in different Unicode spellings: the import refuses them until one is renamed`,
    );
  }
  for (const group of index.caseGroups()) {
    logger.warning(`Quick connects ${list(group)} differ only in case: agents may confuse them`);
  }
  return { whole, failed };
}

/**
 * The names the quick connects point to (users and flows only when some quick connect needs
 * them), the queue links and who sees each quick connect; with none to export, only the links
 * already started are awaited.
 */
async function readLookups(
  ctx: RunContext,
  whole: readonly QuickConnect[],
  links: () => Promise<QueueLinks>,
  started: Promise<QueueLinks> | undefined,
  filtering: boolean,
): Promise<Lookups & { links?: Map<string, Set<string>> }> {
  const { client, instanceId } = ctx;
  if (whole.length === 0) {
    ctx.logger.warning(
      filtering ? "No quick connects match the filters" : "No quick connects found to export",
    );
    await started;
    return {};
  }
  const queueLinks = links(); // already running unless no page listed any quick connect
  const types = new Set(whole.map((q) => q.QuickConnectConfig?.QuickConnectType));
  const kinds = new Set(whole.flatMap((q) => configRefs(q.QuickConnectConfig).map((r) => r.kind)));
  // Users and flows have buckets of their own: read both at once.
  const [users, flows] = await Promise.all([
    kinds.has("user")
      ? optional(ctx, "connect:ListUsers", () => readUsers(client, instanceId))
      : undefined,
    kinds.has("flow") || [...types].some((t) => !isKnownType(t))
      ? optional(ctx, "connect:ListContactFlows", () => readFlows(client, instanceId))
      : undefined,
  ]);
  const q = await queueLinks;
  const seen = seenIn(ctx, whole, q);
  return { users: byId(users), flows: byId(flows), queues: byId(q.queues), seen, links: q.links };
}

/** Who sees each quick connect, queues by name; warns of those that no routing profile sees. */
function seenIn(ctx: RunContext, whole: readonly QuickConnect[], q: QueueLinks) {
  if (!q.links || !q.profiles) return undefined;
  const names = new Map(q.queues?.map((x) => [x.Id, x.Name]));
  const seen = whoSees(q.profiles, q.links);
  for (const v of [...seen.values()].flat()) v.Queues = v.Queues.map((id) => names.get(id) ?? id);
  const unseen = whole.filter((x) => !seen.has(x.QuickConnectId ?? "")).map((x) => x.Name ?? "");
  const line = nobodySees(unseen, "sees");
  if (line) ctx.logger.warning(line);
  return seen;
}

/** One item per whole quick connect, with the names of what it points to and its queues. */
function exportItems(
  { logger }: RunContext,
  read: Awaited<ReturnType<typeof readExported>>,
  lookups: Lookups & { links?: Map<string, Set<string>> },
  timestamp: string,
  onProgress: ExportOptions["onProgress"],
): ExportedItem[] {
  const { whole, raw } = read;
  const queuesOf = new Map<string, { Id: string; Name?: string }[]>();
  for (const [Id, qcIds] of lookups.links ?? []) {
    const queue = { Id, Name: lookups.queues?.get(Id)?.Name };
    for (const qc of qcIds) queuesOf.get(qc)?.push(queue) ?? queuesOf.set(qc, [queue]);
  }
  return whole.map((q, i) => {
    const id = q.QuickConnectId ?? "";
    logger.info(`Exporting quick connect ${i + 1}/${whole.length}: ${esc(q.Name)} (${esc(id)})`);
    const type = q.QuickConnectConfig?.QuickConnectType ?? "";
    if (!isKnownType(type)) {
      logger.warning(
        `Quick connect ${esc(q.Name)} (${esc(id)}) has type ${
          esc(type)
        }, unknown to this version: exported verbatim`,
      );
    }
    const item: ExportedItem = {
      QuickConnect: {
        QuickConnectId: id,
        QuickConnectARN: q.QuickConnectARN,
        Name: q.Name ?? "",
        Description: q.Description,
        QuickConnectConfig: (raw.get(id) as QuickConnectConfig | undefined) ??
          q.QuickConnectConfig ?? { QuickConnectType: undefined },
        LastModifiedTime: q.LastModifiedTime ? isoTimestamp(q.LastModifiedTime) : undefined,
        LastModifiedRegion: q.LastModifiedRegion,
      },
      Tags: { ...(q.Tags ?? {}) },
      ExportTimestamp: timestamp,
      References: references(q, lookups, (m) => logger.warning(m)),
    };
    if (lookups.links) {
      item.Queues = (queuesOf.get(id) ?? [])
        .sort((a, b) => (a.Name ?? a.Id).localeCompare(b.Name ?? b.Id));
    }
    if (lookups.seen) item.RoutingProfiles = lookups.seen.get(id) ?? [];
    onProgress?.(i + 1, whole.length);
    return item;
  });
}

/**
 * Writes the file one quick connect at a time (peak memory), never over one it may not
 * replace (lib/json_file.ts), unless Ctrl-C was pressed; returns the path written.
 */
async function writeExport(
  logger: Logger,
  to: { output: string; shown: string; force?: boolean; pickName?: boolean; signal?: AbortSignal },
  file: ExportFile,
): Promise<string> {
  if (to.signal?.aborted) throw new InterruptedError("interrupted");
  let written: string;
  try {
    written = to.output === "-" ? "-" : await atomically(
      to.output,
      (out) => writeJson(out, file),
      { replace: to.force === true, rename: to.pickName === true },
    );
    if (written === "-") await writeJson(Deno.stdout, file);
  } catch (err) {
    throw new UsageError(
      err instanceof FileExistsError
        ? `Output file "${to.shown}" was created by someone else while the export ran: not replaced; pass --force to replace it, or choose another path`
        : `Cannot write export file "${to.shown}": ${describeError(err)}`,
    );
  }
  // A taken default name got a number: the default names a file in the current folder.
  const shown = written === to.output ? to.shown : basename(written);
  if (file.FailedExports === 0) logger.info("Export completed successfully!");
  else {
    logger.warning(
      `Export completed with failures (${file.FailedExports} of ${file.TotalQuickConnects}, listed in the file's FailedQuickConnects)`,
    );
  }
  logger.info(
    `Exported ${plural(file.SuccessfulExports, "quick connect")} to ${
      esc(written === "-" ? "stdout" : shown)
    }`,
  );
  logger.info(`Failed exports: ${file.FailedExports}`);
  return written;
}
