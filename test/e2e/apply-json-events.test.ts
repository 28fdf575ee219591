// `mailshift apply <plan> --format json`: the engine's events, one JSON object per line on stdout
// and nothing else there, in an order a script can rely on; the summary goes to stderr.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ApplyEvent } from '../../src/engine/apply-events.ts';
import { runMailshift } from '../support/cli.ts';
import { fillMailbox } from '../support/mailbox-builder.ts';
import { newMigration } from '../support/migration.ts';
import { dovecotPair } from '../support/servers.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';

function eventsOf(stdout: string): ApplyEvent[] {
  const lines = stdout.split('\n').filter((line) => line !== '');
  return lines.map((line) => {
    try {
      return JSON.parse(line) as ApplyEvent;
    } catch {
      throw new Error(`stdout holds a line that is not JSON: ${line}`);
    }
  });
}

/** The events but progress (how many there are depends on timing), as "type account folder". */
function sequence(events: readonly ApplyEvent[]): string[] {
  return events
    .filter((e) => e.type !== 'progress')
    .map((e) => [e.type, 'account' in e ? e.account : '', 'folder' in e ? e.folder : ''].join(' ').trim());
}

test('a small apply: apply_started, the account and each folder started and finished, apply_finished ok', async () => {
  const m = await newMigration('json-events', { phases: [{ name: 'presync' }] });
  try {
    await fillMailbox(m.source.server, m.source, { INBOX: [{ name: 'a' }, { name: 'b' }], Work: [{ name: 'c' }] });
    assert.is((await runMailshift(['plan', m.manifest, '--phase', 'presync', '--quiet'], { env: m.env })).code, 0);
    const applied = await runMailshift(['apply', m.planPath('presync'), '--format', 'json', '--concurrency', '1'], {
      env: m.env,
    });
    assert.is(applied.code, 0, applied.output);
    const events = eventsOf(applied.stdout);
    const order = sequence(events);
    assert.equal(order[0], 'apply_started');
    assert.equal(order[1], 'account_started alice');
    assert.equal(order.slice(-2), ['account_finished alice', 'apply_finished']);
    for (const folder of ['INBOX', 'Work']) {
      const started = order.indexOf(`folder_started alice ${folder}`);
      assert.ok(
        started > 1 && order.indexOf(`folder_finished alice ${folder}`) > started,
        `${folder} started, then finished: ${order.join(', ')}`,
      );
    }
    const finished = events.at(-1) as Extract<ApplyEvent, { type: 'apply_finished' }>;
    assert.is(finished.result, 'ok');
    assert.is(finished.counts.messagesCopied, 3);
    assert.ok(
      events.some((e) => e.type === 'progress' && e.counts.messagesCopied > 0),
      'progress counts along the way',
    );
    assert.match(applied.stderr, /Apply complete: 3 copied/);
  } finally {
    m.remove();
  }
});

test('an apply with a message the target refuses: account_finished counts it failed, apply_finished says failed', async () => {
  const { dot } = await dovecotPair();
  let appends = 0;
  const proxy = await startTcpProxy(dot.ports.plain, {
    hideCapabilities: ['COMPRESS=DEFLATE', 'MULTIAPPEND'],
    rewriteServerLine: (line) => {
      const match = /^(\S+) OK \[APPENDUID /.exec(line);
      return match && ++appends === 2 ? `${match[1]} NO [LIMIT] Message too large` : line;
    },
  });
  const m = await newMigration(
    'json-refused',
    { phases: [{ name: 'presync' }], folders: { include: ['^INBOX$'] } },
    { targetServer: dot, target: { port: proxy.port, connections: 1 } },
  );
  try {
    await fillMailbox(m.source.server, m.source, { INBOX: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });
    const planned = await runMailshift(['plan', m.manifest, '--phase', 'presync', '--quiet'], { env: m.env });
    assert.ok(planned.code === 0, planned.output);
    const applied = await runMailshift(['apply', m.planPath('presync'), '--format', 'json'], { env: m.env });
    assert.is(applied.code, 1, applied.output);
    const events = eventsOf(applied.stdout);
    const order = sequence(events);
    assert.equal(order, [
      'apply_started',
      'account_started alice',
      'folder_started alice INBOX',
      'folder_finished alice INBOX',
      'account_finished alice',
      'apply_finished',
    ]);
    const folder = events.find((e) => e.type === 'folder_finished') as Extract<ApplyEvent, { type: 'folder_finished' }>;
    assert.is(folder.failed, true);
    const account = events.find((e) => e.type === 'account_finished') as Extract<
      ApplyEvent,
      { type: 'account_finished' }
    >;
    assert.equal([account.counts.messagesCopied, account.counts.failed], [2, 1]);
    assert.is((events.at(-1) as Extract<ApplyEvent, { type: 'apply_finished' }>).result, 'failed');
    assert.match(applied.stderr, /Apply finished with failures: 2 copied .*· 1 failed/);
  } finally {
    await proxy.stop();
    m.remove();
  }
});

test('an account that cannot log in: account_failed with the error, as plain data; apply_finished says failed', async () => {
  const m = await newMigration('json-login', { phases: [{ name: 'presync' }] });
  try {
    await fillMailbox(m.source.server, m.source, { INBOX: [{ name: 'a' }] });
    assert.is((await runMailshift(['plan', m.manifest, '--phase', 'presync', '--quiet'], { env: m.env })).code, 0);
    const env = { ...m.env, MIG_TARGET_PW: 'not-the-password' };
    const applied = await runMailshift(['apply', m.planPath('presync'), '--format', 'json'], { env });
    assert.is(applied.code, 1, applied.output);
    const events = eventsOf(applied.stdout);
    assert.equal(sequence(events), [
      'apply_started',
      'account_started alice',
      'account_failed alice',
      'apply_finished',
    ]);
    const failed = events.find((e) => e.type === 'account_failed') as Extract<ApplyEvent, { type: 'account_failed' }>;
    assert.is(failed.errors[0]?.code, 'LOGIN_FAILED');
    assert.match(failed.errors[0]?.message ?? '', /target/);
    assert.not.match(applied.stdout, /not-the-password/, 'no secret in the events');
  } finally {
    m.remove();
  }
});

test.run();
