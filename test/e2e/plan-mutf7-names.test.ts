// A folder name that is not valid modified UTF-7 (RFC 3501 §5.1.3) would be decoded by imapflow
// and encoded again as another mailbox's name ("Bad&Jjo" → "Bad&Jjo-"), so mailshift would read
// or write the wrong mailbox. Such a folder is an error of its own, named as the server sent it
// with the reason; nothing is sent about it, and the rest of the account is planned. The source
// is the scripted fault injector (no real server lets such a name be created), the target Dovecot.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runMailshift } from '../support/cli.ts';
import { newMigration } from '../support/migration.ts';
import { startScriptedServer, type ScriptedFolder } from '../support/scripted-imap-server.ts';
import { dovecotPair } from '../support/servers.ts';

const folder = (name: string, uid: number): ScriptedFolder => ({
  name,
  uidValidity: 3,
  messages: [
    { uid, raw: `Message-ID: <m${uid}@example.org>\r\nSubject: in ${name}\r\nFrom: a@example.org\r\n\r\nHello.\r\n` },
  ],
});

test('a source folder whose name is not valid modified UTF-7 fails alone, named as listed, and is never opened', async () => {
  const source = await startScriptedServer({
    folders: [
      folder('INBOX', 1),
      folder('Good', 2),
      folder('Bad&Jjo', 3),
      folder('B\u00e4d', 4),
      folder('Entw&APw-rfe', 5),
    ],
  });
  const m = await newMigration(
    'mutf7-names',
    { phases: [{ name: 'presync' }] },
    { sourceServer: source, targetServer: (await dovecotPair()).dot },
  );
  try {
    const planned = await runMailshift(['plan', m.manifest, '--phase', 'presync'], { env: m.env });
    assert.is(planned.code, 1, planned.output);
    assert.match(
      planned.stderr,
      /folder "Bad&Jjo" as the server lists it: "&Jjo" is not valid modified UTF-7: the shift is not closed by '-'.*rename the folder on the server.*nothing is planned for this folder; the rest of the account is/s,
    );
    // imapflow reads the name as UTF-8, so the byte E4 arrives as U+FFFD: named so, refused all the same.
    assert.match(
      planned.stderr,
      /folder "B\\u\{fffd\}d" as the server lists it: it holds a byte that is not ASCII \(read as U\+FFFD\)/,
    );
    assert.match(planned.stdout, /INBOX → .*copy 1 message/);
    assert.match(planned.stdout, /Good → .*copy 1 message/);
    assert.match(planned.stdout, /Entwürfe → .*copy 1 message/);
    const named = source.commands.filter((line) => /\b(STATUS|EXAMINE|SELECT)\b/i.test(line));
    assert.ok(named.length > 0, 'the readable folders were read');
    for (const line of named) assert.not.match(line, /Bad|B.d"/, line);
  } finally {
    m.remove();
    await source.stop();
  }
});

test.run();
