// A small hand-built plan for renderer and serialisation tests.
import { summarise } from '../../src/plan/plan-summary.ts';
import type { AccountPlan, Plan } from '../../src/plan/types.ts';

const state = (messages: number) => ({ uidValidity: 1700000000, uidNext: messages + 1, highestModseq: 42, messages });

export function fixtureAccounts(): AccountPlan[] {
  return [
    {
      id: 'alice',
      source: {
        host: 'imap.old.example',
        port: 993,
        tls: 'implicit',
        user: 'alice@old.example',
        password: { env: 'ALICE_OLD_PW' },
      },
      target: {
        host: 'imap.new.example',
        port: 993,
        tls: 'implicit',
        user: 'alice@new.example',
        password: { file: 'secrets/alice.pw' },
      },
      folders: [
        {
          source: 'INBOX',
          target: 'INBOX',
          mappedBy: 'inbox',
          sourceState: state(3),
          targetState: state(2),
          notes: [],
          actions: [
            {
              op: 'copy',
              uid: 3,
              size: 4211,
              internalDate: '2026-11-20T10:00:00.000Z',
              flags: ['\\Seen'],
              identity: 'a'.repeat(64),
            },
            { op: 'setFlags', uid: 1, add: ['\\Flagged'], remove: [], sourceUid: 1 },
            { op: 'deleteTarget', uid: 2, identity: 'b'.repeat(64) },
          ],
        },
        {
          source: 'Lists.Dev',
          target: 'INBOX.Lists_Dev',
          mappedBy: 'structure',
          sourceState: state(1),
          targetState: null,
          notes: ['"." in "Lists.Dev" became "_" (the target\'s hierarchy delimiter)'],
          actions: [
            { op: 'createFolder' },
            { op: 'subscribe' },
            {
              op: 'copy',
              uid: 1,
              size: 1_500_000,
              internalDate: '2026-11-01T08:00:00.000Z',
              flags: [],
              identity: 'c'.repeat(64),
            },
          ],
        },
        {
          source: 'Sent',
          target: 'INBOX.Sent Items',
          mappedBy: 'automap',
          sourceState: state(0),
          targetState: state(0),
          notes: [],
          actions: [],
        },
        {
          source: null,
          target: 'INBOX.Old',
          mappedBy: 'target-only',
          sourceState: null,
          targetState: state(12),
          notes: [],
          actions: [{ op: 'deleteFolder', messages: 12 }],
        },
      ],
    },
    {
      id: 'bob',
      source: {
        host: 'imap.old.example',
        port: 993,
        tls: 'implicit',
        user: 'bob@old.example',
        accessToken: { command: ['oauth2l', 'fetch'] },
      },
      target: {
        host: 'imap.new.example',
        port: 993,
        tls: 'implicit',
        user: 'bob@new.example',
        password: { env: 'BOB_PW' },
      },
      folders: [
        {
          source: 'INBOX',
          target: 'INBOX',
          mappedBy: 'inbox',
          sourceState: state(1),
          targetState: state(1),
          notes: [],
          actions: [],
        },
      ],
    },
  ];
}

export function fixturePlan(accounts: AccountPlan[] = fixtureAccounts()): Plan {
  return {
    format: 'mailshift-plan/v1',
    tool: 'mailshift 0.1.0',
    createdAt: '2026-11-23T09:00:00Z',
    manifest: {
      path: 'migrations/acme.jsonnet',
      relativeTo: 'repository',
      sha256: 'f'.repeat(64),
      git: { commit: '1'.repeat(40), dirty: false },
    },
    name: 'acme-cutover',
    phase: 'presync',
    settings: { phase: { name: 'presync' } },
    summary: summarise(accounts),
    warnings: [
      {
        code: 'KEYWORD_UNSUPPORTED',
        message: 'keyword "Project X" is not a valid IMAP keyword; it is left out',
        account: 'alice',
        folder: 'INBOX',
      },
    ],
    accounts,
  };
}
