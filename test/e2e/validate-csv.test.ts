// Accounts from a CSV of users, as an admin writes it: `ms.csv(importstr 'users.csv')`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasStackTrace, runMailshift } from '../support/cli.ts';
import { manifestFolder } from '../support/manifests.ts';

const folder = manifestFolder();
test.after(() => folder.remove());

/** A manifest whose accounts are the rows of `csv` (columns id, old, new). */
function csvManifest(name: string, csv: string): string {
  return folder.write(
    `${name}.jsonnet`,
    `local ms = import 'mailshift.libsonnet';
local users = ms.csv(importstr '${csv}');
{
  apiVersion: 'mailshift/v1', name: 'from-csv',
  defaults: { source: ms.presets.dovecot('old.example'), target: ms.presets.dovecot('new.example') },
  accounts: [ms.account(u.id, u.old, u.new) + (if std.objectHas(u, 'note') && u.note != '' then { description: u.note } else {}) for u in users],
  phases: [ms.phases.presync()],
}
`,
  );
}

test('ms.csv reads a header row, quoted fields, CRLF line endings and no trailing newline', async () => {
  folder.write(
    'users.csv',
    'id,old,new,note\r\nalice,alice@old.example,alice@new.example,"Doe, Alice"\r\n' +
      'bob,bob@old.example,bob@new.example,"says ""hi""\r\non two lines"\r\ncarol,carol@old.example,carol@new.example,',
  );
  const file = csvManifest('users', 'users.csv');
  const result = await runMailshift(['validate', '--print', file]);
  assert.is(result.stderr, '');
  assert.is(result.code, 0);
  const accounts = JSON.parse(result.stdout).accounts;
  assert.equal(
    accounts.map((a: any) => [a.id, a.source.user, a.target.user, a.description]),
    [
      ['alice', 'alice@old.example', 'alice@new.example', 'Doe, Alice'],
      ['bob', 'bob@old.example', 'bob@new.example', 'says "hi"\r\non two lines'],
      ['carol', 'carol@old.example', 'carol@new.example', undefined],
    ],
  );
});

test('an unterminated quote is an error naming the row where it opened, at the ms.csv call', async () => {
  folder.write('open-quote.csv', 'id,old,new\nalice,a@old,a@new\nbob,"b@old,b@new\ncarol,c@old,c@new\n');
  const file = csvManifest('open-quote', 'open-quote.csv');
  const result = await runMailshift(['validate', file]);
  assert.is(result.code, 1);
  assert.is(result.stdout, '');
  assert.match(result.stderr, `error: ${file}:2:`);
  assert.match(result.stderr, 'CSV row 3: the quote opened in field 2 (old) is never closed');
  assert.match(result.stderr, 'hint: ');
  assert.not.ok(hasStackTrace(result.stderr));
});

test('a row with the wrong number of fields is an error naming the row and the header', async () => {
  folder.write('short-row.csv', 'id,old,new\nalice,a@old,a@new\nbob,b@old\n');
  const file = csvManifest('short-row', 'short-row.csv');
  const result = await runMailshift(['validate', file]);
  assert.is(result.code, 1);
  assert.match(result.stderr, 'CSV row 3 has 2 fields, but the header row has 3 (id, old, new)');
});

test('import of a CSV (not importstr) says how to read a CSV', async () => {
  folder.write('plain.csv', 'id,old,new\nalice,a@old,a@new\n');
  const file = folder.write('import-csv.jsonnet', "local users = import 'plain.csv';\n{ accounts: users }\n");
  const result = await runMailshift(['validate', file]);
  assert.is(result.code, 1);
  assert.match(result.stderr, "ms.csv(importstr 'plain.csv')");
});

test('10,000 CSV rows validate in a few seconds', async () => {
  const rows = Array.from(
    { length: 10_000 },
    (_, i) => `user${i},"user${i}@old.example","user${i}@new.example","Doe, J. ${i}"`,
  );
  folder.write('big.csv', `id,old,new,note\r\n${rows.join('\r\n')}\r\n`);
  const file = csvManifest('big', 'big.csv');
  const started = Date.now();
  const result = await runMailshift(['validate', file]);
  const seconds = (Date.now() - started) / 1000;
  assert.is(result.stderr, '');
  assert.is(result.code, 0);
  assert.ok(seconds < 20, `${seconds} s`);
});

test.run();
