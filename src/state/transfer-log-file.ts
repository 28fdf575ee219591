// One account's transfer log (what the daily byte budgets count) as one JSON file, replaced
// atomically after each change: the bytes each side moved, by minute, over the last 24 h. It
// outlives the apply, so a re-run right after a pause does not start the day's count from zero.
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MailshiftError, problem } from '../errors.ts';
import { replaceFile } from './durable-file.ts';

const FORMAT = 'mailshift-transfers/v1';

/** Bytes moved at a time (ISO UTC, to the minute). */
export interface TransferEntry {
  at: string;
  bytes: number;
}

/** What one account moved per side: downloaded from the source, uploaded to the target. */
export interface TransferLog {
  source: TransferEntry[];
  target: TransferEntry[];
}

/** The log in `file`; empty when there is none yet. */
export async function readTransferLogFile(file: string): Promise<TransferLog> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { source: [], target: [] };
    throw error;
  }
  type Parsed = { format?: unknown; source?: unknown; target?: unknown } | null;
  let parsed: Parsed = null;
  try {
    parsed = JSON.parse(text) as Parsed;
  } catch {
    // reported below
  }
  if (parsed?.format !== FORMAT || !isEntries(parsed.source) || !isEntries(parsed.target))
    // Read as empty, a damaged count would let the apply spend a budget already spent.
    throw new MailshiftError(
      problem(
        'STATE_CORRUPT',
        'the transfer log (what the daily byte budgets have counted) is not a mailshift transfer log',
        'it was edited or damaged; remove it to count from zero (the provider may then refuse transfers until its own day is over), and apply again',
        { file },
      ),
    );
  return { source: parsed.source, target: parsed.target };
}

/** Replace the file by `log`, durably (fsync'd): a crash keeps the old count or the new one. */
export async function writeTransferLogFile(file: string, account: string, log: TransferLog): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await replaceFile(file, `${JSON.stringify({ format: FORMAT, account, source: log.source, target: log.target })}\n`);
}

function isEntries(value: unknown): value is TransferEntry[] {
  return (
    Array.isArray(value) &&
    value.every(
      (entry) =>
        typeof entry === 'object' &&
        entry !== null &&
        typeof (entry as TransferEntry).at === 'string' &&
        Number.isFinite(Date.parse((entry as TransferEntry).at)) &&
        Number.isSafeInteger((entry as TransferEntry).bytes) &&
        (entry as TransferEntry).bytes >= 0,
    )
  );
}
