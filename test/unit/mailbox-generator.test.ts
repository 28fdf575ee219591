import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  generateFolders,
  generateMessages,
  type GeneratedMessage,
  type MailboxSpec,
} from '../support/mailbox-generator.ts';

const KB = 1024;
const MB = 1024 * 1024;

function fingerprint(spec: MailboxSpec): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(generateFolders(spec)));
  for (const message of generateMessages(spec)) {
    hash.update(JSON.stringify([message.folder, message.flags, message.internalDate.toISOString()]));
    hash.update(message.raw);
  }
  return hash.digest('hex');
}

/** Header name (lower case) → unfolded values, from the header block of a raw message. */
function headers(raw: Buffer): Map<string, string[]> {
  const text = raw.toString('utf8');
  const block = text.slice(0, text.indexOf('\r\n\r\n')).replace(/\r\n[ \t]/g, ' ');
  const fields = new Map<string, string[]>();
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    fields.set(name, [...(fields.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return fields;
}

const SPECS: MailboxSpec[] = [
  { seed: 1, messages: 200, otherDelimiter: '.' },
  { seed: 2, messages: 200, otherDelimiter: '/' },
  { seed: 77, messages: 200, otherDelimiter: '.' },
  { seed: 4_000_000_007, messages: 200, otherDelimiter: '/' },
];

test('the same spec produces byte-identical mailboxes', () => {
  for (const spec of SPECS.slice(0, 2)) assert.is(fingerprint(spec), fingerprint({ ...spec }));
});

test('different seeds produce different mailboxes', () => {
  const prints = new Set(SPECS.map((spec) => fingerprint({ ...spec, otherDelimiter: '.' })));
  assert.is(prints.size, SPECS.length);
});

test('messages are generated lazily, one at a time', () => {
  const started = Date.now();
  const first = generateMessages({ seed: 9, messages: 50_000_000, otherDelimiter: '.' }).next();
  assert.is(first.done, false);
  assert.ok(Date.now() - started < 1000, 'the first message should not wait for the rest');
});

test('exactly spec.messages messages are yielded', () => {
  for (const messages of [0, 1, 2, 13, 60, 201]) {
    assert.is(
      [...generateMessages({ seed: 3, messages, otherDelimiter: '/' })].length,
      messages,
      `messages: ${messages}`,
    );
  }
});

for (const spec of SPECS) {
  const label = `seed ${spec.seed}, other delimiter "${spec.otherDelimiter}"`;

  test(`folders cover special-use, nesting, non-ASCII, the other delimiter and an empty folder (${label})`, () => {
    const folders = generateFolders(spec);
    const byName = new Map(folders.map((folder) => [folder.path.join('\u0000'), folder]));
    assert.ok(byName.has('INBOX'));
    for (const [name, use] of [
      ['Sent', '\\Sent'],
      ['Drafts', '\\Drafts'],
      ['Trash', '\\Trash'],
      ['Junk', '\\Junk'],
      ['Archive', '\\Archive'],
    ]) {
      assert.is(byName.get(name!)?.specialUse, use, name);
    }
    assert.ok(
      folders.some((folder) => folder.path.length === 3),
      'a folder nested three deep',
    );
    for (const name of ['Entwürfe', 'Éléments envoyés', 'Проекты']) {
      assert.ok(byName.has(name), name);
      assert.is(byName.get(name)?.specialUse, undefined, `${name} is an ordinary folder`);
    }
    assert.ok(folders.some((folder) => folder.path.some((segment) => segment.includes(spec.otherDelimiter))));
    const other = spec.otherDelimiter === '.' ? '/' : '.';
    assert.not.ok(
      folders.some((folder) => folder.path.some((segment) => segment.includes(other))),
      'own delimiter inside a name',
    );
    const parents = folders
      .filter((folder) => folder.path.length > 1)
      .map((folder) => folder.path.slice(0, -1).join('\u0000'));
    for (const parent of parents) assert.ok(byName.has(parent), `parent ${parent} is listed`);

    const used = new Set<string>();
    for (const message of generateMessages(spec)) used.add(message.folder.join('\u0000'));
    for (const folder of used) assert.ok(byName.has(folder), `message in unlisted folder ${folder}`);
    const empty = folders.filter((folder) => !used.has(folder.path.join('\u0000')));
    assert.is(empty.length, 1, 'exactly one empty folder');
  });

  test(`messages carry every feature the migration must handle (${label})`, () => {
    const messages: GeneratedMessage[] = [...generateMessages(spec)];
    const flags = new Set(messages.flatMap((message) => message.flags));
    for (const flag of [
      '\\Seen',
      '\\Answered',
      '\\Flagged',
      '\\Draft',
      '\\Deleted',
      '$Forwarded',
      '$Junk',
      'Project-X',
    ]) {
      assert.ok(flags.has(flag), `some message has ${flag}`);
    }
    const parsed = messages.map((message) => headers(message.raw));
    assert.ok(
      parsed.every((fields) => ['date', 'from', 'to', 'subject', 'mime-version'].every((name) => fields.has(name))),
    );
    const withoutId = parsed.filter((fields) => !fields.has('message-id'));
    assert.ok(
      withoutId.length >= 2 && withoutId.length < messages.length * 0.15,
      `${withoutId.length} without Message-ID`,
    );
    assert.ok(
      withoutId.some((fields) => !fields.has('received')),
      'some with neither Message-ID nor Received',
    );
    assert.ok(
      withoutId.some((fields) => fields.has('received')),
      'some without Message-ID but with Received',
    );
    assert.ok(
      parsed.some((fields) => (fields.get('received')?.length ?? 0) >= 3),
      'several Received headers',
    );
    assert.ok(
      parsed.filter((fields) => (fields.get('subject')?.[0] ?? '').match(/[^\x00-\x7f]/)).length >= 2,
      '8-bit subjects',
    );

    const firstByDigest = new Map<string, number>();
    let duplicates = 0;
    messages.forEach((message, index) => {
      const digest = createHash('sha1').update(message.raw).digest('hex');
      const earlier = firstByDigest.get(digest);
      if (earlier === undefined) return void firstByDigest.set(digest, index);
      duplicates += 1;
      assert.equal(messages[earlier]!.folder, message.folder, 'a duplicate stays in its folder');
    });
    assert.ok(duplicates >= 2, `${duplicates} exact duplicates`);
    const ids = [...firstByDigest.values()].flatMap((index) => parsed[index]!.get('message-id') ?? []);
    assert.is(new Set(ids).size, ids.length, 'Message-IDs are unique apart from exact duplicates');

    const dates = messages.map((message) => message.internalDate.getTime());
    assert.is(new Set(dates).size, dates.length, 'INTERNALDATEs are distinct');
    assert.ok(
      dates.every((date) => date % 1000 === 0),
      'INTERNALDATEs are whole seconds',
    );
  });

  test(`raw messages use CRLF only and sizes follow the spread (${label})`, () => {
    const sizes: number[] = [];
    for (const message of generateMessages(spec)) {
      const text = message.raw.toString('latin1');
      assert.not.ok(/[^\r]\n|\r[^\n]|\r$/.test(text), 'a bare LF or CR');
      assert.ok(text.includes('\r\n\r\n'), 'a header/body separator');
      sizes.push(message.raw.length);
    }
    const small = sizes.filter((size) => size >= 2 * KB && size <= 20 * KB).length;
    const large = sizes.filter((size) => size > 20 * KB).length;
    assert.ok(
      sizes.every((size) => size >= 2 * KB && size <= 2 * MB),
      `sizes between 2 KB and 2 MB, got ${Math.min(...sizes)}..${Math.max(...sizes)}`,
    );
    assert.ok(small / sizes.length >= 0.9, `${small} of ${sizes.length} in 2-20 KB`);
    assert.ok(large >= 2 && large / sizes.length <= 0.08, `${large} over 20 KB`);
  });
}

test('largeAttachments adds a few multi-megabyte base64 attachments', () => {
  const sizes = [...generateMessages({ seed: 5, messages: 120, otherDelimiter: '.', largeAttachments: true })]
    .filter((message) => message.raw.length > 2 * MB)
    .map((message) => {
      assert.match(message.raw.toString('latin1'), /Content-Transfer-Encoding: base64/);
      return message.raw.length;
    });
  assert.ok(sizes.length >= 2 && sizes.length <= 5, `${sizes.length} multi-MB messages`);
  assert.ok(
    sizes.every((size) => size <= 10 * MB),
    'still bounded',
  );
  const plain = [...generateMessages({ seed: 5, messages: 120, otherDelimiter: '.' })];
  assert.ok(
    plain.every((message) => message.raw.length <= 2 * MB),
    'none without the option',
  );
});

test.run();
