// One ordering for everything the planner emits, so the same inputs give the same plan bytes
// on every machine: plain UTF-16 code-unit order, never the locale's collation.

/** Compare two strings by code units (what `<` does), for Array.prototype.sort. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A sorted copy of a list of strings. */
export function sortedText(values: Iterable<string>): string[] {
  return [...values].sort(compareText);
}

/** A copy of a list sorted by a numeric key (UIDs). */
export function sortedBy<T>(values: Iterable<T>, key: (value: T) => number): T[] {
  return [...values].sort((a, b) => key(a) - key(b));
}
