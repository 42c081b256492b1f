/**
 * Reads what an import needs to know about the target instance, once, into a value the
 * plan is computed from: its quick connects by name (whole where an update or a check
 * needs them), the users, queues and flows the file's items resolve against (each listed
 * only when some item needs it), and the links of the queues the file names.
 */
import { isInterrupted } from "../aws/limiter.ts";
import {
  type ListedQuickConnect,
  readAssociations,
  readFlows,
  readQueues,
  readQuickConnects,
  readRoutingProfiles,
  readUsers,
} from "../aws/reads.ts";
import type { RunContext } from "../context.ts";
import { describeError, isAccessDenied, toFatal } from "../errors.ts";
import type { SearchAvailability } from "../aws/find.ts";
import { NameIndex, nameKey } from "../names.ts";
import type { ImportItem } from "./input.ts";
import type { Mapping } from "./mapping.ts";
import { Directory, needs, resolveQueue } from "./resolve.ts";
import type { RoutingProfileView } from "../visibility.ts";

export interface TargetState {
  /**
   * Existing quick connects by name, as names are compared (lib/names.ts: the same under
   * NFC); `detail` is set where it was read whole.
   */
  quickConnects: NameIndex<ListedQuickConnect>;
  /** Quick connects whose details could not be read: id → error. */
  unreadable: Map<string, string>;
  directory: Directory;
  /** Quick connect IDs linked to each queue the file names. */
  links: Map<string, Set<string>>;
  /** Queues whose links could not be read: id → error. */
  linkErrors: Map<string, unknown>;
  /** Whether SearchQuickConnects may be used; turned off, with a warning, once it is refused. */
  search: SearchAvailability;
  /** When it was read, ms since the epoch. */
  readAt: number;
  /** Read when asked; `denied`: SearchRoutingProfiles was, and the check is skipped. */
  routingProfiles?: RoutingProfileView[] | { denied: string };
}

interface ReadTargetOptions {
  /** Read existing quick connects whole (updates and verification compare them). */
  details: boolean;
  /** Whether an existing item of this name gets resolved (under `skip` it does not). */
  resolvesExisting: boolean;
  /**
   * Which queues' links to read: those of the file's quick connects that exist (what
   * adding links needs), every queue the file names (--prune-links), or every standard
   * queue (--prune: a quick connect is unlinked before it is deleted).
   */
  links?: "existing" | "file" | "all";
  /** Read the routing profiles, for who will see each quick connect (lib/visibility.ts). */
  routingProfiles?: boolean;
}

/** A read whose failure stops the run (exit 3), with the cause and the next step. */
async function fatal<T>(ctx: RunContext, action: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (isInterrupted(err)) throw err;
    throw toFatal(err, ctx, action);
  }
}

/**
 * The queues whose links the plan needs. Only a quick connect that exists can already be
 * linked: a queue whose items are all new needs no read (a first import reads none).
 */
function queuesToRead(
  items: readonly ImportItem[],
  mapping: Mapping,
  quickConnects: NameIndex<ListedQuickConnect>,
  queues: Awaited<ReturnType<typeof readQueues>> | undefined,
  scope: NonNullable<ReadTargetOptions["links"]>,
): Set<string> {
  const queueDir = new Directory({ queues });
  const out = new Set<string>();
  for (const it of items) {
    if (scope === "existing" && !quickConnects.has(it.name)) continue;
    for (const src of it.queues) {
      const r = resolveQueue(queueDir, mapping, src.Id, src.Name);
      if (r.ok && r.value.Id) out.add(r.value.Id);
    }
  }
  if (scope === "all") { for (const q of queues ?? []) if (q.Id) out.add(q.Id); }
  return out;
}

/** Advice, not the run: a denial costs the check, not the import (docs/live-service.md §16). */
function readProfiles(ctx: RunContext): Promise<TargetState["routingProfiles"]> {
  return fatal(
    ctx,
    "connect:SearchRoutingProfiles",
    () =>
      readRoutingProfiles(ctx.client, ctx.instanceId).catch((err) => {
        if (isAccessDenied(err)) return { denied: describeError(err) };
        throw err;
      }),
  );
}

export async function readTarget(
  ctx: RunContext,
  items: readonly ImportItem[],
  mapping: Mapping,
  opts: ReadTargetOptions,
): Promise<TargetState> {
  const readAt = Date.now();
  const names = new Set(items.map((it) => nameKey(it.name)));
  const wantsQueues = opts.links === "all" ||
    items.some((it) => it.queues.length > 0 || needs(it).has("queue"));
  // Quick connects, queues (and routing profiles) use separate quota buckets: read at once.
  const [qcs, queues, routingProfiles] = await Promise.all([
    fatal(
      ctx,
      opts.details ? "connect:SearchQuickConnects" : "connect:ListQuickConnects",
      () =>
        readQuickConnects({
          client: ctx.client,
          instanceId: ctx.instanceId,
          logger: ctx.logger,
          details: opts.details,
          // --prune judges and snapshots every quick connect, named in the file or not.
          describe: opts.links === "all" ? undefined : (name) => names.has(nameKey(name)),
        }),
    ),
    wantsQueues
      ? fatal(ctx, "connect:ListQueues", () => readQueues(ctx.client, ctx.instanceId, ["STANDARD"]))
      : undefined,
    opts.routingProfiles ? readProfiles(ctx) : undefined,
  ]);
  const quickConnects = new NameIndex(qcs.items);
  const toResolve = items.filter((it) => opts.resolvesExisting || !quickConnects.has(it.name));
  const kinds = new Set(toResolve.flatMap((it) => [...needs(it)]));
  const linkQueues = queuesToRead(items, mapping, quickConnects, queues, opts.links ?? "existing");
  const [users, flows, linked] = await Promise.all([
    kinds.has("user")
      ? fatal(ctx, "connect:ListUsers", () => readUsers(ctx.client, ctx.instanceId))
      : undefined,
    kinds.has("flow")
      ? fatal(ctx, "connect:ListContactFlows", () => readFlows(ctx.client, ctx.instanceId))
      : undefined,
    readAssociations(ctx.client, ctx.instanceId, [...linkQueues]),
  ]);
  return {
    quickConnects,
    unreadable: new Map(qcs.failed.map((f) => [f.id, f.error])),
    directory: new Directory({ users, flows, queues }),
    links: linked.links,
    linkErrors: linked.failed,
    search: { available: !(qcs.mode === "list+describe" && opts.details) },
    readAt,
    ...(routingProfiles && { routingProfiles }),
  };
}
