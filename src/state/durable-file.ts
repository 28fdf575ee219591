// Whole-file writes that survive a crash: contents fsync'd before a name points at them, and the
// folder fsync'd after a name appears or changes.
import { randomBytes } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
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

/** Replace `file` by `text` atomically: readers see the old content or the new, never a mix. */
export async function replaceFile(file: string, text: string): Promise<void> {
  const temp = temporaryName(file);
  try {
    await writeNewFile(temp, text);
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dirname(file));
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
    if (!['EISDIR', 'EINVAL', 'EPERM', 'EACCES', 'EBADF'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle?.close();
  }
}
