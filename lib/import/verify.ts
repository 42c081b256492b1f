/**
 * `--verify`: reads the target again after the run and checks every item that did not
 * fail against the file, by planning the file once more against what the target holds now
 * (as `--on-conflict update` would): an item that would be created is missing, an item
 * that would be updated differs in the fields of its changes, a link still to add is
 * missing. Skipped items are checked too, so a second run with `--verify` tells whether
 * the target still matches the file. Differences are read again for a while before they
 * are reported, since the service lists changes with a delay.
 */
import type { RunContext } from "../context.ts";
import { esc, plural } from "../log.ts";
import { checkpoint, pause } from "./wait.ts";
import type { ImportItem } from "./input.ts";
import type { Mapping } from "./mapping.ts";
import { type Plan, type PlanEntry, planImport, planVisibility } from "./plan.ts";
import type { VerifyResult } from "./report.ts";
import { readTarget, type TargetState } from "./target.ts";

type Difference = VerifyResult["Differences"][number];

/**
 * `skipped`: items the run left alone because they existed (--on-conflict skip). What
 * differs there is the user's choice, not a failure: it is listed apart.
 */
export async function verifyImport(
  ctx: RunContext,
  items: readonly ImportItem[],
  mapping: Mapping,
  signal: AbortSignal | undefined,
  waitMs: number,
  skipped: ReadonlySet<number> = new Set(),
): Promise<VerifyResult> {
  const log = ctx.logger;
  log.info(`Verifying ${plural(items.length, "quick connect")} in the target...`);
  const seen = visibilityNow(items);
  const first = await differences(ctx, items, mapping, signal, seen);
  // What a run just did may not be listed yet (eventual consistency): the items that differ
  // are read again after a while, and only what still differs is reported. A skipped item
  // was not changed by the run: what it differs in now, it differs in for good.
  const kept = [...first].filter(([i]) => skipped.has(i));
  let found = new Map([...first].filter(([i]) => !skipped.has(i)));
  const deadline = performance.now() + waitMs;
  for (let delay = 1000; found.size > 0 && performance.now() < deadline; delay *= 2) {
    const wait = Math.min(delay, Math.max(0, deadline - performance.now()));
    const differ = plural(found.size, "quick connect differs", "quick connects differ");
    const s = (wait / 1000).toFixed(1);
    log.info(
      `${differ} from the file; reading them again in ${s} s, in case the service is still catching up`,
    );
    await pause(wait, signal);
    const again = items.filter((it) => found.has(it.index));
    found = await differences(ctx, again, mapping, signal, seen);
  }

  const result = sortOut(log, items, new Map([...found, ...kept]), skipped);
  logVerdict(log, result);
  const parity = seen && logParity(log, seen.now());
  return parity ? { ...result, Visibility: parity } : result;
}

/**
 * Who sees each quick connect now, where the file says who saw it in the source: the routing
 * profiles read once, with the first read; the links as last read (a re-read is fresher).
 */
function visibilityNow(items: readonly ImportItem[]) {
  if (!items.some((it) => it.seenBy)) return undefined;
  let first: TargetState | undefined;
  const entries = new Map<number, PlanEntry>();
  return {
    first: () => first === undefined,
    read(state: TargetState, fresh: Plan) {
      if (first) { for (const [queue, ids] of state.links) first.links.set(queue, ids); }
      first ??= state;
      for (const e of fresh.entries) entries.set(e.item.index, e);
    },
    now: () => first && planVisibility([...entries.values()], first),
  };
}

/** Visibility parity with the source: the same routing profiles, by name, see each one. */
function logParity(
  log: RunContext["logger"],
  now: Plan["visibility"],
): VerifyResult["Visibility"] {
  // Denied: the plan's check has said so once already.
  if (!Array.isArray(now)) return undefined;
  const key = (names: string[]) => [...names].sort().join("\u0000");
  const who = (names: string[]) => names.map((n) => `'${esc(n)}'`).join(", ") || "none";
  const differ = now.filter((v) => key(v.source) !== key(v.target));
  for (const v of differ) {
    const [source, target] = [who(v.source), who(v.target)];
    log.warning(
      `Verify: ${esc(v.name)}: seen in the source by ${source}; in the target by ${target}`,
    );
  }
  if (differ.length === 0) {
    const are = plural(now.length, "quick connect is", "quick connects are");
    log.info(`Visibility parity: ${are} seen by the same routing profiles as in the source`);
  }
  return {
    Checked: now.length,
    Differences: differ.map((v) => ({ Name: v.name, Source: v.source, Target: v.target })),
  };
}

/** What still differs, item by item; what skipped items differ in is listed apart. */
function sortOut(
  log: RunContext["logger"],
  items: readonly ImportItem[],
  found: Map<number, Difference[]>,
  skipped: ReadonlySet<number>,
): VerifyResult {
  const result: VerifyResult = { Checked: items.length, Differences: [] };
  for (const it of items) {
    let diffs = found.get(it.index) ?? [];
    if (skipped.has(it.index)) {
      // One that could not be read was not checked at all: that stays a failure.
      const apart = diffs.filter((d) => d.Expected !== "readable");
      diffs = diffs.filter((d) => d.Expected === "readable");
      if (apart.length > 0) {
        const fields = [...new Set(apart.map((d) => d.Field))];
        (result.Skipped ??= []).push({ Name: it.name, Fields: fields });
        const shown = fields.map(esc).join(", ");
        log.warning(`Verify: ${esc(it.name)}: skipped: differs from the export in ${shown}`);
      }
    }
    for (const d of diffs) {
      result.Differences.push(d);
      const [name, field, expected, actual] = [d.Name, d.Field, d.Expected, d.Actual].map(esc);
      log.error(`Verify: ${name}: ${field}: expected ${expected}, found ${actual}`);
    }
  }
  return result;
}

function logVerdict(log: RunContext["logger"], result: VerifyResult): void {
  const skipped = result.Skipped?.length ?? 0;
  if (result.Differences.length === 0) {
    const differ = plural(skipped, "skipped one differs", "skipped ones differ");
    const apart = skipped ? ` (${differ}; --on-conflict update would change them)` : "";
    const match = plural(result.Checked - skipped, "quick connect matches", "quick connects match");
    log.info(`Verification passed: ${match} the export file${apart}`);
  } else {
    const found = plural(result.Differences.length, "difference");
    const names = plural(new Set(result.Differences.map((d) => d.Name)).size, "quick connect");
    log.error(`Verification found ${found} in ${names}`);
  }
}

/** The differences of each item (by index) from the target as it is now; none: absent. */
async function differences(
  ctx: RunContext,
  items: readonly ImportItem[],
  mapping: Mapping,
  signal?: AbortSignal,
  seen?: ReturnType<typeof visibilityNow>,
): Promise<Map<number, Difference[]>> {
  checkpoint(signal);
  const state = await readTarget(ctx, items, mapping, {
    details: true,
    resolvesExisting: true,
    routingProfiles: seen?.first(),
  });
  checkpoint(signal);
  const fresh = planImport({ items, mapping }, state, { onConflict: "update" });
  seen?.read(state, fresh);

  const byItem = new Map<number, Difference[]>();
  const add = (index: number, name: string, field: string, expected: string, actual: string) => {
    const list = byItem.get(index) ?? [];
    list.push({ Name: name, Field: field, Expected: expected, Actual: actual });
    byItem.set(index, list);
  };
  for (const e of fresh.entries) {
    const { index, name } = e.item;
    if (name === undefined) continue;
    if (e.kind === "create") add(index, name, "QuickConnect", "present", "missing");
    else if (e.kind === "update") {
      for (const d of e.changes) add(index, name, d.field, d.expected, d.actual);
    } else if (e.kind === "fail" && e.cause === "unresolved") {
      add(index, name, "References", "resolvable", e.reason);
    } else if (e.kind === "fail" && e.cause === "unreadable") {
      const why = state.unreadable.get(e.targetId ?? "") ?? "not read";
      add(index, name, "QuickConnect", "readable", `could not be read: ${why}`);
    }
  }
  const exists = new Set(fresh.entries.filter((e) => e.kind !== "create").map((e) => e.item.index));
  for (const p of fresh.linkProblems) {
    if (!exists.has(p.index)) continue;
    const actual = p.reason === "unresolved"
      ? "queue not found in target"
      : "links could not be read";
    add(p.index, p.name, `Queue '${p.source}'`, "linked", actual);
  }
  for (const q of fresh.links) {
    for (const l of q.add) {
      if (exists.has(l.index)) add(l.index, l.name, `Queue '${l.source}'`, "linked", "not linked");
    }
  }
  return byItem;
}
