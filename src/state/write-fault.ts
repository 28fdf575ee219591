// A file system that refuses a write (full, read-only, a folder missing or not a folder) is the
// user's to fix, not a bug: said with the path, the reason in words and the errno, and a hint.
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { MailshiftError, problem, type ErrorCode } from '../errors.ts';

const REASONS: Record<string, { reason: string; hint: string }> = {
  ENOSPC: { reason: 'no space left on the device', hint: 'free space on that file system' },
  EDQUOT: {
    reason: 'the disk quota is exhausted',
    hint: 'free space, or raise the quota of the user running mailshift',
  },
  EFBIG: {
    reason: 'the file is larger than allowed',
    hint: 'raise the file size limit (ulimit -f) of the user running mailshift',
  },
  EROFS: { reason: 'the file system is read-only', hint: 'mount it read-write' },
  EACCES: { reason: 'permission denied', hint: 'let the user running mailshift write there' },
  EPERM: {
    reason: 'the operation is not permitted',
    hint: 'let the user running mailshift write there (and check for immutable files: lsattr)',
  },
  ENOENT: { reason: 'a folder on the path does not exist', hint: 'create it, or fix the path' },
  ENOTDIR: {
    reason: 'a part of the path is a file, not a folder',
    hint: 'remove or rename that file, or fix the path',
  },
  EISDIR: { reason: 'a folder is where a file belongs', hint: 'remove or rename that folder' },
  EEXIST: { reason: 'a file is where a folder belongs', hint: 'remove or rename that file, or fix the path' },
  EIO: { reason: 'an I/O error', hint: 'check the disk (dmesg)' },
  EMFILE: { reason: 'too many open files', hint: 'raise the open file limit (ulimit -n)' },
};

/** Where a write went: which code, what the file is to the user, and what to do after fixing it. */
export interface WritePlace {
  code: Extract<ErrorCode, 'STATE_WRITE' | 'AUDIT_WRITE'>;
  /** "the apply journal", "the audit log" */
  what: string;
  path: string;
  /** Said after the fix, e.g. "then run the same plan again". */
  then?: string;
}

/** The file system's refusal as a MailshiftError naming the path; any other error is returned as it is. */
export function writeFault(error: unknown, place: WritePlace): unknown {
  if (error instanceof MailshiftError) return error;
  const errno = realErrno(error as NodeJS.ErrnoException);
  const known = errno === undefined ? undefined : REASONS[errno];
  if (known === undefined) return error;
  const hint = place.then ? `${known.hint}, ${place.then}` : known.hint;
  // The path is in the message, not a location: the apply prints an account's errors by message.
  return new MailshiftError(
    problem(place.code, `cannot write ${place.what} ${place.path}: ${known.reason} (${errno})`, hint),
  );
}

/**
 * Node's recursive mkdir answers ENOENT when it cannot make a folder for any other reason (it stats
 * the folder after the failure): the nearest folder that exists says why, e.g. EROFS or EACCES.
 */
function realErrno(error: NodeJS.ErrnoException | undefined): string | undefined {
  if (error?.code !== 'ENOENT' || error.syscall !== 'mkdir' || typeof error.path !== 'string') return error?.code;
  let existing = dirname(error.path);
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  try {
    accessSync(existing, constants.W_OK);
  } catch (denied) {
    return (denied as NodeJS.ErrnoException).code ?? error.code;
  }
  return error.code;
}

/** Run a write, turning the file system's refusal into a MailshiftError (writeFault). */
export async function guardWrite<T>(place: WritePlace, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw writeFault(error, place);
  }
}
