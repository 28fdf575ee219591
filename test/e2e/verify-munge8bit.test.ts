// Cyrus, as Debian ships it (munge8bit on), stores 8-bit bytes in a message's header as "X": the
// copy differs from its source, and verify --content says why and which setting keeps them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runMailshift } from '../support/cli.ts';
import { cyrusServer } from '../support/cyrus.ts';
import { serverClient } from '../support/imap-server.ts';
import { newMigration } from '../support/migration.ts';
import { plainClient } from '../support/seed.ts';

const EIGHT_BIT = Buffer.concat([
  Buffer.from('From: Jörg <joerg@example.org>\r\nTo: bob@example.org\r\nSubject: Grüße aus Köln\r\n', 'utf8'),
  Buffer.from(
    'Message-ID: <munge-1@example.org>\r\nDate: Sat, 1 Nov 2026 10:00:00 +0000\r\n\r\nBody with ümlauts stays.\r\n',
    'utf8',
  ),
]);
const ASCII = Buffer.from(
  'From: a@example.org\r\nSubject: plain\r\nMessage-ID: <munge-2@example.org>\r\n\r\nPlain.\r\n',
);

test("verify --content names Cyrus' munge8bit for headers whose 8-bit bytes became X", async () => {
  const cyrus = await cyrusServer('A');
  const m = await newMigration(
    'munge',
    { phases: [{ name: 'presync' }], folders: { include: ['^INBOX$'] } },
    { targetServer: cyrus },
  );
  const [slash, source, target, env] = [m.source.server, m.source, m.target, m.env];
  try {
    const client = plainClient(slash, source);
    await client.connect();
    await client.append('INBOX', EIGHT_BIT, ['\\Seen']);
    await client.append('INBOX', ASCII, []);
    await client.logout();

    assert.is((await runMailshift(['plan', m.manifest, '--phase', 'presync'], { env })).code, 0);
    const applied = await runMailshift(['apply', m.planPath('presync'), '--quiet'], { env });
    assert.is(applied.code, 0, applied.output);
    const stored = serverClient(cyrus, target);
    await stored.connect();
    await stored.mailboxOpen('INBOX');
    const subjects = [];
    for await (const message of stored.fetch('1:*', { envelope: true, source: true }))
      subjects.push(message.source!.toString('latin1'));
    await stored.logout();
    assert.ok(
      subjects.some((text) => /Subject: GrXXXXe aus KXXln/.test(text)),
      subjects.join('\n---\n'),
    );

    const verified = await runMailshift(['verify', m.manifest, '--phase', 'presync', '--content'], { env });
    assert.is(verified.code, 2, verified.output);
    assert.match(verified.stdout, /1 message with another body/);
    assert.match(verified.stdout, /8-bit header bytes turned into X/);
    assert.match(verified.stdout, /munge8bit: no/);
    const json = await runMailshift(['verify', m.manifest, '--phase', 'presync', '--content', '--format', 'json'], {
      env,
    });
    assert.match(json.stdout, /"likelyCause":\s*"munge8bit"/);
  } finally {
    m.remove();
  }
});

test.run();
