// Whole-file writes that survive a crash: contents fsync'd before a name points at them, and the
// folder fsync'd after a name appears or changes.
import { randomBytes } from 'node:crypto';
import { open, rename, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Write `text` to a new file (it must not exist) and fsync it; the caller names it durably. */
export async function writeNewFile(file: string, text: string): Promise<void> {
  const handle = await open(file, 'wx');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replace `file` by `text` atomically: readers see the old content or the new, never a mix.
 * `durable: false` skips the fsyncs, for a cache checked before each use: after a crash it may
 * hold the content before, or nothing readable, which its reader must take as no cache.
 */
export async function replaceFile(file: string, text: string, { durable = true } = {}): Promise<void> {
  const temp = temporaryName(file);
  try {
    if (durable) await writeNewFile(temp, text);
    else await writeFile(temp, text, { encoding: 'utf8', flag: 'wx' });
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  if (durable) await syncDirectory(dirname(file));
}

/** A unique name next to `file` for a temp file. */
export function temporaryName(file: string): string {
  return `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

/** Make a new or renamed entry in `dir` durable (a no-op where folders cannot be fsync'd). */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    if (!['EISDIR', 'EINVAL', 'EPERM', 'EACCES', 'EBADF'].includes((error as NodeJS.ErrnoException).code ?? ''))
      throw error;
  } finally {
    await handle?.close();
  }
}
