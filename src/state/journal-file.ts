// The apply journal of one plan as a JSON-lines file: one entry per completed action, appended
// with group commit, so thousands of actions cost a handful of fsyncs when they complete together.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MailshiftError, problem } from '../errors.ts';
import { openAppendLog, readJsonLines } from './jsonl-file.ts';
import type { Journal, JournalEntry } from './store.ts';
import { guardWrite, type WritePlace } from './write-fault.ts';

const RESULTS = new Set<JournalEntry['result']>(['done', 'failed', 'skipped']);

/** Open (or start) the journal file: earlier entries loaded, a torn last line dropped. */
export async function openJournalFile(file: string): Promise<Journal> {
  const place: WritePlace = {
    code: 'STATE_WRITE',
    what: 'the apply journal',
    path: file,
    then: 'then run the same plan again (the journal keeps what is done)',
  };
  const existing = await guardWrite(place, async () => {
    await mkdir(dirname(file), { recursive: true });
    return readJsonLines(file);
  });
  const latest = new Map<string, JournalEntry>();
  for (const { value, line } of existing.records) {
    if (!isEntry(value)) {
      throw new MailshiftError(
        problem(
          'STATE_CORRUPT',
          `line ${line} of the apply journal is not a journal entry`,
          'the journal was edited; remove it to let apply re-check every action against the servers',
          { file, line },
        ),
      );
    }
    latest.set(value.key, value);
  }
  const log = await guardWrite(place, () => openAppendLog(file, { intactLength: existing.intactLength }));
  return {
    has: (key) => {
      const result = latest.get(key)?.result;
      return result === 'done' || result === 'skipped';
    },
    get: (key) => latest.get(key),
    async append(entry) {
      if (!isEntry(entry))
        throw new MailshiftError(problem('INTERNAL', `not a journal entry: ${JSON.stringify(entry)}`));
      const line = JSON.stringify(
        entry.detail === undefined
          ? { key: entry.key, result: entry.result }
          : { key: entry.key, result: entry.result, detail: entry.detail },
      );
      await guardWrite(place, () => log.append(line));
      latest.set(entry.key, JSON.parse(line) as JournalEntry);
    },
    entries: () => [...latest.values()],
    close: () => guardWrite(place, () => log.close()),
  };
}

function isEntry(value: unknown): value is JournalEntry {
  const entry = value as JournalEntry;
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.key === 'string' &&
    RESULTS.has(entry.result) &&
    (entry.detail === undefined || (typeof entry.detail === 'object' && entry.detail !== null))
  );
}
