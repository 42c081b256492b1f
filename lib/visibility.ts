/**
 * Which routing profiles, so which agents, see a quick connect when they transfer: those that
 * hold a queue it is linked to, the default outbound queue counting as one of theirs
 * (docs/connect-api.md §11). Pure: export says who sees it in the source, import who will in
 * the target, and where the target loses visibility the source had.
 */
import type { SeenBy } from "./export_file.ts";
import { esc, someOf } from "./log.ts";

/**
 * The warning for quick connects no routing profile sees (`verb`: "sees" in the source,
 * "of the target will see" for an import); none: no line.
 */
export function nobodySees(names: readonly string[], verb: string): string | undefined {
  const one = names.length === 1;
  if (names.length === 0) return undefined;
  return `No routing profile ${verb} ${
    one ? "quick connect" : `these ${names.length} quick connects`
  } ${someOf(names.map((n) => `"${esc(n)}"`), 20)}: no agent can transfer with ${
    one ? "it" : "them"
  }`;
}

/** A routing profile as visibility needs it (lib/aws/reads.ts readRoutingProfiles). */
export interface RoutingProfileView {
  id: string;
  name: string;
  /** Its queues and its default outbound queue. */
  queueIds: readonly string[];
  /** Its NumberOfAssociatedUsers. */
  agents: number;
}

/**
 * Per quick connect, keyed as in `links` (ID or name), the routing profiles that see it in
 * name order, with the queues it is seen through (keyed as in `links`). `links`: queue ID →
 * the quick connects linked to it. A quick connect that no routing profile sees is absent.
 */
export function whoSees(
  profiles: readonly RoutingProfileView[],
  links: ReadonlyMap<string, ReadonlySet<string>>,
): Map<string, SeenBy[]> {
  const seen = new Map<string, SeenBy[]>();
  for (const p of [...profiles].sort((a, b) => a.name.localeCompare(b.name))) {
    const through = new Map<string, string[]>();
    for (const queue of new Set(p.queueIds)) {
      for (const qc of links.get(queue) ?? []) {
        through.get(qc)?.push(queue) ?? through.set(qc, [queue]);
      }
    }
    for (const [qc, queues] of through) {
      const by = { Name: p.name, Agents: p.agents, Queues: queues };
      seen.get(qc)?.push(by) ?? seen.set(qc, [by]);
    }
  }
  return seen;
}

/** A quick connect that routing profiles which saw it in the source will not see in the target. */
interface VisibilityLoss {
  name: string;
  /** Those routing profiles, by name. */
  lost: string[];
  /** Why, one per routing profile: `'Sales Agents' does not exist in the target`. */
  why: string[];
  /** `Sales Hotline: seen in the source by 'Sales Agents' (12 agents); in the target by none — …` */
  message: string;
}

const who = (seen: readonly SeenBy[]): string =>
  seen.length === 0
    ? "none"
    : seen.map((s) => `'${s.Name}' (${s.Agents} agent${s.Agents === 1 ? "" : "s"})`).join(", ");

/** Who sees one quick connect, by routing profile name: in the source, and in the target. */
export interface ItemVisibility {
  name: string;
  source: string[];
  target: string[];
  loss?: VisibilityLoss;
}

/**
 * Per quick connect of `source` (its name → who saw it there: the export file's
 * RoutingProfiles, queues by name), who sees it on each side and where the target loses
 * visibility the source had. `target`: the target's routing profiles; `links`: target queue
 * ID → the names of the quick connects linked to it once the plan is applied. Routing
 * profiles are matched by name.
 */
export function visibility(
  source: ReadonlyMap<string, readonly SeenBy[]>,
  target: readonly RoutingProfileView[],
  links: ReadonlyMap<string, ReadonlySet<string>>,
): ItemVisibility[] {
  const after = whoSees(target, links);
  const exists = new Set(target.map((p) => p.name));
  return [...source].map(([name, before]) => {
    const now = after.get(name) ?? [];
    const item = { name, source: before.map((s) => s.Name), target: now.map((s) => s.Name) };
    const lost = before.filter((s) => !now.some((n) => n.Name === s.Name));
    if (lost.length === 0) return item;
    const why = lost.map((s) =>
      !exists.has(s.Name)
        ? `'${s.Name}' does not exist in the target`
        : `'${s.Name}' has none of its queues${
          s.Queues.length ? ` (${s.Queues.map((q) => `'${q}'`).join(", ")})` : ""
        }`
    );
    const message = `${name}: seen in the source by ${who(before)}; in the target by ${
      who(now)
    } — ${why.join("; ")}`;
    return { ...item, loss: { name, lost: lost.map((s) => s.Name), why, message } };
  });
}
