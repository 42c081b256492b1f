/**
 * `--verify`: reads the target again after the run and checks every item that did not
 * fail against the file: it exists, its description, config (after mapping) and tags are
 * the file's, and it is linked to each of its queues. Skipped items are checked too, so a
 * second run with `--verify` tells whether the target still matches the file.
 */
import type { VerifyResult } from "./import_report.ts";
import { verifyDifferences } from "./import_report.ts";
import type { ImportItem } from "./import_schema.ts";
import { describeError, isFatalForRun } from "./errors.ts";
import { checkpoint, type ImportRun } from "./import_run.ts";
import { isInterrupted } from "./limiter.ts";
import { esc } from "./log.ts";
import { diffQuickConnect } from "./qc_diff.ts";
import { resolveConfig, resolveQueue } from "./resolve.ts";

export async function verify(run: ImportRun, items: readonly ImportItem[]): Promise<VerifyResult> {
  const log = run.logger;
  const result: VerifyResult = { Checked: 0, Differences: [] };
  const toCheck = items.filter((it) => {
    const o = run.outcomes.get(it.index);
    return o !== undefined && o.Action !== "failed";
  });
  log.info(`Verifying ${toCheck.length} quick connects in the target...`);
  checkpoint(run);
  run.target.forgetDetails();
  const existing = await run.target.quickConnects(true);
  const queues = toCheck.some((it) => it.queues.length > 0) ? await run.target.queues() : [];

  // The queue links of every queue any checked item names, read once.
  const queueOf = new Map<string, string>();
  for (const it of toCheck) {
    for (const src of it.queues) {
      const r = resolveQueue(queues, run.mapping, src.Id, src.Name);
      if (r.ok && r.value.Id) queueOf.set(`${it.index}/${src.Id}`, r.value.Id);
    }
  }
  checkpoint(run);
  const { links, failed } = await run.target.associations([...new Set(queueOf.values())], {
    fresh: true,
  });

  const diffsBefore = () => result.Differences.length;
  for (const it of toCheck) {
    checkpoint(run);
    const before = diffsBefore();
    const add = (field: string, expected: string, actual: string) =>
      result.Differences.push({ Name: it.name, Field: field, Expected: expected, Actual: actual });
    result.Checked++;
    const ex = existing.get(it.name);
    if (!ex) {
      add("QuickConnect", "present", "missing");
    } else {
      let config = run.resolved.get(it.index);
      if (!config) {
        const r = await resolveConfig(it, run.target, run.mapping);
        if (r.ok) config = r.value;
        else add("References", "resolvable", r.error);
      }
      if (config) {
        let have;
        try {
          have = await run.target.detail(ex.id);
        } catch (err) {
          if (isInterrupted(err) || isFatalForRun(err)) throw err;
          add("QuickConnect", "readable", `could not be read: ${describeError(err)}`);
        }
        if (have) {
          result.Differences.push(
            ...verifyDifferences(
              it.name,
              diffQuickConnect({ description: it.description, config, tags: it.tags }, have),
            ),
          );
        }
      }
      for (const src of it.queues) {
        const qid = queueOf.get(`${it.index}/${src.Id}`);
        const label = `Queue '${src.Name ?? src.Id}'`;
        if (!qid) add(label, "linked", "queue not found in target");
        else if (failed.has(qid)) add(label, "linked", "links could not be read");
        else if (!links.get(qid)?.has(ex.id)) add(label, "linked", "not linked");
      }
    }
    for (const d of result.Differences.slice(before)) {
      log.error(
        `Verify: ${esc(d.Name)}: ${esc(d.Field)}: expected ${esc(d.Expected)}, found ${
          esc(d.Actual)
        }`,
      );
    }
  }
  if (result.Differences.length === 0) {
    log.info(`Verification passed: ${result.Checked} quick connects match the export file`);
  } else {
    const names = new Set(result.Differences.map((d) => d.Name)).size;
    log.error(
      `Verification found ${result.Differences.length} differences in ${names} quick connects`,
    );
  }
  return result;
}
