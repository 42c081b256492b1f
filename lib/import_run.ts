/**
 * The state one import run shares between its phases (plan, apply, associate, verify):
 * the target, the mapping, every item's outcome so far and the interruption check.
 */
import type { ConnectClient, QuickConnectConfig } from "@aws-sdk/client-connect";
import type { ImportItem } from "./import_schema.ts";
import type { ItemOutcome } from "./import_report.ts";
import { InterruptedError } from "./limiter.ts";
import type { Logger } from "./log.ts";
import type { Mapping } from "./mapping.ts";
import type { Target } from "./target.ts";

export type OnConflict = "skip" | "update" | "fail";
export const ON_CONFLICT = ["skip", "update", "fail"] as const;

/** A write the plan calls for. */
export interface PlannedWrite {
  item: ImportItem;
  kind: "create" | "update";
  /** The config with every reference resolved to the target's IDs. */
  config: QuickConnectConfig;
  /** For updates: the quick connect being updated, as read before the run. */
  existing?: { id: string; arn?: string; tags: Record<string, string> };
  parts?: ("description" | "config" | "tags")[];
}

export interface ImportRun {
  client: ConnectClient;
  instanceId: string;
  region: string;
  endpoint?: string;
  logger: Logger;
  target: Target;
  mapping: Mapping;
  dryRun: boolean;
  onConflict: OnConflict;
  signal?: AbortSignal;
  /** Every item's outcome, by its index in the file. */
  outcomes: Map<number, ItemOutcome>;
  /** The target config each item resolved to (verify compares against it). */
  resolved: Map<number, QuickConnectConfig>;
  warnings: string[];
  /** Called after each create or update (the entrypoint draws a progress bar on a TTY). */
  onProgress?: (done: number, total: number) => void;
}

/** Throws InterruptedError once Ctrl-C was pressed: called before every new call. */
export function checkpoint(run: Pick<ImportRun, "signal">): void {
  if (run.signal?.aborted) throw new InterruptedError("interrupted");
}

export function outcome(
  item: Pick<ImportItem, "index" | "name" | "sourceId">,
  action: ItemOutcome["Action"],
  extra: Partial<Pick<ItemOutcome, "TargetId" | "Error" | "Changes">> = {},
): ItemOutcome {
  return {
    Index: item.index,
    Name: item.name,
    SourceId: item.sourceId ?? null,
    Action: action,
    TargetId: extra.TargetId ?? null,
    Error: extra.Error ?? null,
    ...(extra.Changes ? { Changes: extra.Changes } : {}),
  };
}
