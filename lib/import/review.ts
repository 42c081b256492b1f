/**
 * The review file (`--review FILE`, and `$GITHUB_STEP_SUMMARY` when set): a plan as Markdown
 * for a change ticket or a pull request. Totals, then each update with its fields old → new
 * (users, queues and flows by name), the creates, the deletes, the link changes by queue,
 * the warnings. A section lists its items one by one up to a point, then by count, so the
 * file stays readable at 100 quick connects and short at 10,000.
 */
import { someOf } from "../log.ts";
import { fieldLabel } from "./diff.ts";
import type { Plan, PlanEntry } from "./plan.ts";

/** How many entries a section lists one by one before it only counts the rest. */
const LISTED = 50;

/** Markdown text of a table cell: no pipe or newline may break the table. */
const cell = (v: string) => v.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\s+/g, " ");
const code = (v: string) => "`" + v.replace(/`/g, "'") + "`";

function listed<T>(items: readonly T[], line: (t: T) => string): string[] {
  const out = items.slice(0, LISTED).map(line);
  if (items.length > LISTED) {
    out.push(`- … and ${items.length - LISTED} more (the report lists them all)`);
  }
  return out;
}

function section(title: string, count: number, lines: string[]): string[] {
  return count === 0 ? [] : ["", `## ${title} (${count})`, "", ...lines];
}

function updates(entries: readonly Extract<PlanEntry, { kind: "update" }>[]): string[] {
  return entries.slice(0, LISTED).flatMap((e) => [
    `### ${e.item.name}`,
    "",
    "| Field | Now | After |",
    "| --- | --- | --- |",
    ...e.changes.map((d) =>
      `| ${cell(fieldLabel(d.field))} | ${cell(d.actual)} | ${cell(d.expected)} |`
    ),
    "",
  ]).concat(entries.length > LISTED ? [`… and ${entries.length - LISTED} more updates`] : []);
}

/** Where a create sends a transfer: the number, or the user, queue and flow by their source names. */
function target(e: Extract<PlanEntry, { kind: "create" }>): string {
  const r = e.item.references;
  const parts = [
    e.config.PhoneConfig?.PhoneNumber,
    r.User?.Username && `user '${r.User.Username}'`,
    r.Queue?.Name && `queue '${r.Queue.Name}'`,
    r.ContactFlow?.Name && `flow '${r.ContactFlow.Name}'`,
  ].filter(Boolean);
  return parts.length > 0 ? `: ${parts.join(", ")}` : "";
}

/** Creates by type, then by name: at 10,000 the counts say what the names cannot. */
function creates(entries: readonly Extract<PlanEntry, { kind: "create" }>[]): string[] {
  const byType = new Map<string, number>();
  for (const e of entries) {
    const t = String(e.config.QuickConnectType);
    byType.set(t, (byType.get(t) ?? 0) + 1);
  }
  return [
    [...byType].map(([t, n]) => `${n} ${t}`).join(", "),
    "",
    ...listed(entries, (e) => `- ${code(e.item.name)} (${e.config.QuickConnectType}${target(e)})`),
  ];
}

/** One row a queue: the links added and removed (a deleted quick connect's among them). */
function links(plan: Plan): string[] {
  const rows = new Map<string, { add: string[]; remove: string[] }>();
  const row = (queue: string) =>
    rows.get(queue) ?? rows.set(queue, { add: [], remove: [] }).get(queue)!;
  for (const q of plan.links) row(q.queueName).add.push(...q.add.map((l) => l.name));
  for (const q of plan.unlinks) row(q.queueName).remove.push(...q.remove.map((r) => r.name));
  for (const d of plan.deletes) for (const q of d.queues) row(q.queueName).remove.push(d.name);
  return [
    "| Queue | Add | Remove |",
    "| --- | --- | --- |",
    ...[...rows].slice(0, LISTED).map(([queue, r]) =>
      `| ${cell(queue)} | ${cell(someOf(r.add, 20))} | ${cell(someOf(r.remove, 20))} |`
    ),
    ...(rows.size > LISTED ? [`… and ${rows.size - LISTED} more queues`] : []),
  ];
}

/** Agents who see a quick connect in the source and will not in the target (routing profiles). */
function visibility(plan: Plan): string[] {
  const v = plan.visibility;
  if (!v) return [];
  if (!Array.isArray(v)) return ["", `Who will see them was not checked: ${v.denied}`];
  const lost = v.flatMap((i) => i.loss ? [i.loss.message] : []);
  const unseen = v.filter((i) => i.target.length === 0).map((i) => code(i.name));
  return [
    ...section("Agents who lose a quick connect", lost.length, listed(lost, (m) => `- ${m}`)),
    ...(unseen.length > 0
      ? [
        "",
        `No routing profile of the target will see: ${someOf(unseen, LISTED)}.`,
      ]
      : []),
  ];
}

export function reviewMarkdown(
  plan: Plan,
  about: { instanceId: string; region: string; source: string; onConflict?: string; title: string },
): string {
  const of = <K extends PlanEntry["kind"]>(k: K) =>
    plan.entries.filter((e): e is Extract<PlanEntry, { kind: K }> => e.kind === k);
  const [create, update, fail] = [of("create"), of("update"), of("fail")];
  const linkCount = plan.links.reduce((n, q) => n + q.add.length, 0);
  // A quick connect is unlinked before it is deleted: those links go too.
  const unlinkCount = plan.unlinks.reduce((n, q) => n + q.remove.length, 0) +
    plan.deletes.reduce((n, d) => n + d.queues.length, 0);
  const lines = [
    `# ${about.title}`,
    "",
    `Instance ${code(about.instanceId)} in ${code(about.region)}, from ${code(about.source)}` +
    (about.onConflict ? `, --on-conflict ${about.onConflict}.` : "."),
    "",
    "| Create | Update | Delete | Unchanged | Skip | Fail | Links to add | Links to remove |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    `| ${create.length} | ${update.length} | ${plan.deletes.length} | ${
      of("unchanged").length
    } | ` +
    `${of("skip").length} | ${fail.length} | ${linkCount} | ${unlinkCount} |`,
    ...section("Updates", update.length, updates(update)),
    ...section("Creates", create.length, creates(create)),
    ...section(
      "Deletes",
      plan.deletes.length,
      listed(plan.deletes, (d) => `- ${code(d.name)} (${d.targetId})`),
    ),
    ...section(
      "Queue links",
      linkCount + unlinkCount === 0 ? 0 : new Set([
        ...plan.links.map((q) => q.queueId),
        ...plan.unlinks.map((q) => q.queueId),
        ...plan.deletes.flatMap((d) => d.queues.map((q) => q.queueId)),
      ]).size,
      links(plan),
    ),
    ...section(
      "Failures",
      fail.length,
      listed(fail, (e) => `- ${code(e.item.name ?? `#${e.item.index}`)}: ${e.reason}`),
    ),
    ...visibility(plan),
    ...section("Warnings", plan.warnings.length, listed(plan.warnings, (w) => `- ${w}`)),
  ];
  return lines.join("\n") + "\n";
}
