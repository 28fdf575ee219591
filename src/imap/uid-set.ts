// UID sets for batched commands: "1:5,7,9:12". Pure, so the chunking is unit-tested.

/** UIDs (any order, duplicates allowed) as a compact IMAP sequence set; '' for none. */
export function packUids(uids: readonly number[]): string {
  const sorted = [...new Set(uids)].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    ranges.push(i === j ? `${sorted[i]}` : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return ranges.join(',');
}

/** UIDs split into sets of at most `size` messages each, in UID order: one command per set. */
export function uidSets(uids: readonly number[], size: number): string[] {
  const sorted = [...new Set(uids)].sort((a, b) => a - b);
  const sets: string[] = [];
  for (let start = 0; start < sorted.length; start += size) sets.push(packUids(sorted.slice(start, start + size)));
  return sets;
}

/** The UIDs of a set of numbers ("1:3,7" gives 1, 2, 3, 7). */
export function uidsOf(set: string): number[] {
  return set.split(',').flatMap((range) => {
    const [from, to = from] = range.split(':').map(Number);
    return Array.from({ length: Math.abs(to! - from!) + 1 }, (_, i) => Math.min(from!, to!) + i);
  });
}
