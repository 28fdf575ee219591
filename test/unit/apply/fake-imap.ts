// Two in-memory IMAP servers behind src/apply/imap-ops.ts, for unit tests of runFolder and
// copyMessages: every command they send is logged ("target APPEND Work 1"), folders and messages
// change as a server would change them, and `before` lets a test act (stop, fail) just before a
// command runs. The pools are real ConnectionPools over fake connections.
import type { AccountSession } from '../../../src/imap/account-session.ts';
import type { AppendRun } from '../../../src/imap/append.ts';
import type { ImapConnection, Side } from '../../../src/imap/connection.ts';
import { ConnectionPool } from '../../../src/imap/pool.ts';
import { packUids } from '../../../src/imap/uid-set.ts';
import type { ImapOps } from '../../../src/apply/imap-ops.ts';
import { BatchSlots } from '../../../src/apply/batch-slots.ts';
import { emptyCounts, type ActionSink } from '../../../src/apply/outcome.ts';
import type { FolderContext } from '../../../src/apply/run-folder.ts';
import { StopSignal } from '../../../src/apply/stop.ts';
import { Throttle } from '../../../src/apply/throttle.ts';
import type { AuditAction } from '../../../src/audit/writer.ts';
import { MailshiftError, problem } from '../../../src/errors.ts';
import { identityOfRaw } from '../../../src/plan/identity.ts';
import type { FolderState, MessageSnapshot } from '../../../src/plan/snapshot.ts';
import type { Action, CopyAction, FolderPlan } from '../../../src/plan/types.ts';
import { NO_DAILY_BUDGETS } from '../../../src/apply/daily-budget.ts';

export interface StoredMessage {
  uid: number;
  raw: Buffer;
  flags: string[];
}

export class FakeFolder {
  uidNext = 1;
  readonly messages: StoredMessage[] = [];
  constructor(readonly uidValidity: number) {}

  /** Stores a message as APPEND would: the next UID. */
  add(raw: Buffer, flags: string[] = []): number {
    const uid = this.uidNext++;
    this.messages.push({ uid, raw, flags: [...flags] });
    return uid;
  }

  state(): FolderState {
    return {
      uidValidity: this.uidValidity,
      uidNext: this.uidNext,
      highestModseq: null,
      messages: this.messages.length,
    };
  }

  get(uid: number): StoredMessage | undefined {
    return this.messages.find((message) => message.uid === uid);
  }
}

export class FakeServer {
  readonly folders = new Map<string, FakeFolder>();
  readonly subscribed = new Set<string>();
  constructor(readonly side: Side) {}

  folder(name: string, uidValidity = 1700000000): FakeFolder {
    let folder = this.folders.get(name);
    if (!folder) {
      folder = new FakeFolder(uidValidity);
      this.folders.set(name, folder);
    }
    return folder;
  }

  existing(name: string): FakeFolder {
    const folder = this.folders.get(name);
    if (!folder) throw new Error(`${this.side}: no folder ${name}`);
    return folder;
  }
}

/** An RFC 5322 message whose identity is its Message-ID (the same `id` makes the same identity). */
export function message(id: string, body = `body of ${id}`): Buffer {
  return Buffer.from(
    `Message-ID: <${id}@example.org>\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\nSubject: ${id}\r\n\r\n${body}\r\n`,
  );
}

export const identityOf = (raw: Buffer): string => identityOfRaw(raw);

/** A test's hook, run just before a logged command (`line` as logged): throw to fail the command. */
export type Before = (line: string) => void;

/** One account's fake world: both servers, their pools, the command log and the ImapOps over them. */
export class FakeAccount {
  readonly source = new FakeServer('source');
  readonly target = new FakeServer('target');
  readonly log: string[] = [];
  before: Before = () => undefined;
  /** When set, the next APPEND stores every message it is given but answers only this many, then the connection drops. */
  dropAfterAnswers: number | null = null;
  readonly session: Pick<AccountSession, 'source' | 'target'> = {
    source: new ConnectionPool(async () => fakeConnection('source'), 2),
    target: new ConnectionPool(async () => fakeConnection('target'), 2),
  };
  readonly imap: ImapOps;

  constructor() {
    const server = (c: ImapConnection) => (c.place.side === 'source' ? this.source : this.target);
    const command = (c: ImapConnection, line: string) => {
      const logged = `${c.place.side} ${line}`;
      this.before(logged);
      this.log.push(logged);
    };
    this.imap = {
      examineFolder: async (c, name) => {
        command(c, `EXAMINE ${name}`);
        return { state: server(c).existing(name).state(), permanentFlags: null };
      },
      selectFolder: async (c, name) => {
        command(c, `SELECT ${name}`);
        return { ...server(c).existing(name).state(), permanentFlags: null };
      },
      createFolder: async (c, name) => {
        command(c, `CREATE ${name}`);
        if (server(c).folders.has(name)) return 'exists';
        server(c).folder(name);
        return 'created';
      },
      subscribeFolder: async (c, name) => {
        command(c, `SUBSCRIBE ${name}`);
        server(c).subscribed.add(name);
      },
      deleteFolder: async (c, name) => {
        command(c, `DELETE ${name}`);
        return server(c).folders.delete(name) ? 'deleted' : 'missing';
      },
      searchUids: async (c, name) => {
        command(c, `UID SEARCH ${name}`);
        return server(c)
          .existing(name)
          .messages.map((m) => m.uid);
      },
      fetchIdentities: async (c, name, range) => {
        command(c, `UID FETCH ${name} ${range}`);
        return server(c)
          .existing(name)
          .messages.filter((m) => inRange(m.uid, range))
          .map(snapshotOf);
      },
      readBodies: async (c, name, uids) => {
        command(c, `UID FETCH BODY[] ${name} ${packUids([...uids])}`);
        const folder = server(c).existing(name);
        const bodies = new Map<number, Buffer | null>();
        for (const uid of uids) {
          const found = folder.get(uid);
          if (found) bodies.set(uid, found.raw);
        }
        return bodies;
      },
      appendMessages: async (c, name, items) => {
        command(c, `APPEND ${name} ${items.length}`);
        const folder = server(c).existing(name);
        const run: AppendRun = { results: items.map(() => undefined), unsure: [], failure: null, resend: false };
        const answered = this.dropAfterAnswers ?? items.length;
        this.dropAfterAnswers = null;
        items.forEach((item, index) => {
          const uid = folder.add(item.raw, item.flags);
          if (index < answered) run.results[index] = { uid, uidValidity: folder.uidValidity };
          else run.unsure.push(index);
        });
        if (run.unsure.length > 0) run.failure = connectionLost();
        return run;
      },
      storeFlags: async (c, name, changes) => {
        command(
          c,
          `UID STORE ${name} ${changes.map((change) => `${change.uid}+${change.add}-${change.remove}`).join(' ')}`,
        );
        const folder = server(c).existing(name);
        for (const change of changes) {
          const found = folder.get(change.uid);
          if (!found) continue;
          found.flags = [...found.flags.filter((f) => !change.remove.includes(f)), ...change.add];
        }
      },
      deleteMessages: async (c, name, uids, expunge) => {
        command(c, `UID STORE \\Deleted ${name} ${packUids([...uids])}`);
        const folder = server(c).existing(name);
        for (const uid of uids) folder.get(uid)?.flags.push('\\Deleted');
        if (!expunge) return 'flagged-only';
        command(c, `UID EXPUNGE ${name} ${packUids([...uids])}`);
        for (const uid of uids) {
          const index = folder.messages.findIndex((m) => m.uid === uid);
          if (index >= 0) folder.messages.splice(index, 1);
        }
        return 'expunged';
      },
      settleCopies: async (c, name, copies) => {
        command(c, `settle ${name} ${copies.length}`);
      },
    };
  }

  /** The commands that change a server (what a crash-safety order is about). */
  writes(): string[] {
    return this.log.filter((line) => !/ (EXAMINE|SELECT|UID SEARCH|UID FETCH|settle) /.test(line));
  }
}

/** A journal in memory, with the real one's rules: done or skipped counts as done; the latest entry wins. */
export class FakeJournal implements ActionSink {
  readonly entries = new Map<string, { action: AuditAction; detail?: Record<string, unknown> }>();

  done(key: string): boolean {
    const result = this.entries.get(key)?.action.result;
    return result === 'done' || result === 'skipped';
  }

  async record(key: string, action: AuditAction, detail?: Record<string, unknown>): Promise<void> {
    this.entries.delete(key);
    this.entries.set(key, { action, ...(detail ? { detail } : {}) });
  }

  doneDetails(prefix: string): Array<Record<string, unknown>> {
    return [...this.entries]
      .filter(([key, entry]) => entry.action.result === 'done' && key.startsWith(prefix))
      .map(([, entry]) => entry.detail ?? {});
  }

  /** Each journaled action as "op uid result (reason)", in journal order. */
  lines(): string[] {
    return [...this.entries.values()].map(
      ({ action }) =>
        `${action.op}${action.uid !== undefined ? ` ${action.uid}` : ''} ${action.result}${action.reason ? ` (${action.reason})` : ''}`,
    );
  }
}

function fakeConnection(side: Side): ImapConnection {
  return {
    place: { side, accountId: 'alice', host: `${side}.example`, port: 143 },
    usable: true,
    close: async () => undefined,
    drop: () => undefined,
  };
}

function snapshotOf(stored: StoredMessage): MessageSnapshot {
  return {
    uid: stored.uid,
    size: stored.raw.length,
    internalDate: '2026-11-02T10:00:00.000Z',
    flags: [...stored.flags],
    identity: identityOfRaw(stored.raw),
    hasMessageId: true,
  };
}

function inRange(uid: number, range: string): boolean {
  return range.split(',').some((part) => {
    const [from, to = from] = part.split(':');
    const bound = (value: string) => (value === '*' ? Number.POSITIVE_INFINITY : Number(value));
    const [low, high] = [bound(from!), bound(to!)].sort((a, b) => a - b);
    return uid >= low! && uid <= high!;
  });
}

function connectionLost(): MailshiftError {
  return new MailshiftError(problem('CONNECTION_LOST', 'the target connection dropped during APPEND'));
}

/** A folder context over the fake account: no throttle, two batch slots, a short retry budget. */
export function folderContext(
  fake: FakeAccount,
  journal: FakeJournal,
  more: Partial<FolderContext> = {},
): FolderContext {
  return {
    account: 'alice',
    session: fake.session,
    imap: fake.imap,
    sink: journal,
    observer: { folderStarted() {}, folderFinished() {}, progress() {}, note() {}, throttled() {}, paused() {} },
    throttling: { wait: async () => undefined, pace: async () => undefined, slowedDown: async () => undefined },
    throttle: new Throttle({ messagesPerSecond: null, bytesPerSecond: null }),
    counts: emptyCounts(),
    budgetSeconds: 5,
    copied: new Map(),
    slots: new BatchSlots(2),
    useSize: false,
    stop: new StopSignal(),
    budgets: NO_DAILY_BUDGETS,
    expungeSource: 'end',
    cutover: null,
    ...more,
  };
}

/** The plan's copy of a source message. */
export function copyOf(uid: number, raw: Buffer, flags: string[] = []): CopyAction {
  return {
    op: 'copy',
    uid,
    size: raw.length,
    internalDate: '2026-11-02T10:00:00.000Z',
    flags,
    identity: identityOfRaw(raw),
  };
}

/** A folder pair planned against the fake servers' folders as they are now (null: absent). */
export function folderPlan(fake: FakeAccount, name: string, actions: Action[]): FolderPlan {
  return {
    source: name,
    target: name,
    mappedBy: 'structure',
    sourceState: fake.source.folders.get(name)?.state() ?? null,
    targetState: fake.target.folders.get(name)?.state() ?? null,
    notes: [],
    actions,
  };
}
