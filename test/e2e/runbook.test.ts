// The cutover as a runbook, run as a user runs it: phase order refusals, the manual gate in the
// audit log, --force audited, `status` at each step, and the drain after the MX gate deleting only
// the last day's source INBOX mail that is on the target.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { auditDirFor } from '../../src/audit/writer.ts';
import { hasStackTrace, runMailshift } from '../support/cli.ts';
import { fillMailbox } from '../support/mailbox-builder.ts';
import { mailboxState } from '../support/mailbox-state.ts';
import { manifestFolder, validManifest } from '../support/manifests.ts';
import { newMigration, type Migration } from '../support/migration.ts';

const OPERATOR = `${userInfo().username}@${hostname()}`;
const HOUR = 60 * 60 * 1000;
const hoursAgo = (hours: number) => new Date(Date.now() - hours * HOUR);
const CUTOVER = [
  { name: 'presync', deleteTarget: true, deleteTargetFolders: true },
  { name: 'final', requires: ['presync'], deleteTarget: true },
  { name: 'switch-mx', manual: 'Switch the MX record to the new host.' },
  {
    name: 'drain-source',
    requires: ['switch-mx'],
    folders: { include: ['^INBOX$'], skipEmpty: true },
    messages: { maxAgeDays: 1 },
    deleteSource: true,
    expungeSource: 'end',
  },
];

const auditFiles = (manifest: string, name: string) => {
  const dir = auditDirFor(manifest, name);
  return existsSync(dir) ? readdirSync(dir).sort() : [];
};
const mailshift = (m: Migration, args: string[]) => runMailshift(args, { env: m.env });
/** `status` as text and as JSON (both at once: each CLI start costs seconds on a busy machine). */
async function status(m: Migration) {
  const [text, json] = await Promise.all([
    mailshift(m, ['status', m.manifest]),
    mailshift(m, ['status', m.manifest, '--format', 'json']),
  ]);
  assert.is(text.code, 0, text.stderr);
  assert.is(json.code, 0, json.stderr);
  return { text: text.stdout, json: JSON.parse(json.stdout) };
}
async function statusText(m: Migration) {
  const text = await mailshift(m, ['status', m.manifest]);
  assert.is(text.code, 0, text.stderr);
  return text.stdout;
}
async function applied(m: Migration, planFile: string) {
  const result = await mailshift(m, ['apply', planFile]);
  assert.is(result.code, 0, result.stderr + result.stdout);
}
async function planned(m: Migration, phase: string) {
  const result = await mailshift(m, ['plan', m.manifest, '--phase', phase, '--quiet']);
  assert.is(result.code, 0, result.stderr);
  return m.planPath(phase);
}

/** Waits until the clock is past the whole second the plan file names as its creation. */
async function passSecondOf(planFile: string): Promise<void> {
  const createdAt = Date.parse((JSON.parse(readFileSync(planFile, 'utf8')) as { createdAt: string }).createdAt);
  const wait = createdAt + 1000 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

test('the cutover: order refused, status at each step, the MX gate, and a drain that deletes only what is safely on the target', async () => {
  const m = await newMigration('runbook', { phases: CUTOVER });
  try {
    const name = 'runbook';
    await fillMailbox(m.source.server, m.source, {
      INBOX: [
        { name: 'old-30d', date: hoursAgo(30 * 24) },
        { name: 'recent-10h', date: hoursAgo(10) },
        { name: 'old-3d', date: hoursAgo(72) },
        { name: 'recent-2h', date: hoursAgo(2) },
      ],
      Work: [
        { name: 'work-recent', date: hoursAgo(3) },
        { name: 'work-old', date: hoursAgo(96) },
      ],
    });

    // Plans may be made ahead of time; apply refuses them while their requirements are not done.
    const early = await mailshift(m, ['plan', m.manifest, '--phase', 'final']);
    assert.is(early.code, 0, early.stderr);
    assert.match(
      early.stderr,
      'warning: phase "final" requires presync (not applied yet): apply will refuse this plan until then',
    );
    const refused = await mailshift(m, ['apply', m.planPath('final')]);
    assert.is(refused.code, 1);
    assert.match(refused.stderr, 'cannot apply phase "final": it requires presync (not applied yet)');
    assert.match(refused.stderr, `run first: mailshift plan ${m.manifest} --phase presync, then apply that plan.`);
    assert.match(refused.stderr, 'add --force');
    assert.not.ok(hasStackTrace(refused.stderr));
    assert.equal(auditFiles(m.manifest, name), [], 'a refused apply writes no audit file');
    assert.equal((await mailboxState(m.target.server, m.target)).INBOX, [], 'and touches nothing');

    let now = await status(m);
    assert.match(now.text, /\npresync\s+sync\s+next\s+-\s+none\s+-\n/);
    assert.match(now.text, /\nfinal\s+sync\s+blocked\s+presync ✗\s+\S+ \S+: \d+ folders to create, 6 copies/);
    assert.match(
      now.text,
      /\nswitch-mx\s+manual\s+ready\s+-\s+-\s+pending\n/,
      'the gate requires nothing in this manifest',
    );
    assert.match(now.text, `\nNext: mailshift plan ${m.manifest} --phase presync\n`);
    assert.equal(now.json.next.action, 'plan');

    const presyncPlan = await planned(m, 'presync');
    assert.match(await statusText(m), `\nNext: mailshift apply ${presyncPlan}\n`);
    await passSecondOf(m.planPath('final')); // for the early final plan to be outdated by this apply
    await applied(m, presyncPlan);
    now = { ...now, text: await statusText(m) };
    assert.match(
      now.text,
      new RegExp(`\\npresync\\s+sync\\s+done\\s+-\\s+\\S+ \\S+: .*, applied\\s+ok \\S+ \\S+ by ${OPERATOR}: 6 copied`),
    );
    assert.match(
      now.text,
      `\nNext: mailshift plan ${m.manifest} --phase final\n`,
      'the final plan was made before presync was applied: plan again',
    );
    assert.match(now.text, 'made before presync');

    await applied(m, await planned(m, 'final'));
    const drainPlanEarly = await planned(m, 'drain-source');
    // Refusals change nothing, so they may run side by side (a gate of a sync phase is refused before the lock).
    const [drainRefused, notManual] = await Promise.all([
      mailshift(m, ['apply', drainPlanEarly]),
      mailshift(m, ['gate', m.manifest, 'final']),
    ]);
    assert.is(drainRefused.code, 1);
    assert.match(
      drainRefused.stderr,
      'cannot apply phase "drain-source": it requires switch-mx (a manual gate, not recorded yet)',
    );
    assert.match(drainRefused.stderr, `run first: mailshift gate ${m.manifest} switch-mx --note "…".`);
    assert.equal(auditFiles(m.manifest, name).length, 2, 'presync and final only');

    assert.is(notManual.code, 1);
    assert.match(notManual.stderr, 'phase "final" is a sync phase, not a manual gate');
    assert.match(notManual.stderr, `run mailshift plan ${m.manifest} --phase final`);

    now = await status(m);
    assert.match(
      now.text,
      /\nswitch-mx\s+manual\s+next\s+-\s+-\s+pending\n {2}Switch the MX record to the new host\.\n/,
    );
    assert.match(
      now.text,
      `\nNext: mailshift gate ${m.manifest} switch-mx --note "…"\n      a manual step: Switch the MX record to the new host. Record it once done.\n`,
    );
    assert.equal([now.json.next.action, now.json.phases[2].gate], ['gate', { done: false }]);

    // Plans name whole seconds, and a gate recorded in a plan's own second counts as done before
    // it: the drain plan above is outdated by the gate only if the gate comes in a later second.
    await passSecondOf(drainPlanEarly);
    const gate = await mailshift(m, ['gate', m.manifest, 'switch-mx', '--note', 'MX switched at 07:00, TTL 300']);
    assert.is(gate.code, 0, gate.stderr);
    assert.match(gate.stdout, 'Gate switch-mx recorded in ');
    const gateFile = auditFiles(m.manifest, name).find((file) => file.endsWith('-switch-mx.jsonl'))!;
    const gateId = JSON.parse(readFileSync(join(auditDirFor(m.manifest, name), gateFile), 'utf8').split('\n')[0]!)
      .applyId as string;
    const [again, audit, shown] = await Promise.all([
      mailshift(m, ['gate', m.manifest, 'switch-mx']),
      mailshift(m, ['audit', m.manifest]),
      mailshift(m, ['audit', m.manifest, gateId.slice(0, 8)]),
    ]);
    assert.is(again.code, 0, again.stderr);
    assert.match(again.stdout, `Phase switch-mx was already gated on `);
    assert.match(again.stdout, `by ${OPERATOR} (note: MX switched at 07:00, TTL 300); nothing recorded`);
    assert.equal(auditFiles(m.manifest, name).length, 3, 'one gate file, written once');

    assert.is(audit.code, 0, audit.stderr);
    assert.match(
      audit.stdout,
      new RegExp(
        `\\n\\S+ \\S+\\s+switch-mx\\s+(\\S+)\\s+${OPERATOR}\\s+gated\\s+-\\s+-\\s+-\\s+-\\s+MX switched at 07:00, TTL 300\\n`,
      ),
    );
    assert.match(audit.stdout, 'hash chain: ok (3 files)');
    assert.is(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, `gate ${gateId}: phase switch-mx, recorded\n  recorded  `);
    assert.match(shown.stdout, `by ${OPERATOR} (mailshift `);
    assert.match(shown.stdout, '  note      MX switched at 07:00, TTL 300\n');

    // Mail keeps arriving at the old host until the MX change has spread.
    await fillMailbox(m.source.server, m.source, { INBOX: [{ name: 'arrived-after-gate', date: hoursAgo(0.1) }] });
    now = { ...now, text: await statusText(m) };
    assert.match(
      now.text,
      /\nswitch-mx\s+manual\s+done\s+-\s+-\s+gated \S+ \S+ by \S+\n {2}Switch the MX record to the new host\.\n {2}note: MX switched at 07:00, TTL 300\n/,
    );
    assert.match(
      now.text,
      `\nNext: mailshift plan ${m.manifest} --phase drain-source\n      the plan was made before switch-mx was done`,
    );

    const drainPlan = await planned(m, 'drain-source');
    await fillMailbox(m.source.server, m.source, { INBOX: [{ name: 'arrived-after-plan', date: new Date() }] });
    const before = await mailboxState(m.source.server, m.source);
    await applied(m, drainPlan);
    const [source, target] = await Promise.all([
      mailboxState(m.source.server, m.source),
      mailboxState(m.target.server, m.target),
    ]);

    const ids = (messages: Array<{ messageId: string | null }> = []) => messages.map((x) => x.messageId).sort();
    assert.equal(
      ids(source.INBOX),
      ['<arrived-after-plan@test>', '<old-30d@test>', '<old-3d@test>'],
      "the last day's INBOX mail is gone from the source, older mail and mail that arrived after the plan stay",
    );
    assert.equal(source.Work, before.Work, 'other folders are untouched');
    const deleted = before.INBOX!.filter((x) => !source.INBOX!.some((kept) => kept.uid === x.uid));
    assert.equal(ids(deleted), ['<arrived-after-gate@test>', '<recent-10h@test>', '<recent-2h@test>']);
    const onTarget = new Set(target.INBOX!.map((x) => x.sha256));
    for (const message of deleted)
      assert.ok(
        onTarget.has(message.sha256),
        `${message.messageId} is on the target byte for byte before it left the source`,
      );
    assert.not.ok(
      ids(target.INBOX).includes('<arrived-after-plan@test>'),
      'mail that arrived after the plan waits for the next drain',
    );

    const [done, chain] = await Promise.all([status(m), mailshift(m, ['audit', m.manifest])]);
    now = done;
    assert.match(
      now.text,
      /\ndrain-source\s+sync\s+done\s+switch-mx ✓\s+.*, applied\s+ok \S+ \S+ by \S+: 1 copied .*3 deleted on source/,
    );
    assert.match(now.text, '\nThe runbook is complete: every phase is applied or gated.\n');
    assert.equal([now.json.complete, now.json.next], [true, null]);
    assert.is(chain.code, 0, chain.stderr);
    assert.match(chain.stdout, 'hash chain: ok (4 files)');
  } finally {
    m.remove();
  }
});

test('--force applies out of order, and the audit log says so; apply --phase refuses before reading the servers', async () => {
  const m = await newMigration('runbook-force', {
    phases: [{ name: 'presync' }, { name: 'final', requires: ['presync'] }],
    folders: { include: ['^INBOX$'] },
  });
  try {
    await fillMailbox(m.source.server, m.source, { INBOX: [{ name: 'a' }] });
    const early = await mailshift(m, ['apply', m.manifest, '--phase', 'final', '--auto-approve']);
    assert.is(early.code, 1);
    assert.match(early.stderr, 'cannot apply phase "final": it requires presync (not applied yet)');
    assert.not.ok(existsSync(m.planPath('final')), 'refused before planning');

    const planFile = await planned(m, 'final');
    const forced = await mailshift(m, ['apply', planFile, '--force']);
    assert.is(forced.code, 0, forced.stderr);
    assert.match(forced.stderr, 'warning: --force: applying phase "final" although presync is not done');
    const [file] = auditFiles(m.manifest, 'runbook-force');
    const start = JSON.parse(
      readFileSync(join(auditDirFor(m.manifest, 'runbook-force'), file!), 'utf8').split('\n')[0]!,
    );
    assert.equal([start.kind, start.phase, start.forced, start.unmetRequires], ['apply', 'final', true, ['presync']]);

    const [audit, shown, now] = await Promise.all([
      mailshift(m, ['audit', m.manifest]),
      mailshift(m, ['audit', m.manifest, start.applyId]),
      status(m),
    ]);
    assert.match(
      audit.stdout,
      /\s+final\s+\S+\s+\S+\s+ok, FORCED\s+1\s+0\s+0\s+0\s+forced although presync was not done\n/,
    );
    assert.match(shown.stdout, `apply ${start.applyId}: phase final, ok (forced)\n`);
    assert.match(shown.stdout, '  FORCED    although presync was not done (--force)\n');

    assert.match(now.text, /\nfinal\s+sync\s+done\s+presync ✗\s+.*ok \(forced\)/);
    assert.match(now.text, '\n  forced although presync was not done\n');
    assert.equal(
      [now.json.next.phase, now.json.phases[1].lastApply.forced, now.json.phases[1].lastApply.unmetRequires],
      ['presync', true, ['presync']],
    );
  } finally {
    m.remove();
  }
});

test('gate and status work offline: a gate waits for its requirements, --force records it anyway, no secret in the log', async () => {
  const folder = manifestFolder();
  try {
    const manifest = folder.write('offline.json', {
      ...validManifest(),
      name: 'offline',
      phases: [{ name: 'presync' }, { name: 'freeze', manual: 'Freeze changes', requires: ['presync'] }],
    });
    const [waiting, unknown] = await Promise.all([
      runMailshift(['gate', manifest, 'freeze', '--note', 'x']),
      runMailshift(['gate', manifest, 'frezee']),
    ]);
    assert.is(waiting.code, 1);
    assert.match(waiting.stderr, 'cannot record the gate "freeze": it requires presync (not applied yet)');
    assert.match(waiting.stderr, `run first: mailshift plan ${manifest} --phase presync, then apply that plan.`);
    assert.equal(auditFiles(manifest, 'offline'), []);

    assert.is(unknown.code, 1);
    assert.match(unknown.stderr, 'the manifest has no phase "frezee"');
    assert.match(unknown.stderr, 'did you mean freeze?');

    const forced = await runMailshift([
      'gate',
      manifest,
      'freeze',
      '--force',
      '--note',
      'frozen by\u001b[31m ops\nticket OPS-7',
    ]);
    assert.is(forced.code, 0, forced.stderr);
    assert.match(forced.stderr, 'warning: --force: gate freeze recorded although presync is not done');
    const [file] = auditFiles(manifest, 'offline');
    const text = readFileSync(join(auditDirFor(manifest, 'offline'), file!), 'utf8');
    const [start, action] = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.equal(
      [start.kind, start.planSha256, start.forced, start.unmetRequires, start.manifest.path],
      ['gate', null, true, ['presync'], '../../offline.json'],
    );
    assert.is(action.note, 'frozen by [31m ops ticket OPS-7', 'control characters become spaces');
    assert.not.match(text, /ALICE_OLD_PW|alice\.pw|password/);

    const now = await runMailshift(['status', manifest]);
    assert.is(now.code, 0, now.stderr);
    assert.match(now.stdout, /\nfreeze\s+manual\s+done\s+presync ✗\s+-\s+gated \(forced\)/);
    assert.match(now.stdout, `\nNext: mailshift plan ${manifest} --phase presync\n`);
  } finally {
    folder.remove();
  }
});

test.run();
