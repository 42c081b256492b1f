/**
 * The export file, format version 2: the seed tool's layout (same names, same meaning)
 * plus what a name-based import needs. A seed file is a format-2 file without the
 * additions, so both import through the same reader.
 */
import type { QuickConnectConfig } from "@aws-sdk/client-connect";

export const FORMAT_VERSION = 2;

/** The resources a quick connect's config points to, with their names in the source. */
export interface ExportedReferences {
  User?: { Id: string; Username?: string };
  Queue?: { Id: string; Name?: string };
  ContactFlow?: { Id: string; Name?: string; Type?: string };
}

interface ExportedQuickConnect {
  QuickConnectId: string;
  QuickConnectARN?: string;
  Name: string;
  Description?: string;
  QuickConnectConfig: QuickConnectConfig;
  LastModifiedTime?: string;
  LastModifiedRegion?: string;
}

/** A routing profile whose agents see the quick connect (lib/visibility.ts), in the source. */
export interface SeenBy {
  Name: string;
  /** Its NumberOfAssociatedUsers. */
  Agents: number;
  /** The quick connect's queues it holds, by name (ID where the name is unknown). */
  Queues: string[];
}

export interface ExportedItem {
  QuickConnect: ExportedQuickConnect;
  Tags: Record<string, string>;
  ExportTimestamp: string;
  References?: ExportedReferences;
  /** Standard queues of the source instance this quick connect is associated with. */
  Queues?: { Id: string; Name?: string }[];
  /** Who sees it in the source, by name; absent when routing profiles or links were not read. */
  RoutingProfiles?: SeenBy[];
}

export interface FailedExport {
  QuickConnectId: string;
  Name: string;
  Error: string;
}

/** The export's filters, all four members written (an empty one selects by nothing). */
export interface ExportFilters {
  Include: string[];
  Exclude: string[];
  Types: string[];
  Tags: Record<string, string>;
}

export interface ExportFile {
  FormatVersion: number;
  Tool: string;
  ToolVersion: string;
  InstanceId: string;
  InstanceArn?: string;
  Region: string;
  ExportTimestamp: string;
  /** Present only when filtered (counts and items are then the selected ones); null: all. */
  Filters?: ExportFilters | null;
  TotalQuickConnects: number;
  SuccessfulExports: number;
  FailedExports: number;
  QuickConnects: ExportedItem[];
  FailedQuickConnects: FailedExport[];
}

/** ISO-8601 UTC without milliseconds, as the seed wrote it: `2024-01-15T14:30:25Z`. */
export function isoTimestamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}
