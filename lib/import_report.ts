/**
 * The outcome of an import: one record per item of the file, the queue-link counts, the
 * seed's three summary numbers and the `--report FILE` JSON (DESIGN.md "Import report").
 */
import { writeJsonAtomic } from "./export_file.ts";
import type { Difference } from "./qc_diff.ts";
import { TOOL_NAME, VERSION } from "./version.ts";

export type Action =
  | "created"
  | "updated"
  | "unchanged"
  | "skipped"
  | "failed"
  | "would-create"
  | "would-update";

export interface ItemOutcome {
  /** Position in the file's QuickConnects array. */
  Index: number;
  Name: string | null;
  SourceId: string | null;
  Action: Action;
  TargetId: string | null;
  Error: string | null;
  /** What an update changed, or would change: description, config, tags. */
  Changes?: string[];
}

export interface AssociationCounts {
  Added: number;
  AlreadyPresent: number;
  Failed: number;
  /** One line per failed or unresolvable link (queue, reason). */
  Errors: string[];
}

export interface VerifyResult {
  Checked: number;
  Differences: { Name: string; Field: string; Expected: string; Actual: string }[];
}

export interface Summary {
  Created: number;
  Updated: number;
  Unchanged: number;
  Skipped: number;
  Failed: number;
}

export interface ImportReport {
  Tool: string;
  ToolVersion: string;
  InstanceId: string;
  Region: string;
  ExportFile: string;
  StartedAt: string;
  FinishedAt: string;
  DryRun: boolean;
  OnConflict: string;
  /** True when Ctrl-C/SIGTERM stopped the run; items not reached are failed with a reason. */
  Interrupted: boolean;
  ExitCode: number;
  Summary: Summary;
  Items: ItemOutcome[];
  Associations: AssociationCounts;
  Verify?: VerifyResult;
  /** Mapping entries that matched nothing, dropped aws: tags and the like. */
  Warnings: string[];
}

/** Dry-run actions count where the real ones would: would-create as Created, and so on. */
export function summarize(items: readonly ItemOutcome[]): Summary {
  const s: Summary = { Created: 0, Updated: 0, Unchanged: 0, Skipped: 0, Failed: 0 };
  for (const it of items) {
    switch (it.Action) {
      case "created":
      case "would-create":
        s.Created++;
        break;
      case "updated":
      case "would-update":
        s.Updated++;
        break;
      case "unchanged":
        s.Unchanged++;
        break;
      case "skipped":
        s.Skipped++;
        break;
      case "failed":
        s.Failed++;
    }
  }
  return s;
}

/** The seed's `Successful` / `Failed` / `Skipped`. */
export function seedCounts(s: Summary): { successful: number; failed: number; skipped: number } {
  return {
    successful: s.Created + s.Updated,
    failed: s.Failed,
    skipped: s.Skipped + s.Unchanged,
  };
}

export function emptyAssociations(): AssociationCounts {
  return { Added: 0, AlreadyPresent: 0, Failed: 0, Errors: [] };
}

export function verifyDifferences(
  name: string,
  diffs: readonly Difference[],
): VerifyResult["Differences"] {
  return diffs.map((d) => ({ Name: name, Field: d.field, Expected: d.expected, Actual: d.actual }));
}

export function newReport(
  init: Pick<ImportReport, "InstanceId" | "Region" | "ExportFile" | "DryRun" | "OnConflict">,
): ImportReport {
  const now = new Date().toISOString();
  return {
    Tool: TOOL_NAME,
    ToolVersion: VERSION,
    ...init,
    StartedAt: now,
    FinishedAt: now,
    Interrupted: false,
    ExitCode: 0,
    Summary: { Created: 0, Updated: 0, Unchanged: 0, Skipped: 0, Failed: 0 },
    Items: [],
    Associations: emptyAssociations(),
    Warnings: [],
  };
}

export async function writeReport(path: string, report: ImportReport): Promise<void> {
  await writeJsonAtomic(path, report);
}
