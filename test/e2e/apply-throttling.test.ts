// `mailshift apply` against servers that throttle the way Office 365 and Gmail do: a proxy in front
// of the Dovecot pair answers chosen commands with the providers' throttling answers (a "Suggested
// Backoff Time" NO and a disconnect, [THROTTLED] on a NO, a bandwidth BYE). The apply must wait at
// least what was asked, finish with nothing lost and no duplicate, and report every episode.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { auditDirFor } from '../../src/audit/writer.ts';
import { auditRecords } from '../support/audit-files.ts';
import { hasStackTrace, runMailshift } from '../support/cli.ts';
import { contentMultiset, mailboxState } from '../support/mailbox-state.ts';
import { newMigration, type Migration } from '../support/migration.ts';
import { seedMailbox } from '../support/seed.ts';
import { dovecotPair } from '../support/servers.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import { throttleSchedule, type ThrottleSchedule, type ThrottleStep } from '../support/throttling-proxy.ts';

const BODY_FETCH = /^UID FETCH \S+ \(.*BODY\.PEEK\[\].*\)/;
const FOLDER_OPEN = /^(EXAMINE|SELECT) /;

interface Throttled {
  m: Migration;
  source: { proxy: TcpProxy; schedule: ThrottleSchedule };
  target: { proxy: TcpProxy; schedule: ThrottleSchedule };
  stop(): Promise<void>;
}

/** A migration whose servers answer through throttling proxies (not armed yet: a plan goes through untouched). */
async function throttledMigration(
  name: string,
  steps: { source?: ThrottleStep[]; target?: ThrottleStep[] },
  endpoint: Record<string, unknown> = {},
): Promise<Throttled> {
  const { slash, dot } = await dovecotPair();
  const proxies: TcpProxy[] = [];
  const stop = async () => {
    await Promise.all(proxies.map((proxy) => proxy.stop()));
  };
  try {
    const schedules = [throttleSchedule(steps.source ?? []), throttleSchedule(steps.target ?? [])] as const;
    for (const [index, server] of [slash, dot].entries())
      proxies.push(
        await startTcpProxy(server.ports.plain, {
          hideCapabilities: ['COMPRESS=DEFLATE'],
          answerCommand: schedules[index]!.answerCommand,
          rewriteServerLine: schedules[index]!.rewriteServerLine,
        }),
      );
    const m = await newMigration(
      name,
      { phases: [{ name: 'presync' }] },
      { source: { port: proxies[0]!.port, ...endpoint }, target: { port: proxies[1]!.port, ...endpoint } },
    );
    return {
      m,
      source: { proxy: proxies[0]!, schedule: schedules[0] },
      target: { proxy: proxies[1]!, schedule: schedules[1] },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function plan(m: Migration): Promise<string> {
  const result = await runMailshift(['plan', m.manifest, '--phase', 'presync', '--quiet'], { env: m.env });
  assert.ok(result.code === 0 || result.code === 2, result.stderr);
  return m.planPath('presync');
}

async function assertTargetMirrorsSource(m: Migration): Promise<void> {
  const [source, target] = await Promise.all([
    mailboxState(m.source.server, m.source),
    mailboxState(m.target.server, m.target),
  ]);
  // \Deleted messages are not copied (messages.skipDeleted).
  const notDeleted = (line: string) => !line.split(' ')[1]!.split(',').includes('\\Deleted');
  assert.equal(
    contentMultiset(target),
    contentMultiset(source).filter(notDeleted),
    'same bodies, flags and dates; none lost, none twice',
  );
}

/** The first command on a folder (not a login) the client sent at least `from` ms after the throttle. */
function firstFolderCommandAfter(schedule: ThrottleSchedule, step: number): number {
  const next = schedule.after.find(
    (entry) => entry.at >= schedule.fired[step]! && (FOLDER_OPEN.test(entry.command) || BODY_FETCH.test(entry.command)),
  );
  assert.ok(next, 'the apply went on after the throttle');
  return next.at - schedule.fired[step]!;
}

function assertNoSecret(m: Migration, text: string): void {
  for (const secret of [m.source.password, m.target.password])
    assert.not.ok(text.includes(secret), 'no password shown');
}

test('Office 365: "Suggested Backoff Time: 1500 milliseconds" and a disconnect is waited in full, outside a 1 s connection budget; the episode is audited and summed up', async () => {
  const { m, source, stop } = await throttledMigration(
    'throttle-o365',
    { source: [{ command: BODY_FETCH, nth: 2, answer: { kind: 'office365', waitMs: 1500 } }] },
    // One source connection: nothing else of the account talks to the source while it waits.
    // A dropped-connection budget of 1 s: a throttle wait counted against it would fail the folder.
    { connections: 1, timeoutSeconds: 1 },
  );
  try {
    await seedMailbox(m.source.server, m.source, { seed: 19, messages: 60, otherDelimiter: '.' });
    const planFile = await plan(m);
    source.schedule.arm();
    const applied = await runMailshift(['apply', planFile], { env: m.env });
    const output = applied.stdout + applied.stderr;
    assert.is(applied.code, 0, output);
    assert.is(source.schedule.fired.length, 1, 'the server throttled once');
    assert.ok(firstFolderCommandAfter(source.schedule, 0) >= 1500, 'nothing was read before the 1.5 s were over');
    await assertTargetMirrorsSource(m);
    const episodes = auditRecords(m.manifest).filter((record) => record.op === 'throttle');
    assert.is(episodes.length, 1, 'one audit record for the episode');
    assert.is(episodes[0]!.account, 'alice');
    assert.is(episodes[0]!.server, `127.0.0.1:${source.proxy.port}`);
    assert.match(String(episodes[0]!.reason), 'Request is throttled. Suggested Backoff Time: 1500 milliseconds');
    assert.ok(Number(episodes[0]!.waitedMs) >= 1400, `waited ${episodes[0]!.waitedMs} ms`);
    assert.match(applied.stdout, /Servers asked to slow down: throttled once, waited 1\.\d s/);
    assert.not.ok(hasStackTrace(output));
    assertNoSecret(m, output + JSON.stringify(auditRecords(m.manifest)));
    const applyId = String(auditRecords(m.manifest).find((record) => record.type === 'start')!.applyId);
    const audit = await runMailshift(['audit', m.manifest, applyId], { env: m.env });
    assert.is(audit.code, 0, `the audit chain holds with the throttle record in it:\n${audit.stdout}${audit.stderr}`);
    assert.match(
      audit.stdout,
      `throttled by 127.0.0.1:${source.proxy.port}: source server 127.0.0.1:${source.proxy.port} said: Request is throttled.`,
    );
    assert.not.match(audit.stdout, /null|nothing done/, 'the episode is no folder of its own');
  } finally {
    await stop();
    m.remove();
  }
});

test('Office 365: a "Suggested Backoff Time" NO to a body FETCH with the session left open is one audited episode, waited in full outside a 1 s connection budget, not a private retry', async () => {
  const { m, source, stop } = await throttledMigration(
    'throttle-o365-stay',
    { source: [{ command: BODY_FETCH, nth: 2, answer: { kind: 'office365', waitMs: 1500, stay: true } }] },
    { connections: 1, timeoutSeconds: 1 },
  );
  try {
    await seedMailbox(m.source.server, m.source, { seed: 37, messages: 40, otherDelimiter: '.' });
    const planFile = await plan(m);
    source.schedule.arm();
    const applied = await runMailshift(['apply', planFile], { env: m.env });
    const output = applied.stdout + applied.stderr;
    assert.is(applied.code, 0, output);
    assert.is(source.schedule.fired.length, 1, 'the server throttled once');
    assert.ok(firstFolderCommandAfter(source.schedule, 0) >= 1500, 'nothing was read before the 1.5 s were over');
    await assertTargetMirrorsSource(m);
    const episodes = auditRecords(m.manifest).filter((record) => record.op === 'throttle');
    assert.is(episodes.length, 1, `the wait is an audited episode: ${JSON.stringify(episodes)}`);
    assert.match(String(episodes[0]!.reason), 'Suggested Backoff Time: 1500 milliseconds');
    assert.ok(Number(episodes[0]!.waitedMs) >= 1400, `the episode holds the whole wait: ${episodes[0]!.waitedMs} ms`);
    assert.match(applied.stdout, /Servers asked to slow down: throttled once, waited 1\.\d s/);
    assertNoSecret(m, output);
  } finally {
    await stop();
    m.remove();
  }
});

test('a FETCH throttled with the session left open is charged to maxThrottleWaitSeconds: a wait past it is not begun, the account stops THROTTLED, and the next apply finishes', async () => {
  const { m, source, stop } = await throttledMigration(
    'throttle-fetch-budget',
    { source: [{ command: BODY_FETCH, nth: 1, answer: { kind: 'office365', waitMs: 1500, stay: true } }] },
    { connections: 1, maxThrottleWaitSeconds: 1 },
  );
  try {
    await seedMailbox(m.source.server, m.source, { seed: 41, messages: 10, otherDelimiter: '.' });
    const planFile = await plan(m);
    source.schedule.arm();
    const stopped = await runMailshift(['apply', planFile], { env: m.env });
    const output = stopped.stdout + stopped.stderr;
    assert.is(stopped.code, 1, output);
    assert.match(output, /throttled past the budget of 1 s/, output);
    assert.match(output, /maxThrottleWaitSeconds/);
    assert.not.ok(
      source.schedule.after.some((entry) => BODY_FETCH.test(entry.command)),
      'no body was read again: the 1.5 s the budget cannot pay for were not waited',
    );
    assert.not.ok(hasStackTrace(output));
    const resumed = await runMailshift(['apply', planFile], { env: m.env });
    assert.is(resumed.code, 0, resumed.stdout + resumed.stderr);
    await assertTargetMirrorsSource(m);
  } finally {
    await stop();
    m.remove();
  }
});

test('Gmail: NO [THROTTLED] on a body FETCH and a bandwidth BYE on the target are throttling, not failures: both waited, both reported as `throttled` events', async () => {
  const { m, source, target, stop } = await throttledMigration('throttle-gmail', {
    source: [{ command: BODY_FETCH, nth: 1, answer: { kind: 'gmail-no' } }],
    target: [{ command: FOLDER_OPEN, nth: 2, answer: { kind: 'gmail-bye' } }],
  });
  try {
    await seedMailbox(m.source.server, m.source, { seed: 23, messages: 40, otherDelimiter: '.' });
    const planFile = await plan(m);
    source.schedule.arm();
    target.schedule.arm();
    const applied = await runMailshift(['apply', planFile, '--format', 'json'], { env: m.env });
    assert.is(applied.code, 0, applied.stdout + applied.stderr);
    assert.is(source.schedule.fired.length + target.schedule.fired.length, 2, 'both answers were given');
    const events = applied.stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const throttled = events.filter((event) => event.type === 'throttled');
    assert.equal(throttled.map((event) => [event.side, event.server]).sort(), [
      ['source', `127.0.0.1:${source.proxy.port}`],
      ['target', `127.0.0.1:${target.proxy.port}`],
    ]);
    assert.match(String(throttled.find((event) => event.side === 'source')!.said), '[THROTTLED]');
    assert.match(String(throttled.find((event) => event.side === 'target')!.said), 'bandwidth limits');
    for (const event of throttled) assert.ok(Number(event.waitedMs) >= 1000, 'no wait named: 1 s first');
    assert.not.ok(
      events.some((event) => event.type === 'folder_finished' && event.failed === true),
      'no folder failed',
    );
    await assertTargetMirrorsSource(m);
    assert.is(auditRecords(m.manifest).filter((record) => record.op === 'throttle').length, 2);
    assertNoSecret(m, applied.stdout + applied.stderr);
  } finally {
    await stop();
    m.remove();
  }
});

test("Gmail: OK [THROTTLED] on a body FETCH (done, but slow down) is no failure and no wait: the source's pace halves, the episode is audited", async () => {
  const { m, source, stop } = await throttledMigration(
    'throttle-gmail-ok',
    { source: [{ command: BODY_FETCH, nth: 2, answer: { kind: 'gmail-ok' } }] },
    { connections: 1 },
  );
  try {
    await seedMailbox(m.source.server, m.source, { seed: 31, messages: 40, otherDelimiter: '.' });
    const planFile = await plan(m);
    source.schedule.arm();
    const applied = await runMailshift(['apply', planFile], { env: m.env });
    assert.is(applied.code, 0, applied.stdout + applied.stderr);
    assert.is(source.schedule.fired.length, 1);
    const episodes = auditRecords(m.manifest).filter((record) => record.op === 'throttle');
    assert.is(episodes.length, 1, JSON.stringify(episodes));
    assert.match(String(episodes[0]!.reason), '[THROTTLED]');
    assert.is(episodes[0]!.waitedMs, 0);
    await assertTargetMirrorsSource(m);
  } finally {
    await stop();
    m.remove();
  }
});

test("a throttled login (Office 365's Suggested Backoff NO to AUTHENTICATE, then a disconnect) is waited for and logged in again, not a login failure", async () => {
  // One connection a side: the throttled login is the only one to the target.
  const { m, target, stop } = await throttledMigration(
    'throttle-login',
    { target: [{ command: /^(AUTHENTICATE|LOGIN) /, nth: 1, answer: { kind: 'office365', waitMs: 1200 } }] },
    { connections: 1 },
  );
  try {
    await seedMailbox(m.source.server, m.source, { seed: 29, messages: 10, otherDelimiter: '.' });
    const planFile = await plan(m);
    target.schedule.arm();
    const applied = await runMailshift(['apply', planFile], { env: m.env });
    const output = applied.stdout + applied.stderr;
    assert.is(applied.code, 0, output);
    assert.is(target.schedule.fired.length, 1);
    const relogin = target.schedule.after.find((entry) => /^(AUTHENTICATE|LOGIN) /.test(entry.command));
    assert.ok(relogin && relogin.at - target.schedule.fired[0]! >= 1200, 'logged in again after the 1.2 s');
    assert.not.match(output, /LOGIN_FAILED|login failed/);
    assert.match(applied.stdout, /throttled once/);
    assertNoSecret(m, output + JSON.stringify(auditRecords(m.manifest)));
    await assertTargetMirrorsSource(m);
  } finally {
    await stop();
    m.remove();
  }
});

test('plan and verify wait out a throttled read as the server asks (session dropped or left open) and read the account again, with a note', async () => {
  const READ = /^UID FETCH /;
  const CONNECTIONS = 3;
  const { m, source, target, stop } = await throttledMigration(
    'throttle-reads',
    {
      source: [
        { command: READ, nth: 1, answer: { kind: 'office365', waitMs: 1200 } },
        // The verify's read, after the plan's and the apply's.
        { command: READ, nth: 40, answer: { kind: 'office365', waitMs: 1200, stay: true } },
      ],
      target: [{ command: FOLDER_OPEN, nth: 1, answer: { kind: 'gmail-no' } }],
    },
    { connections: CONNECTIONS },
  );
  try {
    await seedMailbox(m.source.server, m.source, { seed: 37, messages: 12, otherDelimiter: '.' });
    source.schedule.arm();
    target.schedule.arm();
    const planned = await runMailshift(['plan', m.manifest, '--phase', 'presync'], { env: m.env });
    assert.is(planned.code, 0, planned.stdout + planned.stderr);
    assert.is(source.schedule.fired.length + target.schedule.fired.length, 2, 'both servers throttled a read');
    // The account is read again from its listing (imapflow also LISTs each folder it opens).
    const again = source.schedule.after.findIndex((entry) => /^LIST "" "\*"/.test(entry.command));
    assert.ok(again >= 0, 'the source was read again');
    assert.ok(source.schedule.after[again]!.at - source.schedule.fired[0]! >= 1200, 'after the 1.2 s');
    // Only reads already on the wire finish; the folders still queued wait for the new read.
    const opened = source.schedule.after.slice(0, again).filter((entry) => FOLDER_OPEN.test(entry.command));
    assert.ok(opened.length < CONNECTIONS, JSON.stringify(opened));
    assert.match(
      planned.stderr,
      `note: account alice: the source server 127.0.0.1:${source.proxy.port} asked to slow down (`,
    );
    assert.match(
      planned.stderr,
      /the target server [^ ]+ asked to slow down \(.*\[THROTTLED\].*\); reading the account again in 1\.0 s/,
    );
    assert.not.match(planned.stderr, /error|THROTTLED:/);
    assertNoSecret(m, planned.stdout + planned.stderr);

    const applied = await runMailshift(['apply', m.planPath('presync')], { env: m.env });
    assert.is(applied.code, 0, applied.stdout + applied.stderr);
    await assertTargetMirrorsSource(m);
    for (let round = 0; round < 10 && source.schedule.fired.length < 2; round++) {
      const verified = await runMailshift(['verify', m.manifest, '--phase', 'presync'], { env: m.env });
      assert.is(verified.code, 0, verified.stdout + verified.stderr);
      if (source.schedule.fired.length === 2) assert.match(verified.stderr, 'reading the account again in 1.2 s');
    }
    assert.is(source.schedule.fired.length, 2, 'a verify read was throttled');
  } finally {
    await stop();
    m.remove();
  }
});

test.run();
