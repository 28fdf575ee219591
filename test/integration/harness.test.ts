import { existsSync } from 'node:fs';
import { ImapFlow } from 'imapflow';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startDovecot, type DovecotServer } from '../support/dovecot.ts';
import { NO_UIDPLUS_CAPABILITIES, OFFICE365_CAPABILITIES } from '../support/dovecot-config.ts';
import { generateFolders, generateMessages, type MailboxSpec } from '../support/mailbox-generator.ts';
import { readGreeting } from '../support/ports.ts';
import { mailboxPath, plainClient, resolveFolders, seedMailbox, type Account } from '../support/seed.ts';
import { dovecotPair, freshUser } from '../support/servers.ts';

type Transport = 'plaintext' | 'starttls' | 'implicit-tls';

function client(server: DovecotServer, account: Account, transport: Transport, ca?: string): ImapFlow {
  const tls = { ...(ca === undefined ? {} : { ca }), rejectUnauthorized: true };
  return new ImapFlow({
    host: server.host,
    port: transport === 'implicit-tls' ? server.ports.tls : server.ports.plain,
    secure: transport === 'implicit-tls',
    doSTARTTLS: transport === 'starttls' ? true : transport === 'plaintext' ? false : undefined,
    tls,
    auth: { user: account.user, pass: account.password },
    logger: false,
    connectionTimeout: 5000,
  });
}

async function withClient<T>(connection: ImapFlow, use: (connection: ImapFlow) => Promise<T>): Promise<T> {
  await connection.connect();
  try {
    return await use(connection);
  } finally {
    await connection.logout();
  }
}

async function servers(): Promise<DovecotServer[]> {
  const { slash, dot } = await dovecotPair();
  return [slash, dot];
}

test('both instances start with their own ports and the layout they were asked for', async () => {
  const { slash, dot } = await dovecotPair();
  assert.is(slash.layout, 'slash');
  assert.is(slash.delimiter, '/');
  assert.is(slash.prefix, '');
  assert.is(dot.layout, 'dot');
  assert.is(dot.delimiter, '.');
  assert.is(dot.prefix, 'INBOX.');
  const ports = [slash.ports.plain, slash.ports.tls, dot.ports.plain, dot.ports.tls];
  assert.is(new Set(ports).size, 4);
  assert.is.not(slash.dir, dot.dir);
  assert.match(await readGreeting(slash.ports.plain, undefined, 2000), /^\* OK /);
  assert.match(await readGreeting(dot.ports.tls, dot.certificatePem, 2000), /^\* OK /);
});

for (const transport of ['plaintext', 'starttls', 'implicit-tls'] as const) {
  test(`a fresh user logs in over ${transport} with the certificate verified`, async () => {
    for (const server of await servers()) {
      const account = await freshUser(server);
      await withClient(client(server, account, transport, server.certificatePem), async (connection) => {
        assert.is(connection.authenticated !== false, true);
        assert.is(connection.secureConnection, transport !== 'plaintext', `${server.layout} ${transport}`);
        if (transport !== 'plaintext') {
          assert.ok(connection.tls && connection.tls.authorized, `${server.layout}: certificate not verified`);
        }
      });
    }
  });
}

for (const transport of ['starttls', 'implicit-tls'] as const) {
  test(`${transport} without the CA rejects the self-signed certificate`, async () => {
    const { slash } = await dovecotPair();
    const account = await freshUser(slash);
    const connection = client(slash, account, transport);
    connection.on('error', () => undefined);
    try {
      await connection.connect();
      await connection.logout();
      assert.unreachable('an unverifiable certificate was accepted');
    } catch (error) {
      const { code, message } = error as { code?: string; message?: string };
      assert.match(`${code} ${message}`, /SELF_SIGNED|self[- ]signed|UNABLE_TO_VERIFY|unable to verify/i);
    }
  });
}

test('both servers advertise the extensions mailshift relies on', async () => {
  for (const server of await servers()) {
    const account = await freshUser(server);
    await withClient(client(server, account, 'plaintext'), async (connection) => {
      for (const capability of [
        'UIDPLUS',
        'CONDSTORE',
        'QRESYNC',
        'MOVE',
        'SPECIAL-USE',
        'MULTIAPPEND',
        'LITERAL+',
        'COMPRESS=DEFLATE',
      ]) {
        assert.ok(connection.capabilities.has(capability), `${server.layout} lacks ${capability}`);
      }
    });
  }
});

test('each server reports the namespace and delimiter of its layout', async () => {
  for (const server of await servers()) {
    const account = await freshUser(server);
    await withClient(client(server, account, 'plaintext'), async (connection) => {
      assert.equal(connection.namespace, { prefix: server.prefix, delimiter: server.delimiter });
      const inbox = (await connection.list()).find((box) => box.path === 'INBOX');
      assert.is(inbox?.delimiter, server.delimiter);
    });
  }
});

test('a wrong password fails login', async () => {
  for (const server of await servers()) {
    const account = await freshUser(server);
    const connection = client(server, { ...account, password: `${account.password}x` }, 'plaintext');
    connection.on('error', () => undefined);
    try {
      await connection.connect();
      await connection.logout();
      assert.unreachable(`${server.layout} accepted a wrong password`);
    } catch (error) {
      assert.is((error as { authenticationFailed?: boolean }).authenticationFailed, true, String(error));
    }
  }
});

async function checkSeeded(server: DovecotServer, spec: MailboxSpec): Promise<void> {
  const account = await freshUser(server, 'seeded');
  const result = await seedMailbox(server, account, spec);
  const folders = generateFolders(spec);
  assert.is(result.folders, folders.length);
  assert.is(result.messages, spec.messages);

  await withClient(plainClient(server, account), async (connection) => {
    const paths = await resolveFolders(connection, server, folders);
    const listed = await connection.list({ statusQuery: { messages: true } });
    const byPath = new Map(listed.map((box) => [box.path, box]));
    const expected = new Map<string, Array<{ flags: string[]; date: number; size: number }>>();
    let bytes = 0;
    for (const folder of folders) expected.set(paths.get(folder.path.join('\0'))!, []);
    for (const message of generateMessages(spec)) {
      bytes += message.raw.length;
      expected.get(paths.get(message.folder.join('\0'))!)!.push({
        flags: [...message.flags].sort(),
        date: message.internalDate.getTime(),
        size: message.raw.length,
      });
    }
    assert.is(result.bytes, bytes);
    const storedFlags = new Set<string>();
    for (const [path, messages] of expected) {
      assert.is(byPath.get(path)?.status?.messages, messages.length, `STATUS ${path}`);
      if (messages.length === 0) continue;
      await connection.mailboxOpen(path, { readOnly: true });
      const stored = [];
      for await (const message of connection.fetch('1:*', { flags: true, internalDate: true, size: true })) {
        stored.push({
          flags: [...(message.flags ?? [])].filter((flag) => flag !== '\\Recent').sort(),
          date: new Date(message.internalDate ?? 0).getTime(),
          size: message.size,
        });
      }
      assert.equal(stored, messages, `flags, keywords, INTERNALDATE and size in ${path}`);
      for (const message of stored) for (const flag of message.flags) storedFlags.add(flag);
    }
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
      assert.ok(storedFlags.has(flag), `${server.layout}: no message kept ${flag}`);
    }
  });
}

test('a seeded mailbox matches the generator on the slash server', async () => {
  const { slash } = await dovecotPair();
  await checkSeeded(slash, { seed: 11, messages: 60, otherDelimiter: '.' });
});

test('a seeded mailbox matches the generator on the dot server', async () => {
  const { dot } = await dovecotPair();
  await checkSeeded(dot, { seed: 12, messages: 60, otherDelimiter: '/' });
});

test('names holding the other delimiter and non-ASCII names round-trip as single folders', async () => {
  const cases = [
    { server: (await dovecotPair()).slash, names: ['Lists.Dev', 'Entwürfe', 'Проекты', 'Éléments envoyés'] },
    { server: (await dovecotPair()).dot, names: ['Reports/2024', 'Entwürfe', 'Проекты', 'Éléments envoyés'] },
  ];
  for (const { server, names } of cases) {
    const account = await freshUser(server);
    await seedMailbox(server, account, { seed: 5, messages: 20, otherDelimiter: server.delimiter === '/' ? '.' : '/' });
    await withClient(plainClient(server, account), async (connection) => {
      const listed = await connection.list();
      for (const name of names) {
        const box = listed.find((entry) => entry.path === mailboxPath(server, [name]));
        assert.ok(box, `${server.layout}: ${name} missing from LIST`);
        assert.is(box.name, name);
        assert.is(box.parentPath, server.prefix.slice(0, -1), `${server.layout}: ${name} was split`);
        // Non-ASCII names travel as modified UTF-7.
        assert.is(/^[\x20-\x7e]*$/.test(box.pathAsListed), true, box.pathAsListed);
      }
      assert.ok(
        listed.some((box) => box.pathAsListed.includes('&AMk-l&AOk-ments')),
        'Éléments in modified UTF-7',
      );
    });
  }
});

test('parallel startDovecot calls get separate ports and directories, and stop cleanly', async () => {
  const started = await Promise.all([
    startDovecot({ layout: 'slash' }),
    startDovecot({ layout: 'slash' }),
    startDovecot({ layout: 'dot' }),
  ]);
  try {
    const ports = started.flatMap((server) => [server.ports.plain, server.ports.tls]);
    assert.is(new Set(ports).size, ports.length);
    assert.is(new Set(started.map((server) => server.dir)).size, started.length);
    for (const server of started) {
      const account = await freshUser(server);
      await withClient(client(server, account, 'implicit-tls', server.certificatePem), async () => undefined);
    }
  } finally {
    await Promise.all(started.map((server) => server.stop()));
  }
  for (const server of started) {
    assert.is(existsSync(server.dir), false, `${server.dir} left behind`);
    await server.stop();
    await readGreeting(server.ports.plain, undefined, 500).then(
      () => assert.unreachable(`port ${server.ports.plain} still answers`),
      () => undefined,
    );
  }
});

test.run();

for (const [name, list] of [
  ['Office 365', OFFICE365_CAPABILITIES],
  ['no UIDPLUS', NO_UIDPLUS_CAPABILITIES],
] as const) {
  test(`a Dovecot cut to ${name}'s capability list advertises exactly that after login`, async () => {
    const server = await startDovecot({ layout: 'dot', capabilities: list });
    try {
      const account = await freshUser(server);
      const advertised = await withClient(client(server, account, 'plaintext'), async (connection) => [
        ...connection.capabilities.keys(),
      ]);
      assert.equal(advertised.filter((name) => !name.startsWith('AUTH=')).sort(), list.split(' ').sort());
    } finally {
      await server.stop();
    }
  });
}
