import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Plan } from '../plan/types.ts';

/** A plan file without its actions: what `status` shows and the phase order needs. */
export type PlanHeader = Omit<Plan, 'accounts'>;

export type PlanHeaderRead =
  | { state: 'found'; header: PlanHeader; sha256: string }
  | { state: 'missing' }
  | { state: 'unreadable'; reason: string };

// Canonical plans put `accounts` (nearly all of a plan's bytes) last, at this indent: the head
// before it is parsed, the rest only hashed, so a million-action plan costs no memory here.
const ACCOUNTS_KEY = '\n  "accounts": ';

/** The plan file at `path`, all but its accounts, with the SHA-256 of its bytes (what audits name). */
export async function readPlanHeader(path: string): Promise<PlanHeaderRead> {
  const hash = createHash('sha256');
  let head = '';
  let headDone = false;
  try {
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      if (headDone) continue;
      const searchFrom = Math.max(0, head.length - ACCOUNTS_KEY.length);
      head += chunk.toString('latin1');
      const at = head.indexOf(ACCOUNTS_KEY, searchFrom);
      if (at !== -1) {
        head = head.slice(0, at);
        headDone = true;
      }
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT'
      ? { state: 'missing' }
      : { state: 'unreadable', reason: `cannot read it: ${code ?? (error as Error).message}` };
  }
  // Latin-1 keeps byte offsets; the head is decoded as UTF-8 once it is cut.
  const text = Buffer.from(head, 'latin1').toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(headDone ? `${text.replace(/,\s*$/, '')}\n}` : text);
  } catch {
    return { state: 'unreadable', reason: 'it is not JSON' };
  }
  const header = value as Partial<PlanHeader> | null;
  if (
    header?.format !== 'mailshift-plan/v1' ||
    typeof header.createdAt !== 'string' ||
    typeof header.manifest?.sha256 !== 'string' ||
    typeof header.summary !== 'object'
  ) {
    return { state: 'unreadable', reason: 'it is not a mailshift plan' };
  }
  const { accounts: _accounts, ...rest } = header as Plan;
  return { state: 'found', header: rest, sha256: hash.digest('hex') };
}
