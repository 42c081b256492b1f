/**
 * Warnings about names an agent could mistake for each other (lib/names.ts): names in the
 * file that differ only in case (both are imported), a file name and a target name that
 * differ only in case (two quick connects), a file name that matched the target's in
 * another Unicode spelling (the target's is kept), and target names that are one name
 * under NFC (left over from a tool that did not compare them so).
 */
import type { ListedQuickConnect } from "../aws/reads.ts";
import { esc } from "../log.ts";
import { NameIndex } from "../names.ts";
import type { ImportItem } from "./input.ts";

/** Connect's handling of case in names is not documented (docs/live-service.md §4). */
const TAKEN =
  " (if Amazon Connect counts them as one name, creating the second fails as a taken name)";
const q = (name: string) => `"${esc(name)}"`;
const and = (names: readonly string[]) =>
  names.length <= 2
    ? names.join(" and ")
    : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;

export function lookAlikeWarnings(
  items: readonly ImportItem[],
  target: NameIndex<ListedQuickConnect>,
): string[] {
  const out: string[] = [];
  const file = new NameIndex(items);
  for (const group of file.caseGroups()) {
    out.push(
      `Quick connects ${
        and(group.map((it) => `${q(it.name)} (item ${it.index})`))
      } of the export file differ only in case, which agents may confuse: this tool imports them as separate quick connects${TAKEN}`,
    );
  }
  for (const it of items) {
    const ex = target.get(it.name);
    if (ex && ex.name !== it.name) {
      out.push(
        `Quick connect ${q(it.name)} (item ${it.index}) of the export file is ${
          q(ex.name)
        } (${ex.id}) in the target, spelled in another Unicode form: it is matched to it, and the target's spelling is kept`,
      );
    }
    // A look-alike that the file names too is reported as a pair of the file, above.
    const others = target.caseVariants(it.name).filter((qc) => !file.has(qc.name));
    if (others.length > 0) {
      out.push(
        `Quick connect ${q(it.name)} (item ${it.index}) of the export file and ${
          and(others.map((qc) => `${q(qc.name)} (${qc.id})`))
        } in the target differ only in case, which agents may confuse: this tool takes them for separate quick connects${TAKEN}`,
      );
    }
  }
  for (const group of target.sameNameGroups()) {
    const first = group[0]?.name ?? "";
    const item = file.get(first);
    const matched = item ? target.get(item.name) : undefined;
    out.push(
      `The target has ${group.length} quick connects named ${
        q(first)
      } in different Unicode spellings (${group.map((qc) => qc.id).join(", ")})${
        matched && item ? `: item ${item.index} of the export file matches ${matched.id}` : ""
      }`,
    );
  }
  return out;
}
