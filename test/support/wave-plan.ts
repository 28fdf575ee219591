// A synthetic plan of a large wave (thousands of accounts) for renderer tests and the markdown bench:
// every account copies into a few folders, and a chosen few also delete, warn or leave mail out.
import { summarise } from '../../src/plan/plan-summary.ts';
import type { AccountPlan, Action, FolderPlan, Plan, PlanWarning } from '../../src/plan/types.ts';
import { fixturePlan } from './plans.ts';

export interface WaveShape {
  accounts: number;
  /** Accounts (by index) whose INBOX deletes `deletions` messages on the target. */
  deleting?: readonly number[];
  deletions?: number;
  /** Accounts (by index) that get a KEYWORD_UNSUPPORTED warning each. */
  warned?: readonly number[];
  /** Accounts (by index) whose Archive is left out by the age rule. */
  leavingOut?: readonly number[];
  /** Accounts (by index) that also update flags. */
  reflagging?: readonly number[];
}

const FOLDERS = ['INBOX', 'Sent', 'Drafts', 'Archive', 'Projects', 'Lists.Dev', 'Receipts', 'Travel'];
const state = (messages: number) => ({ uidValidity: 1700000000, uidNext: messages + 1, highestModseq: 1, messages });

/** Account `index`'s id: user0001, user0002, … */
export function waveAccountId(index: number): string {
  return `user${String(index + 1).padStart(4, '0')}`;
}

/** A plan of `shape.accounts` accounts, each creating and copying into eight folders. */
export function wavePlan(shape: WaveShape): Plan {
  const accounts = Array.from({ length: shape.accounts }, (_, index) => waveAccount(index, shape));
  const warnings: PlanWarning[] = [
    ...(shape.warned ?? []).map((index) => ({
      code: 'KEYWORD_UNSUPPORTED',
      message: `keyword "Project ${index}" is not a valid IMAP keyword; it is left out`,
      account: waveAccountId(index),
      folder: 'INBOX',
    })),
    {
      code: 'RULE_UNMATCHED',
      message: `folders.map key "Snet" matches no source folder in ${shape.accounts} accounts; did you mean "Sent"?`,
      accounts: accounts.map((account) => account.id),
    },
  ];
  return { ...fixturePlan(accounts), name: 'wave-1', warnings, summary: summarise(accounts) };
}

function waveAccount(index: number, shape: WaveShape): AccountPlan {
  const id = waveAccountId(index);
  const folders = FOLDERS.map((name, n): FolderPlan => {
    const actions: Action[] = [
      ...(name === 'INBOX' ? [] : [{ op: 'createFolder' } as const, { op: 'subscribe' } as const]),
      ...Array.from({ length: 3 + ((index + n) % 5) }, (_, uid) => copy(uid + 1, index)),
    ];
    if (name === 'INBOX' && shape.reflagging?.includes(index))
      actions.push({ op: 'setFlags', uid: 1, add: ['\\Seen'], remove: [], sourceUid: 1 });
    if (name === 'INBOX' && shape.deleting?.includes(index))
      for (let uid = 1; uid <= (shape.deletions ?? 1); uid++)
        actions.push({
          op: 'deleteTarget',
          uid: 1000 + uid,
          identity: 'd'.repeat(64),
          headers: {
            date: 'Mon, 2 Nov 2026 09:30:00 +0100',
            from: `Sender ${uid} <s${uid}@example>`,
            subject: `Old ${uid}`,
          },
        });
    return {
      source: name,
      target: name === 'INBOX' ? 'INBOX' : `INBOX.${name.replace('.', '_')}`,
      mappedBy: name === 'INBOX' ? 'inbox' : 'structure',
      sourceState: state(40),
      targetState: name === 'INBOX' ? state(2) : null,
      notes: name === 'Lists.Dev' ? ['"." in "Lists.Dev" became "_" (the target\'s hierarchy delimiter)'] : [],
      ...(name === 'Archive' && shape.leavingOut?.includes(index) ? { messagesLeftOut: { age: 120 } } : {}),
      actions,
    };
  });
  return {
    id,
    source: {
      host: 'imap.old.example',
      port: 993,
      tls: 'implicit',
      user: `${id}@old.example`,
      password: { env: 'OLD_PW' },
    },
    target: {
      host: 'imap.new.example',
      port: 993,
      tls: 'implicit',
      user: `${id}@new.example`,
      password: { env: 'NEW_PW' },
    },
    folders,
  };
}

function copy(uid: number, index: number): Action {
  return {
    op: 'copy',
    uid,
    size: 2_000 + ((uid * 7919 + index) % 50_000),
    internalDate: '2026-11-20T10:00:00.000Z',
    flags: ['\\Seen'],
    identity: 'a'.repeat(64),
  };
}
