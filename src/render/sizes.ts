/** Bytes as a reader wants them: 950 B, 12.3 KB, 209.2 MB, 1.4 GB (powers of 1000, like mail admins' tools). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  // Rates are fractional: whole bytes below 1 KB, never "932.8358 B/s".
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** "1 message", "3 messages". */
export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}
