// Durable JSON-lines files: one writer appends, each append resolves only once its line is on
// disk; a line torn by kill -9 or a crash mid-write is ignored on reopen (and cut off before the
// next append, so it never glues onto a new line).
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MailshiftError, problem } from '../errors.ts';
import { syncDirectory } from './durable-file.ts';

export interface AppendLog {
  /** Append one line (no newline in it); resolves when it is durable. */
  append(line: string): Promise<void>;
  /** Wait for pending appends, then close the file. */
  close(): Promise<void>;
}

export interface JsonLines {
  /** Each parsed line with its line number in the file. */
  records: Array<{ value: unknown; line: number }>;
  /** Bytes up to the end of the last intact line: where the next append must start. */
  intactLength: number;
  /** Whether a torn last line was found (and ignored). */
  torn: boolean;
}

/**
 * Parse a JSON-lines file's bytes. The last line may be torn (no newline, or not JSON): it is
 * ignored. An unreadable line before it cannot come from a crash and is STATE_CORRUPT.
 */
export function parseJsonLines(bytes: Buffer, file: string): JsonLines {
  const records: JsonLines['records'] = [];
  let start = 0;
  let line = 0;
  while (start < bytes.length) {
    line++;
    const end = bytes.indexOf(0x0a, start);
    if (end === -1) return { records, intactLength: start, torn: true };
    const text = bytes.toString('utf8', start, end);
    if (text.trim() !== '') {
      try {
        records.push({ value: JSON.parse(text), line });
      } catch {
        if (onlyPadding(bytes, end + 1)) return { records, intactLength: start, torn: true };
        throw new MailshiftError(
          problem(
            'STATE_CORRUPT',
            `line ${line} of the state file is not valid JSON`,
            'the file was edited or damaged; restore it from a backup, or remove it if you accept losing what it recorded',
            { file, line },
          ),
        );
      }
    }
    start = end + 1;
  }
  return { records, intactLength: start, torn: false };
}

/** Nothing but newlines or the zeros a crash can leave from `offset` on. */
function onlyPadding(bytes: Buffer, offset: number): boolean {
  for (let i = offset; i < bytes.length; i++) if (bytes[i] !== 0x0a && bytes[i] !== 0) return false;
  return true;
}

/** Read a JSON-lines file; a missing file has no records. */
export async function readJsonLines(file: string): Promise<JsonLines> {
  try {
    return parseJsonLines(await readFile(file), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], intactLength: 0, torn: false };
    throw error;
  }
}

/**
 * Open a file for appending, cut to `intactLength` when given (dropping a torn tail). With
 * `exclusive`, the file must not exist yet.
 */
export async function openAppendLog(
  file: string,
  options: { intactLength?: number; exclusive?: boolean } = {},
): Promise<AppendLog> {
  const handle = await open(file, options.exclusive ? 'ax' : 'a');
  let length: number;
  try {
    const { size } = await handle.stat();
    length = size;
    if (options.intactLength !== undefined && size > options.intactLength) {
      await handle.truncate(options.intactLength);
      await handle.datasync();
      length = options.intactLength;
    }
    if (size === 0) await syncDirectory(dirname(file));
  } catch (error) {
    await handle.close();
    throw error;
  }
  return new GroupCommitLog(handle, length);
}

type Waiter = { line: string; resolve: () => void; reject: (error: Error) => void };

/** Appends that arrive while a write + fsync is under way share the next one (group commit). */
class GroupCommitLog implements AppendLog {
  private pending: Waiter[] = [];
  private flushing: Promise<void> | null = null;
  private failure: Error | null = null;
  private closed = false;

  /** `length`: the file's size, all of it acknowledged lines. */
  constructor(
    private readonly handle: FileHandle,
    private length: number,
  ) {}

  append(line: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error('append to a closed log'));
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ line, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flushing;
    await this.handle.close();
  }

  private async flush(): Promise<void> {
    await Promise.resolve(); // appends made in this same tick join the first commit
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0);
      try {
        // One string, one buffer per commit: not one per line.
        let text = '';
        for (const waiter of batch) text += `${waiter.line}\n`;
        const bytes = Buffer.from(text, 'utf8');
        await writeAll(this.handle, bytes);
        await this.handle.datasync();
        this.length += bytes.length;
        for (const waiter of batch) waiter.resolve();
      } catch (error) {
        // A full disk takes part of a commit: cut it off again, so the file holds exactly the
        // lines acknowledged (a line refused here and found in the file on reopen would be taken
        // as done). The disk is still in trouble: refuse every later append too.
        await this.handle
          .truncate(this.length)
          .then(() => this.handle.datasync())
          .catch(() => undefined);
        this.failure = error as Error;
        for (const waiter of [...batch, ...this.pending.splice(0)]) waiter.reject(this.failure);
      }
    }
    this.flushing = null;
  }
}

async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
}
