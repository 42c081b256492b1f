/**
 * Where an import's input and plan come from: an export file (with a mapping), a plan
 * saved by `--dry-run --plan-out`, or the report of a run to undo. Each source is checked
 * against the target before anything is changed; a refusal is a UsageError (exit 2).
 */
import type { ListedQuickConnect } from "../aws/reads.ts";
import type { RunContext } from "../context.ts";
import { UsageError } from "../errors.ts";
import {
  describeFilters,
  type Filters,
  isFiltering,
  matches,
  selectFileItems,
} from "../filters.ts";
import { esc, type Logger, logMemory, plural } from "../log.ts";
import { NameIndex } from "../names.ts";
import { userTags } from "./diff.ts";
import { instanceIdOf, regionOfArn } from "../aws/client.ts";
import { type ImportInput, type ImportItem, isInvalid, type LoadedExport } from "./input.ts";
import { emptyMapping, parseMapping } from "./mapping.ts";
import { type OnConflict, type Plan, planImport } from "./plan.ts";
import { checkSavedPlan, type PlanFile } from "./plan_file.ts";
import { Directory } from "./resolve.ts";
import { readTarget, type TargetState } from "./target.ts";
import { planUndo, type UndoSource } from "./undo.ts";
import type { Path } from "../path.ts";

/** Where the run's plan comes from. */
export type ImportSource =
  /** An export file (with its mapping), planned against the target now. */
  | {
    kind: "file";
    file: Path;
    input: ImportInput;
    onConflict: OnConflict;
    /** Only the file's items these select are imported; the others are left out entirely. */
    filters?: Filters;
    /** Delete the target's quick connects that are not in the export (within the filters). */
    prune?: boolean;
    /** Remove links on the export's queues that the source queue does not have. */
    pruneLinks?: boolean;
    /** Dry run: write a mapping file listing every unresolved reference, to fill in. */
    writeMapping?: Path;
    /** Dry run: save the plan here, to apply it later as a "plan" source. */
    planOut?: Path;
  }
  /** A plan saved by --dry-run --plan-out: applied exactly, or refused. */
  | { kind: "plan"; file: Path; plan: PlanFile }
  /** The report of a run to reverse. `force`: also what the target no longer holds as left. */
  | { kind: "undo"; file: Path; report: UndoSource; force?: boolean };

/**
 * The run's input, logged, with the filters applied to the file's items: an export file's
 * (loaded before any call), or the items of a saved plan (undo's are known once planned).
 */
export function getInput(log: Logger, src: ImportSource): ImportInput {
  const saved = src.kind === "plan" ? src.plan : undefined;
  const input = src.kind === "file" ? src.input : {
    data: {
      formatVersion: 2,
      failedExports: 0,
      items: saved?.Plan.entries.map((e) => e.item) ?? [],
    },
    mapping: saved ? parseMapping(saved.Mapping, "plan file") : emptyMapping(),
  };
  const { data } = input;
  logMemory(log, "the file loaded");
  if (src.kind === "undo") {
    log.info(`Undoing the run of ${esc(src.report.StartedAt)} described in ${esc(src.file.shown)}`);
  } else if (src.kind === "plan") {
    const [made, from] = [esc(src.plan.CreatedAt), esc(src.plan.ExportFile)];
    log.info(`Loaded plan from ${esc(src.file.shown)} (made ${made} from ${from})`);
  } else log.info(`Loaded export data from ${esc(src.file.shown)}`);
  // An undo's items are known only once it is planned against the target.
  if (src.kind !== "undo") log.info(`Total quick connects in export: ${data.items.length}`);
  if (src.kind === "file" && src.filters && isFiltering(src.filters)) {
    const selected = selectFileItems(src.filters, data.items); // each keeps its file index
    const of = plural(data.items.length, "quick connect");
    const filters = esc(describeFilters(src.filters));
    log.info(`Filters: ${selected.length} of ${of} in the export file selected (${filters})`);
    data.items = selected;
  }
  if (data.failedExports > 0) {
    const failed = plural(data.failedExports, "quick connect");
    log.warning(
      `The export file lists ${failed} that could not be exported (FailedQuickConnects); they are not imported`,
    );
  }
  return input;
}

/** The plan as known before the target is read: a saved plan's (undo's is made from the target). */
export function knownPlan(src: ImportSource): Plan | undefined {
  return src.kind === "plan" ? src.plan.Plan : undefined;
}

/**
 * The plan, from whichever source the run has, and the target as read for it (empty when
 * nothing needed reading). Throws UsageError for a source that does not fit the target.
 * `driftCheck`: a dry run with --detailed-exitcode (compares even what `skip` leaves);
 * `quota`: --quick-connect-quota.
 */
export async function makePlan(
  ctx: RunContext,
  src: ImportSource,
  input: ImportInput,
  how: { driftCheck: boolean; quota?: number },
): Promise<{ plan: Plan; state: TargetState }> {
  if (src.kind === "undo") return await planFromUndo(ctx, src);
  if (src.kind === "file") return await planFromFile(ctx, src, input, how);
  return { plan: await checkSavedPlan(ctx, src.plan, src.file.shown), state: emptyTarget() };
}

/** Undo reverses a run on the target it ran on, as that target is now. */
async function planFromUndo(
  ctx: RunContext,
  src: Extract<ImportSource, { kind: "undo" }>,
): Promise<{ plan: Plan; state: TargetState }> {
  const where = src.report;
  if (where.InstanceId !== ctx.instanceId || where.Region !== ctx.region) {
    throw new UsageError(
      `Cannot undo with "${src.file.shown}": it describes a run on instance ${where.InstanceId} in ${where.Region}, not ${ctx.instanceId} in ${ctx.region}; a run is undone where it ran: drop --instance-id and --region (the file names them)`,
    );
  }
  ctx.logger.info("Reading the target as it is now...");
  const reading = { details: true, resolvesExisting: false, links: "all" } as const;
  const state = await readTarget(ctx, [], emptyMapping(), reading);
  return { plan: planUndo(where, state, { force: src.force ?? false }), state };
}

/**
 * An export file's plan, against the target read for it: read whole where updates and
 * pruning compare, with the links that adding (or pruning) them needs. A file with nothing
 * to import reads no target, unless --prune has to find what to delete.
 */
async function planFromFile(
  ctx: RunContext,
  src: Extract<ImportSource, { kind: "file" }>,
  input: ImportInput,
  how: { driftCheck: boolean; quota?: number },
): Promise<{ plan: Plan; state: TargetState }> {
  const log = ctx.logger;
  const { onConflict } = src;
  const valid = input.data.items.filter((it): it is ImportItem => !isInvalid(it));
  warnSameInstance(ctx, input.data.source);
  const scope = src.prune || src.pruneLinks ? pruneScope(log, src, input.data.filters) : undefined;
  // A drift check under skip compares the existing quick connects too: read them whole.
  const compare = onConflict === "update" || (onConflict === "skip" && how.driftCheck);
  let state = emptyTarget();
  if (valid.length > 0 || src.prune) {
    log.info("Fetching existing quick connects...");
    state = await readTarget(ctx, valid, input.mapping, {
      details: compare || (src.prune ?? false) || (src.pruneLinks ?? false),
      resolvesExisting: compare,
      links: src.prune ? "all" : src.pruneLinks ? "file" : "existing",
      routingProfiles: valid.some((it) => it.seenBy),
    });
    log.info(`Found ${plural(state.quickConnects.size, "existing quick connect")}`);
    logMemory(log, "the target read");
  }
  const plan = planImport({ ...input.data, mapping: input.mapping }, state, {
    onConflict,
    prune: src.prune,
    pruneLinks: src.pruneLinks,
    inScope: scope,
    compareSkipped: compare && onConflict === "skip",
    quota: how.quota,
  });
  return { plan, state };
}

/**
 * Importing a file into the instance it came from compares the instance with an earlier
 * copy of itself (and --prune would delete what was made since): most often a wrong
 * --instance-id. Instance IDs are unique, so a file without a Region matches on the ID.
 */
function warnSameInstance(ctx: RunContext, from: LoadedExport["source"]): void {
  const id = from?.instanceId ?? from?.instanceArn;
  if (id === undefined || instanceIdOf(id) !== ctx.instanceId) return;
  const region = from?.region ?? (from?.instanceArn ? regionOfArn(from.instanceArn) : undefined);
  if (region !== undefined && region !== ctx.region) return;
  const here = `${esc(ctx.instanceId)} in ${esc(ctx.region)}`;
  ctx.logger.warning(
    `The export file was exported from this same instance (${here}): the import compares the instance with an earlier copy of itself; check --instance-id`,
  );
}

function emptyTarget(): TargetState {
  return {
    quickConnects: new NameIndex(),
    unreadable: new Map(),
    directory: new Directory(),
    links: new Map(),
    linkErrors: new Map(),
    search: { available: true },
    readAt: Date.now(),
  };
}

/**
 * Which of the target's quick connects --prune and --prune-links may touch: those that
 * both the export file's own filters (what the export selected in the source) and this
 * import's select; logged. Undefined: every one.
 */
function pruneScope(
  log: Logger,
  src: Extract<ImportSource, { kind: "file" }>,
  fileFilters: Filters | undefined,
): ((qc: ListedQuickConnect) => boolean) | undefined {
  const given = src.filters && isFiltering(src.filters) ? src.filters : undefined;
  const flags = [src.prune ? "--prune" : "", src.pruneLinks ? "--prune-links" : ""]
    .filter(Boolean).join(" and ");
  const bounds = esc(
    [
      fileFilters ? `the export file's filters (${describeFilters(fileFilters)})` : "",
      given ? `this import's filters (${describeFilters(given)})` : "",
    ].filter(Boolean).join(" and "),
  );
  log.info(
    bounds === ""
      ? `${flags}: every quick connect of the target is considered (neither the export file nor this import is filtered)`
      : `${flags}: only the target's quick connects that ${bounds} select are considered`,
  );
  if (!fileFilters && !given) return undefined;
  // The export judged the source's tags as read, aws: ones too; the import's filters
  // cannot name aws: tags (lib/filters.ts parseTags).
  return (qc) =>
    (!fileFilters || selects(fileFilters, qc, qc.detail?.Tags ?? {})) &&
    (!given || selects(given, qc, userTags(qc.detail?.Tags)));
}

/** One whose type or tags are not known is not selected: it is left alone. */
function selects(filters: Filters, qc: ListedQuickConnect, tags: Record<string, string>): boolean {
  const d = qc.detail;
  if (!d && (filters.types.length > 0 || Object.keys(filters.tags).length > 0)) return false;
  const type = d?.QuickConnectConfig?.QuickConnectType;
  return matches(filters, { name: qc.name, type, tags: d ? tags : undefined });
}

/**
 * --prune deletes by absence, so a file with no quick connect in it (after its own
 * filters, or after this import's) says nothing of the source: it would delete every quick
 * connect in scope, as a wrong --instance-id on the export does. Refused before any call.
 */
export function checkPruneInput(
  data: LoadedExport,
  src: { shown: string; prune?: boolean; filters?: Filters },
): void {
  if (!src.prune) return;
  const shown = src.shown;
  const own = data.filters ? ` after its own filters (${describeFilters(data.filters)})` : "";
  const failed = data.failedExports > 0
    ? `; ${data.failedExports} could not be exported (FailedQuickConnects)`
    : "";
  if (data.items.length === 0) {
    const those = own ? " that those filters select" : "";
    throw new UsageError(
      `Refusing --prune: the export file "${shown}" is empty (no quick connects${own}${failed}): it would delete every quick connect of the target${those}; nothing was changed. Check the export's --instance-id and filters`,
    );
  }
  if (src.filters && isFiltering(src.filters)) {
    if (selectFileItems(src.filters, data.items).length > 0) return;
    const filters = describeFilters(src.filters);
    const all = plural(data.items.length, "quick connect");
    throw new UsageError(
      `Refusing --prune: the filters ${filters} select none of the ${all} in the export file "${shown}", so the selection is empty: it would delete every quick connect of the target that the filters select; nothing was changed`,
    );
  }
}
