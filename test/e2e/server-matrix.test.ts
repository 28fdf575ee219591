// The server matrix: one small mailbox migrated through the CLI between Dovecot, Cyrus (both
// namespace styles), Courier, mailutils and Dovecots advertising other brands' capabilities: plan,
// apply, verify --content, a re-plan that converges to 0, an idempotent second apply, and then the
// target read directly: every message once, in the folder it belongs in, with its flags.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runMailshift, type CliResult } from '../support/cli.ts';
import { courierServer } from '../support/courier.ts';
import { cyrusServer } from '../support/cyrus.ts';
import { NO_UIDPLUS_CAPABILITIES, OFFICE365_CAPABILITIES } from '../support/dovecot-config.ts';
import { mailutilsServer } from '../support/mailutils.ts';
import { folderName, MATRIX_MAILBOX, readMatrixMailbox, seedMatrixMailbox } from '../support/matrix-mailbox.ts';
import { newMigration, type AnyServer } from '../support/migration.ts';
import { dovecotPair, sharedDovecot } from '../support/servers.ts';

type Start = () => Promise<AnyServer>;

const dovecotSlash: Start = async () => (await dovecotPair()).slash;
const dovecotDot: Start = async () => (await dovecotPair()).dot;

const PAIRS: ReadonlyArray<{ source: [string, Start]; target: [string, Start] }> = [
  { source: ['Dovecot (slash)', dovecotSlash], target: ['Cyrus A', () => cyrusServer('A')] },
  { source: ['Cyrus B', () => cyrusServer('B')], target: ['Dovecot (dot)', dovecotDot] },
  { source: ['Dovecot (slash)', dovecotSlash], target: ['Courier', courierServer] },
  { source: ['Courier', courierServer], target: ['Dovecot (slash)', dovecotSlash] },
  { source: ['Dovecot (slash)', dovecotSlash], target: ['mailutils', mailutilsServer] },
  { source: ['mailutils', mailutilsServer], target: ['Dovecot (slash)', dovecotSlash] },
  { source: ['Cyrus A', () => cyrusServer('A')], target: ['Courier', courierServer] },
  { source: ['Courier', courierServer], target: ['Cyrus B', () => cyrusServer('B')] },
  {
    source: ['Dovecot (slash)', dovecotSlash],
    target: ['Dovecot as Office 365', () => sharedDovecot({ layout: 'slash', capabilities: OFFICE365_CAPABILITIES })],
  },
  {
    source: ['Dovecot (slash)', dovecotSlash],
    target: ['Dovecot without UIDPLUS', () => sharedDovecot({ layout: 'dot', capabilities: NO_UIDPLUS_CAPABILITIES })],
  },
];

/** mailutils stores no keywords at all: the one target where $Label1 must be dropped (the plan warns), not sent. */
const KEEPS_KEYWORDS = (targetName: string) => targetName !== 'mailutils';

/** Each step runs even after an earlier one failed, so one red test names every step that broke. */
function step(problems: string[], name: string, result: CliResult, expectedCode: number): CliResult {
  if (result.code !== expectedCode)
    problems.push(`${name} exited ${result.code}, expected ${expectedCode}:\n${result.output.trimEnd()}`);
  return result;
}

PAIRS.forEach(({ source: [sourceName, startSource], target: [targetName, startTarget] }, index) => {
  test(`${sourceName} → ${targetName}: plan, apply, verify --content, re-plan 0, idempotent re-apply; every message once`, async () => {
    const [sourceServer, targetServer] = await Promise.all([startSource(), startTarget()]);
    const m = await newMigration(
      `matrix-${index + 1}`,
      { phases: [{ name: 'presync' }] },
      { sourceServer, targetServer },
    );
    try {
      const seeded = await seedMatrixMailbox(m.source.server, m.source);
      const env = m.env;
      const problems: string[] = [];
      step(problems, 'plan', await runMailshift(['plan', m.manifest, '--phase', 'presync', '--quiet'], { env }), 0);
      step(problems, 'apply', await runMailshift(['apply', m.planPath('presync')], { env }), 0);
      step(
        problems,
        'verify --content',
        await runMailshift(['verify', m.manifest, '--phase', 'presync', '--content'], { env }),
        0,
      );
      step(
        problems,
        're-plan --detailed-exitcode',
        await runMailshift(['plan', m.manifest, '--phase', 'presync', '--detailed-exitcode'], { env }),
        0,
      );
      const reapplied = step(
        problems,
        'second apply',
        await runMailshift(['apply', m.planPath('presync')], { env }),
        0,
      );
      if (!reapplied.stdout.includes('Apply complete: 0 copied'))
        problems.push(`second apply did not report "Apply complete: 0 copied":\n${reapplied.output.trimEnd()}`);

      const expected: Record<string, string[]> = {};
      for (const { path } of MATRIX_MAILBOX) {
        const rows = seeded.get(JSON.stringify(path)) ?? [];
        expected[folderName(m.target.server, path)] = KEEPS_KEYWORDS(targetName)
          ? rows
          : rows.map((row) => row.replace(/,?\$Label1/, '').replace(/ ,/, ' ')).sort();
      }
      const found = await readMatrixMailbox(m.target.server, m.target);
      const onTarget = Object.fromEntries(
        Object.entries(found).filter(([folder, rows]) => rows.length > 0 || folder in expected),
      );
      for (const folder of new Set([...Object.keys(expected), ...Object.keys(onTarget)])) {
        const [want, got] = [expected[folder], onTarget[folder]];
        if (JSON.stringify(want) !== JSON.stringify(got)) {
          problems.push(
            `target folder ${folder}: expected ${want ? `[${want.join('; ')}]` : 'no such folder'}, found ${got ? `[${got.join('; ')}]` : 'no selectable folder'}`,
          );
        }
      }
      assert.equal(problems, [], `${sourceName} → ${targetName}:\n${problems.join('\n\n')}`);
    } finally {
      m.remove();
    }
  });
});

test.run();
