import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type Layout = 'slash' | 'dot';

export type SpecialUse = '\\Sent' | '\\Drafts' | '\\Trash' | '\\Junk' | '\\Archive';

/** What a layout looks like from an IMAP client: hierarchy, prefix and special-use folder names. */
export interface LayoutShape {
  readonly delimiter: '/' | '.';
  readonly prefix: '' | 'INBOX.';
  readonly specialFolders: ReadonlyArray<{ name: string; use: SpecialUse }>;
}

/** The two server styles a migration most often crosses between. */
export const LAYOUTS: Readonly<Record<Layout, LayoutShape>> = {
  // Dovecot/Gmail style: '/' separator, folders at the top level.
  slash: {
    delimiter: '/',
    prefix: '',
    specialFolders: [
      { name: 'Sent', use: '\\Sent' },
      { name: 'Drafts', use: '\\Drafts' },
      { name: 'Trash', use: '\\Trash' },
      { name: 'Junk', use: '\\Junk' },
      { name: 'Archive', use: '\\Archive' },
    ],
  },
  // Courier/Cyrus style with Outlook-style folder names: everything lives under "INBOX.".
  dot: {
    delimiter: '.',
    prefix: 'INBOX.',
    specialFolders: [
      { name: 'Sent Items', use: '\\Sent' },
      { name: 'Drafts', use: '\\Drafts' },
      { name: 'Deleted Items', use: '\\Trash' },
      { name: 'Junk E-mail', use: '\\Junk' },
    ],
  },
};

/** The system account that owns the mail store: Debian's `mail` user when root, else ourselves. */
export interface MailOwner {
  readonly name: string;
  readonly group: string;
  readonly uid: number;
  readonly gid: number;
}

/** Looks up the account Dovecot's mail processes run as; never creates one. */
export function mailOwner(): MailOwner {
  const uid = process.getuid?.() ?? 0;
  const wanted = uid === 0 ? 'mail' : undefined;
  const user = entries('/etc/passwd').find(([name, , u]) =>
    wanted !== undefined ? name === wanted : Number(u) === uid,
  );
  if (!user) throw new Error(`no system user ${wanted ?? `with uid ${uid}`} in /etc/passwd to own the test mail store`);
  const gid = Number(user[3]);
  const group = entries('/etc/group').find(([, , g]) => Number(g) === gid)?.[0] ?? String(gid);
  return { name: user[0]!, group, uid: Number(user[2]), gid };
}

function entries(file: string): string[][] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.includes(':'))
    .map((line) => line.split(':'));
}

/** Writes a self-signed P-256 certificate for localhost/127.0.0.1 into dir; returns its PEM. */
export async function writeCertificate(dir: string): Promise<string> {
  // EC keys take milliseconds where RSA-2048 takes hundreds: server start stays fast.
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-days',
    '3650',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
  ]);
  return readFileSync(join(dir, 'cert.pem'), 'utf8');
}

export interface ConfigInput {
  readonly layout: Layout;
  readonly dir: string;
  readonly ports: { plain: number; tls: number };
  readonly owner: MailOwner;
  /** Keep Dovecot's default `mail_fsync = optimized`, as a real server runs (benchmarks); tests skip fsync for speed. */
  readonly fsync?: boolean;
  /** Refuse to store a message bigger than this many bytes (NO [LIMIT]), as a mail host's size limit does. */
  readonly maxMessageSize?: number;
  /** Replaces the advertised capability list (`imap_capability`), to act like another server brand. */
  readonly capabilities?: string;
  /** A master-user passdb (dir/masters): a master logs in for any existing user by SASL PLAIN's authorisation identity. */
  readonly masterUsers?: boolean;
  /** Also accept XOAUTH2/OAUTHBEARER: JWTs checked locally against the key written by writeOAuth2Key. */
  readonly oauth2?: boolean;
  /** A mailbox of at most this many messages per user: an APPEND past it gets NO [OVERQUOTA]. */
  readonly quotaMessages?: number;
}

/** What Office 365 / Exchange Online advertises after login (no MULTIAPPEND, CONDSTORE, LIST-STATUS, SPECIAL-USE). */
export const OFFICE365_CAPABILITIES = 'IMAP4rev1 LITERAL+ UIDPLUS MOVE ID UNSELECT CHILDREN IDLE NAMESPACE';

/** Dovecot's own list without UIDPLUS: copies cannot learn their target UIDs from APPENDUID. */
export const NO_UIDPLUS_CAPABILITIES =
  'IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN NAMESPACE I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW STATUS=SIZE SAVEDATE LITERAL+ NOTIFY SPECIAL-USE';

/** Renders a complete dovecot.conf (one setting per line: Dovecot rejects `x { a = b }`). */
export function renderConfig({
  layout,
  dir,
  ports,
  owner,
  fsync = false,
  maxMessageSize,
  capabilities,
  masterUsers = false,
  oauth2 = false,
  quotaMessages,
}: ConfigInput): string {
  const shape = LAYOUTS[layout];
  const unprivileged = owner.uid !== 0 && process.getuid?.() !== 0;
  const mailboxes = shape.specialFolders.flatMap(({ name, use }) => [
    `  mailbox "${name}" {`,
    `    special_use = ${use}`,
    '    auto = subscribe',
    '  }',
  ]);
  return [
    `instance_name = mailshift-test-${layout}-${ports.plain}`,
    `base_dir = ${dir}/run`,
    `state_dir = ${dir}/state`,
    `log_path = ${dir}/dovecot.log`,
    'protocols = imap',
    'listen = 127.0.0.1',
    // Without root every service runs as ourselves (Dovecot's "non-root" mode).
    ...(unprivileged
      ? [
          `default_internal_user = ${owner.name}`,
          `default_internal_group = ${owner.group}`,
          `default_login_user = ${owner.name}`,
        ]
      : []),
    'ssl = yes',
    `ssl_cert = <${dir}/cert.pem`,
    `ssl_key = <${dir}/key.pem`,
    'disable_plaintext_auth = no',
    oauth2 ? 'auth_mechanisms = plain login xoauth2 oauthbearer' : 'auth_mechanisms = plain login',
    // Failed logins are answered after 2 s by default (0 still means up to 0.5 s in 2.3).
    'auth_failure_delay = 0',
    ...(fsync ? [] : ['mail_fsync = never']),
    `first_valid_uid = ${owner.uid}`,
    // LAYOUT=index stores folders by GUID, so names may hold '.', '/' or anything else.
    'mail_location = maildir:~/Maildir:LAYOUT=index',
    // The quota plugin's size limit needs no quota root; APPENDLIMIT is not advertised, so a client
    // learns of it only from the NO [LIMIT] answer to its APPEND.
    maxMessageSize === undefined && quotaMessages === undefined ? 'mail_plugins = zlib' : 'mail_plugins = zlib quota',
    // One passwd-file per user: Dovecot re-reads a changed passwd-file at most once a second,
    // so a user appended moments after the last login would stay unknown for up to a second.
    ...(masterUsers ? masterPassdb(dir) : []),
    ...(oauth2
      ? ['passdb {', '  driver = oauth2', '  mechanisms = xoauth2 oauthbearer', `  args = ${dir}/oauth2.conf.ext`, '}']
      : []),
    'passdb {',
    '  driver = passwd-file',
    `  args = scheme=PLAIN username_format=%u ${dir}/users/%u`,
    ...(oauth2 ? ['  mechanisms = plain login'] : []),
    '}',
    'userdb {',
    '  driver = static',
    `  args = uid=${owner.uid} gid=${owner.gid} home=${dir}/mail/%u`,
    '}',
    'service imap-login {',
    '  chroot =',
    '  inet_listener imap {',
    `    port = ${ports.plain}`,
    '  }',
    '  inet_listener imaps {',
    `    port = ${ports.tls}`,
    '    ssl = yes',
    '  }',
    '}',
    'service anvil {',
    '  chroot =',
    // After a failed login, anvil makes the next login from the same IP wait 2-15 s, and in 2.3
    // login_trusted_networks does not exempt anyone: one wrong-password test would stall every
    // later test. An unreachable penalty socket switches the penalty off.
    '  unix_listener anvil-auth-penalty {',
    '    mode = 0',
    '  }',
    '}',
    'protocol imap {',
    '  mail_plugins = $mail_plugins imap_zlib',
    '  mail_max_userip_connections = 100',
    ...(capabilities === undefined ? [] : [`  imap_capability = ${capabilities}`]),
    '}',
    'namespace inbox {',
    '  inbox = yes',
    `  separator = ${shape.delimiter}`,
    `  prefix = ${shape.prefix}`,
    ...mailboxes,
    '}',
    ...(maxMessageSize === undefined ? [] : ['plugin {', `  quota_max_mail_size = ${maxMessageSize}`, '}']),
    ...(quotaMessages === undefined
      ? []
      : [
          'plugin {',
          '  quota = count:User quota',
          `  quota_rule = *:messages=${quotaMessages}`,
          '  quota_vsizes = yes',
          '}',
        ]),
    '',
  ].join('\n');
}

/**
 * Dovecot 2.3 master users: SASL PLAIN "alice\0admin\0pw" authenticates admin against this passdb
 * and logs in as alice. auth_master_user_separator stays unset, so the login name cannot carry the
 * user ("alice*admin"): only the authorisation identity does. `pass = yes` then looks alice up in
 * the regular passdb, so a master cannot log in for a user who does not exist.
 */
function masterPassdb(dir: string): string[] {
  return [
    'passdb {',
    '  driver = passwd-file',
    '  master = yes',
    `  args = scheme=PLAIN username_format=%u ${dir}/masters/%u`,
    '  pass = yes',
    '}',
  ];
}

/**
 * Dovecot's oauth2 passdb in local mode (2.3.16 and later): it checks a token's RS256 signature
 * with the public key under `shared/<azp>/<alg>/<kid>` of the key dict (azp "default" when the
 * token has none), its exp/nbf/iat, and that its `sub` is the login name. No network involved.
 */
export async function writeOAuth2Config(dir: string, key: { publicKeyPem: string; kid: string }): Promise<void> {
  const keys = join(dir, 'oauth2-keys');
  await mkdir(join(keys, 'default', 'RS256'), { recursive: true, mode: 0o755 });
  await writeFile(join(keys, 'default', 'RS256', key.kid), key.publicKeyPem, { mode: 0o644 });
  await writeFile(
    join(dir, 'oauth2.conf.ext'),
    [
      'introspection_mode = local',
      `local_validation_key_dict = fs:posix:prefix=${keys}/`,
      'username_attribute = sub',
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
}
