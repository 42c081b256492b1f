/**
 * When two quick connect names are the same name. Agents pick a quick connect by name
 * from a list, so names that render alike must not become two quick connects: names
 * equal under Unicode normalization (NFC) are one name everywhere this tool compares
 * them (duplicates in a file, matching the target, pruning, undo, saved plans, filters).
 * Case still tells names apart, as Connect's own uniqueness check may (its handling of
 * case is not documented): names that differ only in case are warned about, not merged.
 */

/** The form names are compared in: NFC, so "é" and "e" + U+0301 are one name. */
export const nameKey = (name: string): string => name.normalize("NFC");

/**
 * Equal for names that differ only in case (and form). Upper then lower case folds most
 * of what full case folding does without a table (ß and SS, ς and σ meet).
 */
export const caseKey = (name: string): string => nameKey(nameKey(name).toUpperCase().toLowerCase());

export const sameName = (a: string, b: string): boolean => a === b || nameKey(a) === nameKey(b);

/** Whether a text reads the same in every Unicode form (so a byte compare cannot miss). */
export const hasOneForm = (text: string): boolean =>
  text.normalize("NFC") === text.normalize("NFD");

/**
 * Things with names, looked up by name as this tool compares names: the exact spelling
 * first, else the first one whose name is the same under NFC. Every one added stays in
 * `values()`, so a target that already holds two look-alike names keeps both.
 */
export class NameIndex<T extends { name: string }> {
  readonly #exact = new Map<string, T>();
  readonly #byKey = new Map<string, T[]>();
  readonly #byCase = new Map<string, T[]>();
  #count = 0;

  constructor(items: Iterable<T> = []) {
    for (const it of items) this.add(it);
  }

  add(item: T): void {
    if (!this.#exact.has(item.name)) this.#exact.set(item.name, item);
    const key = nameKey(item.name);
    const folded = caseKey(item.name);
    this.#byKey.get(key)?.push(item) ?? this.#byKey.set(key, [item]);
    this.#byCase.get(folded)?.push(item) ?? this.#byCase.set(folded, [item]);
    this.#count++;
  }

  get(name: string): T | undefined {
    return this.#exact.get(name) ?? this.#byKey.get(nameKey(name))?.[0];
  }

  has = (name: string): boolean => this.get(name) !== undefined;
  get size(): number {
    return this.#count;
  }

  *values(): IterableIterator<T> {
    for (const list of this.#byKey.values()) yield* list;
  }

  /** Those whose names differ from `name` only in case: other names, that look alike. */
  caseVariants(name: string): T[] {
    const key = nameKey(name);
    return (this.#byCase.get(caseKey(name)) ?? []).filter((it) => nameKey(it.name) !== key);
  }

  /** Groups of two or more whose names are one name under NFC but spelled differently. */
  sameNameGroups(): T[][] {
    return [...this.#byKey.values()].filter((list) => list.length > 1);
  }

  /** Groups of names that differ only in case, one of each name (under NFC) per group. */
  caseGroups(): T[][] {
    const out: T[][] = [];
    for (const list of this.#byCase.values()) {
      const one = new Map<string, T>();
      for (const it of list) if (!one.has(nameKey(it.name))) one.set(nameKey(it.name), it);
      if (one.size > 1) out.push([...one.values()]);
    }
    return out;
  }
}
