import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasStackTrace, inPool, runMailshift, type CliResult } from '../support/cli.ts';
import { manifestFolder, validManifest } from '../support/manifests.ts';

interface Case {
  name: string;
  /** A change to the valid manifest (written as .json), or the raw text of the file. */
  change?: (m: any) => void;
  text?: string;
  extension?: '.json' | '.jsonnet';
  /** Where the error must point: a JSON pointer, or ":line:column". */
  where: string;
  message: string | RegExp;
  hint?: string | RegExp;
}

const SECRET = 'hunter2-do-not-print';

const cases: Case[] = [
  // Unknown keys, with "did you mean"
  {
    name: 'unknown top-level key',
    change: (m) => {
      m.acounts = m.accounts;
    },
    where: '/acounts',
    message: 'unknown key `acounts`',
    hint: 'did you mean `accounts`?',
  },
  {
    name: 'unknown phase key',
    change: (m) => {
      m.phases[0].deleteTraget = true;
    },
    where: '/phases/0/deleteTraget',
    message: 'unknown key `deleteTraget`',
    hint: 'did you mean `deleteTarget`?',
  },
  {
    name: 'unknown endpoint key',
    change: (m) => {
      m.accounts[0].target.pasword = { env: 'X' };
    },
    where: '/accounts/0/target/pasword',
    message: 'unknown key `pasword`',
    hint: 'did you mean `password`?',
  },
  {
    name: 'unknown folders key',
    change: (m) => {
      m.folders = { exlude: ['^Trash$'] };
    },
    where: '/folders/exlude',
    message: 'unknown key `exlude`',
    hint: 'did you mean `exclude`?',
  },
  {
    name: 'unknown messages key',
    change: (m) => {
      m.messages = { maxAge: 1 };
    },
    where: '/messages/maxAge',
    message: 'unknown key `maxAge`',
    hint: 'did you mean `maxAgeDays`?',
  },
  {
    name: 'unknown key with nothing close lists the allowed keys',
    change: (m) => {
      m.defaults.source.mailboxes = 3;
    },
    where: '/defaults/source/mailboxes',
    message: 'unknown key `mailboxes`',
    hint: 'allowed keys here: host, port',
  },
  // Wrong types and values
  {
    name: 'port as a string',
    change: (m) => {
      m.defaults.source.port = '993';
    },
    where: '/defaults/source/port',
    message: '`port` must be an integer, but is a string ("993")',
  },
  {
    name: 'port out of range',
    change: (m) => {
      m.defaults.source.port = 70000;
    },
    where: '/defaults/source/port',
    message: '`port` must be <= 65535',
  },
  {
    name: 'zero connections',
    change: (m) => {
      m.defaults.target.connections = 0;
    },
    where: '/defaults/target/connections',
    message: '`connections` must be >= 1',
  },
  {
    name: 'tls not one of the modes',
    change: (m) => {
      m.defaults.source.tls = 'ssl';
    },
    where: '/defaults/source/tls',
    message: 'must be one of "implicit", "starttls", "none", but is "ssl"',
  },
  {
    name: 'tls misspelt',
    change: (m) => {
      m.defaults.source.tls = 'startls';
    },
    where: '/defaults/source/tls',
    message: 'must be one of',
    hint: 'did you mean "starttls"?',
  },
  {
    name: 'identity not headers or uid',
    change: (m) => {
      m.messages = { identity: 'message-id' };
    },
    where: '/messages/identity',
    message: 'must be one of "headers", "uid"',
  },
  {
    name: 'expungeSource not a mode',
    change: (m) => {
      m.phases[0] = { name: 'drain', deleteSource: true, expungeSource: 'always' };
    },
    where: '/phases/0/expungeSource',
    message: 'must be one of "end", "each", "never"',
  },
  {
    name: 'wrong apiVersion',
    change: (m) => {
      m.apiVersion = 'mailshift/v2';
    },
    where: '/apiVersion',
    message: 'must be "mailshift/v1", but is "mailshift/v2"',
  },
  {
    name: 'boolean given as a string',
    change: (m) => {
      m.phases[0].deleteTarget = 'yes';
    },
    where: '/phases/0/deleteTarget',
    message: 'must be a boolean, but is a string ("yes")',
  },
  {
    name: 'deleteTargetFolders as a string',
    change: (m) => {
      m.phases[0].deleteTargetFolders = 'all';
    },
    where: '/phases/0/deleteTargetFolders',
    message: 'must be a boolean or an object',
  },
  {
    name: 'negative maxSize',
    change: (m) => {
      m.messages = { maxSize: -1 };
    },
    where: '/messages/maxSize',
    message: '`maxSize` must be >= 0',
  },
  {
    name: 'requires as a string',
    change: (m) => {
      m.phases.push({ name: 'final', requires: 'presync' });
    },
    where: '/phases/1/requires',
    message: 'must be an array, but is a string',
  },
  {
    name: 'empty folder map target',
    change: (m) => {
      m.folders = { map: { 'Sent Messages': '' } };
    },
    where: '/folders/map/Sent Messages',
    message: 'must not be empty',
  },
  // Missing and empty
  {
    name: 'missing apiVersion',
    change: (m) => {
      delete m.apiVersion;
    },
    where: '/',
    message: 'missing required key `apiVersion`',
  },
  {
    name: 'missing name',
    change: (m) => {
      delete m.name;
    },
    where: '/',
    message: 'missing required key `name`',
  },
  {
    name: 'missing accounts',
    change: (m) => {
      delete m.accounts;
    },
    where: '/',
    message: 'missing required key `accounts`',
  },
  {
    name: 'missing phases',
    change: (m) => {
      delete m.phases;
    },
    where: '/',
    message: 'missing required key `phases`',
    hint: 'The cutover runbook',
  },
  {
    name: 'no accounts',
    change: (m) => {
      m.accounts = [];
    },
    where: '/accounts',
    message: 'must list at least 1 item',
  },
  {
    name: 'no phases',
    change: (m) => {
      m.phases = [];
    },
    where: '/phases',
    message: 'must list at least 1 item',
  },
  {
    name: 'account without id',
    change: (m) => {
      delete m.accounts[0].id;
    },
    where: '/accounts/0',
    message: 'missing required key `id`',
  },
  {
    name: 'rename rule without replace',
    change: (m) => {
      m.folders = { rename: [{ match: '^x' }] };
    },
    where: '/folders/rename/0',
    message: 'missing required key `replace`',
  },
  // Forms and regexes
  {
    name: 'name with capitals and spaces',
    change: (m) => {
      m.name = 'Acme Cutover';
    },
    where: '/name',
    message: '`name` "Acme Cutover" has the wrong form',
    hint: 'lowercase letters, digits and dashes',
  },
  {
    name: 'account id with a space',
    change: (m) => {
      m.accounts[0].id = 'alice smith';
    },
    where: '/accounts/0/id',
    message: 'has the wrong form',
  },
  {
    name: 'bad include regex',
    change: (m) => {
      m.folders = { include: ['[unclosed'] };
    },
    where: '/folders/include/0',
    message: '`include[0]` "[unclosed" is not a valid regular expression',
  },
  {
    name: 'bad rename regex',
    change: (m) => {
      m.folders = { rename: [{ match: '(a', replace: '' }] };
    },
    where: '/folders/rename/0/match',
    message: 'is not a valid regular expression',
  },
  {
    name: 'bad deleteTargetFolders.only regex',
    change: (m) => {
      m.phases[0].deleteTargetFolders = { only: '*x' };
    },
    where: '/phases/0/deleteTargetFolders/only',
    message: 'is not a valid regular expression',
  },
  // Secrets
  {
    name: 'literal password',
    change: (m) => {
      m.accounts[0].source.password = SECRET;
    },
    where: '/accounts/0/source/password',
    message: 'is a literal secret',
    hint: "{ env: 'NAME' }",
  },
  {
    name: 'literal access token',
    change: (m) => {
      m.accounts[0].source = { user: 'a', auth: { mechanism: 'XOAUTH2', accessToken: SECRET } };
    },
    where: '/accounts/0/source/auth/accessToken',
    message: 'is a literal secret',
  },
  {
    name: 'secret with two sources',
    change: (m) => {
      m.accounts[0].source.password = { env: 'A', file: 'a.pw' };
    },
    where: '/accounts/0/source/password',
    message: 'must be exactly one of { env }, { file } or { command }',
  },
  {
    name: 'secret from an unknown place',
    change: (m) => {
      m.accounts[0].source.password = { vault: 'kv/alice' };
    },
    where: '/accounts/0/source/password',
    message: 'must be exactly one of { env }, { file } or { command }',
  },
  {
    name: 'no password at all',
    change: (m) => {
      delete m.accounts[0].target.password;
    },
    where: '/accounts/0/target',
    message: 'the target has no `password`',
  },
  {
    name: 'XOAUTH2 without a token',
    change: (m) => {
      m.accounts[0].source = { user: 'a', auth: { mechanism: 'XOAUTH2' } };
    },
    where: '/accounts/0/source',
    message: 'uses XOAUTH2 but has no auth.accessToken',
  },
  {
    name: "an admin's user and password written inside auth",
    change: (m) => {
      m.accounts[0].target = {
        auth: { mechanism: 'PLAIN', user: 'admin', password: { env: 'A' }, authorizeAs: 'alice' },
      };
    },
    where: '/accounts/0/target/auth/user',
    message: 'unknown key `user`',
    hint: "`user` belongs to the endpoint, next to `auth` (with auth.authorizeAs they are the admin's user and password)",
  },
  {
    name: 'an admin login for a user with LOGIN',
    change: (m) => {
      m.accounts[0].target.auth = { mechanism: 'LOGIN', authorizeAs: 'alice' };
    },
    where: '/accounts/0/target',
    message: 'the target logs in for "alice" (auth.authorizeAs), but auth.mechanism is LOGIN',
    hint: "set accounts[0].target.auth.mechanism: 'PLAIN'",
  },
  {
    name: 'an admin login for a user with XOAUTH2',
    change: (m) => {
      m.accounts[0].source = { user: 'a', auth: { mechanism: 'XOAUTH2', accessToken: { env: 'T' }, authorizeAs: 'b' } };
    },
    where: '/accounts/0/source',
    message: 'but auth.mechanism is XOAUTH2: only SASL PLAIN carries an authorisation identity',
    hint: 'or remove accounts[0].source.auth.authorizeAs and log in as the user',
  },
  {
    name: 'a misspelt oauth2 key',
    change: (m) => {
      m.accounts[0].source = {
        user: 'a',
        auth: {
          mechanism: 'XOAUTH2',
          oauth2: { provider: 'microsoft', tennant: 't', clientId: 'c', clientSecret: { env: 'S' } },
        },
      };
    },
    where: '/accounts/0/source/auth/oauth2/tennant',
    message: 'unknown key `tennant`',
    hint: 'did you mean `tenant`?',
  },
  {
    name: 'a microsoft token provider without a client secret or certificate',
    change: (m) => {
      m.accounts[0].source = {
        user: 'a',
        auth: { mechanism: 'XOAUTH2', oauth2: { provider: 'microsoft', tenant: 't', clientId: 'c' } },
      };
    },
    where: '/accounts/0/source',
    message: "the source's auth.oauth2 (provider microsoft) needs exactly one of clientSecret and clientCertificate",
    hint: 'clientCertificate',
  },
  {
    name: 'a google token provider with a refresh token',
    change: (m) => {
      m.accounts[0].source = {
        user: 'a',
        auth: {
          mechanism: 'XOAUTH2',
          oauth2: { provider: 'google', serviceAccountKey: { env: 'K' }, refreshToken: { env: 'R' } },
        },
      };
    },
    where: '/accounts/0/source',
    message: "the source's auth.oauth2 sets `refreshToken`, which provider google does not use",
  },
  {
    name: 'plaintext password to a remote host',
    change: (m) => {
      m.defaults.source.tls = 'none';
    },
    where: '/accounts/0/source',
    message: 'would send its password unencrypted to imap.old.example',
    hint: 'allowPlaintext',
  },
  // Cross-field rules
  {
    name: 'duplicate account ids',
    change: (m) => {
      m.accounts.push({ ...m.accounts[0] });
    },
    where: '/accounts/1/id',
    message: 'account id "alice" is used twice (first at /accounts/0)',
  },
  {
    name: 'duplicate phase names',
    change: (m) => {
      m.phases.push({ name: 'presync' });
    },
    where: '/phases/1/name',
    message: 'phase name "presync" is used twice',
  },
  {
    name: 'requires an unknown phase',
    change: (m) => {
      m.phases.push({ name: 'final', requires: ['presinc'] });
    },
    where: '/phases/1/requires/0',
    message: 'requires "presinc", which is not a phase of this manifest',
    hint: 'did you mean "presync"?',
  },
  {
    name: 'requires a later phase',
    change: (m) => {
      m.phases[0].requires = ['final'];
      m.phases.push({ name: 'final' });
    },
    where: '/phases/0/requires/0',
    message: 'which does not come before it',
  },
  {
    name: 'deleteSource with deleteTarget',
    change: (m) => {
      m.phases[0].deleteSource = true;
    },
    where: '/phases/0',
    message: 'sets both deleteSource and deleteTarget',
  },
  {
    name: 'manual gate with sync settings',
    change: (m) => {
      m.phases.push({ name: 'switch-mx', manual: 'Switch MX', deleteTarget: true });
    },
    where: '/phases/1/deleteTarget',
    message: 'manual phase "switch-mx" sets `deleteTarget`',
  },
  {
    name: 'source without host',
    change: (m) => {
      delete m.defaults.source.host;
    },
    where: '/accounts/0/source',
    message: 'the source has no `host`',
    hint: 'defaults.source.host',
  },
  {
    name: 'target without user',
    change: (m) => {
      delete m.accounts[0].target.user;
    },
    where: '/accounts/0/target',
    message: 'the target has no `user`',
  },
  {
    name: 'empty age window',
    change: (m) => {
      m.messages = { minAgeDays: 30, maxAgeDays: 7 };
    },
    where: '/phases/0/messages',
    message: 'minAgeDays (30) is above maxAgeDays (7)',
  },
  {
    name: 'empty size window',
    change: (m) => {
      m.accounts[0].messages = { minSize: 100, maxSize: 10 };
    },
    where: '/accounts/0/messages',
    message: 'minSize (100) is above maxSize (10)',
  },
  {
    name: 'two accounts into one target with deleteTarget',
    change: (m) => {
      m.accounts.push({ ...m.accounts[0], id: 'bob', source: { user: 'bob', password: { env: 'B' } } });
    },
    where: '/phases/0',
    message: 'write into the same target folders of one target mailbox',
    hint: 'subfolder',
  },
  {
    name: 'subfolder set twice',
    change: (m) => {
      m.accounts[0].subfolder = 'a';
      m.accounts[0].folders = { subfolder: 'b' };
    },
    where: '/accounts/0/subfolder',
    message: 'both `subfolder` and `folders.subfolder` are set',
  },
  // Syntax and evaluation
  {
    name: 'Jsonnet syntax error',
    extension: '.jsonnet',
    text: "{\n  apiVersion: 'mailshift/v1',\n  name: \n}\n",
    where: ':4:1',
    message: 'Jsonnet syntax error',
  },
  {
    name: 'Jsonnet import not found',
    extension: '.jsonnet',
    text: "local x = import 'presets.libsonnet';\n{ a: x }\n",
    where: ':1:11',
    message: "couldn't open import",
    hint: 'mailshift.libsonnet',
  },
  {
    name: 'Jsonnet external variable not given',
    extension: '.jsonnet',
    text: "{\n  name: std.extVar('SOURCE_PORT'),\n}\n",
    where: ':2:9',
    message: 'undefined external variable: SOURCE_PORT',
    hint: '--ext-str SOURCE_PORT=VALUE',
  },
  {
    name: 'Jsonnet error expression',
    extension: '.jsonnet',
    text: "local need(x) = if x == null then error 'account list is empty' else x;\n{ accounts: need(null) }\n",
    where: ':1:35',
    message: 'account list is empty',
  },
  {
    name: 'Jsonnet field that does not exist',
    extension: '.jsonnet',
    text: "local ms = import 'mailshift.libsonnet';\n{ phases: ms.phases.presink() }\n",
    where: ':2:11',
    message: 'field does not exist: presink',
  },
  {
    name: 'result is an array',
    extension: '.jsonnet',
    text: '[1, 2]\n',
    where: '/',
    message: 'the manifest must evaluate to an object, but is an array',
  },
  {
    name: 'result is a string',
    extension: '.jsonnet',
    text: "'mailshift'\n",
    where: '/',
    message: 'the manifest must evaluate to an object, but is a string',
  },
  {
    name: 'JSON trailing comma',
    text: '{\n  "apiVersion": "mailshift/v1",\n  "name": "x",\n}\n',
    where: ':4:1',
    message: 'JSON syntax error',
    hint: 'trailing commas',
  },
  {
    name: 'JSON bare word',
    text: '{\n  "apiVersion": "mailshift/v1",\n  "name": tru\n}\n',
    where: ':3:',
    message: 'JSON syntax error',
  },
  { name: 'JSON comment', text: '{\n  // old server\n  "name": "x"\n}\n', where: ':2:', message: 'JSON syntax error' },
];

const folder = manifestFolder();
const results = new Map<string, { file: string; result: CliResult }>();

test.before(async () => {
  const written = cases.map((c, i) => {
    const content =
      c.text ??
      (() => {
        const m = validManifest();
        c.change!(m);
        return m;
      })();
    return { c, file: folder.write(`case-${String(i).padStart(2, '0')}${c.extension ?? '.json'}`, content) };
  });
  const outputs = await inPool(written, 4, ({ file }) => runMailshift(['validate', file]));
  written.forEach(({ c, file }, i) => results.set(c.name, { file, result: outputs[i]! }));
});
test.after(() => folder.remove());

test('there are at least 40 malformed-manifest cases', () => {
  assert.ok(cases.length >= 40, `${cases.length} cases`);
});

for (const c of cases) {
  test(`validate rejects: ${c.name}`, () => {
    const { file, result } = results.get(c.name)!;
    assert.is(result.code, 1, `exit code\n${result.stderr}`);
    assert.is(result.stdout, '', 'nothing on stdout (no "ok")');
    assert.not.ok(hasStackTrace(result.stderr), `no stack trace:\n${result.stderr}`);
    const firstLine = result.stderr.split('\n').find((line) => line.startsWith('error:')) ?? '';
    const where = c.where.startsWith(':') ? `${file}${c.where}` : `${file} ${c.where}`;
    assert.ok(result.stderr.includes(where), `location ${where} in:\n${result.stderr}`);
    if (typeof c.message === 'string')
      assert.ok(result.stderr.includes(c.message), `message "${c.message}" in:\n${result.stderr}`);
    else assert.match(firstLine, c.message);
    if (c.hint) assert.match(result.stderr, typeof c.hint === 'string' ? `hint: ` : c.hint);
    if (typeof c.hint === 'string') assert.ok(result.stderr.includes(c.hint), `hint "${c.hint}" in:\n${result.stderr}`);
    assert.not.ok(result.stderr.includes(SECRET), 'the literal secret is never echoed');
  });
}

test('a missing manifest is a clear error', async () => {
  const result = await runMailshift(['validate', `${folder.dir}/nope.jsonnet`]);
  assert.is(result.code, 1);
  assert.match(result.stderr, `error: ${folder.dir}/nope.jsonnet: no manifest at ${folder.dir}/nope.jsonnet`);
  assert.not.ok(hasStackTrace(result.stderr));
});

test('a folder given as a manifest is a clear error', async () => {
  const result = await runMailshift(['validate', folder.dir]);
  assert.is(result.code, 1);
  assert.match(result.stderr, 'is a folder, not a manifest');
});

test('one bad manifest among good ones fails the run but every file is reported', async () => {
  const good = folder.write('good.json', validManifest());
  const bad = folder.write('bad.json', { ...validManifest(), name: 'Bad Name' });
  const result = await runMailshift(['validate', good, bad, good]);
  assert.is(result.code, 1);
  assert.is(result.stdout, `ok ${good}\nok ${good}\n`);
  assert.match(result.stderr, bad);
});

test('--json-logs prints one JSON object per problem, with its code', async () => {
  const bad = folder.write('bad-json-logs.json', { ...validManifest(), name: 'Bad Name' });
  const result = await runMailshift(['validate', '--json-logs', bad]);
  const lines = result.stderr
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  assert.equal(
    lines.map((l) => [l.level, l.code, l.location.pointer]),
    [['error', 'MANIFEST_SCHEMA', '/name']],
  );
});

test('warnings are printed but do not fail validation', async () => {
  const manifest = validManifest();
  manifest.phases = [
    { name: 'copy' },
    { name: 'switch-mx', manual: 'Switch MX' },
    { name: 'late', deleteTarget: true, requires: ['switch-mx'] },
  ];
  const file = folder.write('warn.json', manifest);
  const result = await runMailshift(['validate', file]);
  assert.is(result.code, 0);
  assert.is(result.stdout, `ok ${file}\n`);
  assert.match(
    result.stderr,
    /warning: .*\/phases\/2\/deleteTarget: phase "late" deletes target messages after the manual gate "switch-mx": once the gate is recorded, the cutover rule/,
  );
});

test('an unknown option is a usage error naming the command', async () => {
  const result = await runMailshift(['validate', '--frobnicate', 'x.json']);
  assert.is(result.code, 1);
  assert.match(result.stderr, "error: Unknown option '--frobnicate'");
  assert.match(result.stderr, 'mailshift validate --help');
});

test.run();
