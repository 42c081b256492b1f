/**
 * The CLI tests' usual import: a target with two standard queues and an export file of N
 * phone-number quick connects ("Line 00", "Line 01", …), each linked to one of the queues.
 */
import type { FixtureInput } from "../../emulator/testing.ts";

export function linesTarget(id: string): FixtureInput {
  return {
    Instances: [{
      Id: id,
      Alias: "target",
      Region: "us-east-1",
      AccountId: "123456789012",
      Queues: [{ Id: "q-support", Name: "Support" }, { Id: "q-sales", Name: "Sales" }],
    }],
  };
}

export function linesExport(
  n: number,
  opts: { descriptions?: boolean; queues?: boolean } = {},
) {
  return {
    FormatVersion: 2,
    QuickConnects: Array.from({ length: n }, (_, i) => ({
      QuickConnect: {
        QuickConnectId: `src-${i}`,
        Name: `Line ${String(i).padStart(2, "0")}`,
        Description: opts.descriptions && i % 2 ? `Line number ${i}` : undefined,
        QuickConnectConfig: {
          QuickConnectType: "PHONE_NUMBER",
          PhoneConfig: { PhoneNumber: `+1415555${String(1000 + i)}` },
        },
      },
      Tags: { Index: String(i) },
      ExportTimestamp: "2026-01-01T00:00:00Z",
      Queues: opts.queues === false ? [] : [{ Id: "src-q-1", Name: i % 3 ? "Support" : "Sales" }],
    })),
  };
}
