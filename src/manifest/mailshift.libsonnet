// mailshift's Jsonnet library: `local ms = import 'mailshift.libsonnet';`
// Everything here returns plain manifest fragments; merge them with `+` and override any key.
{
  // Endpoint presets for common servers: use as `defaults: { source: ms.presets.gmail, target: ms.presets.dovecot('imap.new.example') }`.
  presets: {
    // Gmail / Google Workspace as a source: OAuth2 (`+ ms.oauth2.google(key)`), or an app password (PLAIN).
    // Gmail throttles hard: a few connections, and about 2,500 MB a day downloaded per account;
    // the apply pauses an account at that budget rather than meet Gmail's bandwidth BYE.
    gmail: { host: 'imap.gmail.com', port: 993, tls: 'implicit', connections: 2, maxBytesPerDay: 2500 * 1000 * 1000 },
    // Gmail as a target: about 500 MB a day uploaded per account.
    gmailTarget: self.gmail { maxBytesPerDay: 500 * 1000 * 1000 },
    // Microsoft 365 / Exchange Online. Basic auth is off there: `+ ms.oauth2.microsoft(tenant, clientId, secret)`.
    // It throttles with "Suggested Backoff Time" (about 5 minutes), waited in full within
    // maxThrottleWaitSeconds (default 2 h), and no documented daily byte limit.
    office365: { host: 'outlook.office365.com', port: 993, tls: 'implicit', connections: 2 },
    // Dovecot: `/` or `.` hierarchy, discovered from the server at plan time.
    dovecot(host, port=993): { host: host, port: port, tls: 'implicit' },
    // Courier / Cyrus-style servers: `.` delimiter under the `INBOX.` prefix (discovered at plan time).
    courier(host, port=993): { host: host, port: port, tls: 'implicit' },
    // A plain IMAP server offering STARTTLS on port 143.
    starttls(host, port=143): { host: host, port: port, tls: 'starttls' },
  },

  // Folder rule presets, merged into `folders:` (e.g. `folders: ms.folders.gmailSource`).
  folders: {
    // Gmail's virtual folders hold copies of mail that is already in real folders (labels);
    // migrating them duplicates every message. `[Gmail]/` is stripped from the rest.
    // These are the English names: Gmail translates them (Portuguese: 'Todos os e-mails',
    // 'Importante', 'Com estrela'), so add the account's language with `exclude+: [...]`.
    // Where the server offers X-GM-EXT-1 (Gmail does), All Mail follows `gmail.allMail` instead
    // of this exclude: by default its archived mail (no other label) goes to 'Archive'.
    // `gmail: { labels: 'first' }` makes one copy per message instead of one per label (README: "Gmail labels").
    gmailSource: {
      exclude: ['^\\[Gmail\\]$', '^\\[Gmail\\]/All Mail$', '^\\[Gmail\\]/Important$', '^\\[Gmail\\]/Starred$'],
      rename: [{ match: '^\\[Gmail\\]/', replace: '' }],
      automap: true,
    },
    // Exchange Online reserves the top-level folder name "Files" (OneDrive attachments): a source
    // folder of that name (and its subfolders) goes to "Files (migrated)".
    office365Target: { rename: [{ match: '^Files(/|$)', replace: 'Files (migrated)$1' }] },
    // Folders most migrations leave behind, at the top level or under a Courier-style `INBOX.` prefix.
    skipTrashAndSpam: { exclude: ['^(INBOX[./])?(Trash|Deleted Items|Deleted Messages|Spam|Junk|Junk E-?mail)$'] },
  },

  // Message rule presets, merged into `messages:`. A target's limit leaves larger messages out of
  // the plan, listed as too large for the target, instead of failing them at apply.
  messages: {
    // Exchange Online refuses messages above 35 MB by default (150 MB when raised by the tenant admin).
    office365Target: { targetMaxSize: 35 * 1024 * 1024 },
    // Gmail takes messages of up to 25 MB over IMAP.
    gmailTarget: { targetMaxSize: 25 * 1024 * 1024 },
  },

  // OAuth2 token providers (README "OAuth2"): endpoint fragments, e.g.
  // `target: ms.presets.office365 + ms.oauth2.microsoft('contoso.onmicrosoft.com', '<app id>', { env: 'M365_SECRET' })`.
  oauth2: {
    // Microsoft 365, app-only (client credentials); the app needs IMAP.AccessAsApp and mailbox rights.
    microsoft(tenant, clientId, clientSecret):: {
      auth: { mechanism: 'XOAUTH2', oauth2: { provider: 'microsoft', tenant: tenant, clientId: clientId, clientSecret: clientSecret } },
    },
    // Google Workspace: a service account with domain-wide delegation for https://mail.google.com/.
    google(serviceAccountKey):: {
      auth: { mechanism: 'XOAUTH2', oauth2: { provider: 'google', serviceAccountKey: serviceAccountKey } },
    },
  },

  // The rows of a CSV file as objects keyed by its header row: `ms.csv(importstr 'users.csv')`.
  // RFC 4180: a field holding a comma, a quote or a line break is in double quotes, a quote inside
  // written twice (""); CRLF or LF line endings; the last newline optional. Every value is a string.
  // Parsed by mailshift itself (a native function), so the `jsonnet` command cannot evaluate it.
  csv(text)::
    local parse = std.native('mailshift.csv');
    if !std.isString(text) then error "ms.csv takes the CSV's text: ms.csv(importstr 'users.csv')"
    else if parse == null then error 'ms.csv needs mailshift to evaluate the manifest (mailshift validate, plan, …)'
    else parse(text),

  // An environment variable name made from any account id: 'j.doe@acme.example' -> 'J_DOE_ACME_EXAMPLE'.
  // mailshift evaluates this natively (env-name.ts): in Jsonnet it costs milliseconds an id.
  envName(id)::
    local native = std.native('mailshift.envName');
    if native != null then native(id) else
      local chars = [if std.member('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', c) then c else '_' for c in std.stringChars(std.asciiUpper(id))];
      local name = std.join('', chars);
      if std.member('0123456789', name[0]) then '_' + name else name,

  // An account pair with passwords read from environment variables named after the id:
  // ms.account('alice', 'alice@old.example', 'alice@new.example') reads ALICE_SOURCE_PW / ALICE_TARGET_PW.
  account(id, sourceUser, targetUser=sourceUser, envPrefix=self.envName(id)): {
    id: id,
    source: { user: sourceUser, password: { env: envPrefix + '_SOURCE_PW' } },
    target: { user: targetUser, password: { env: envPrefix + '_TARGET_PW' } },
  },

  // One admin credential for every account (imapsync --authuser): the admin logs in for each user
  // by SASL PLAIN with an authorisation identity (RFC 4616). The server must offer AUTH=PLAIN and
  // let the admin act for users (Dovecot master users, Cyrus proxyservers). Returns a function of
  // the mailbox that gives an endpoint's login; merge the host and the rest over it, or set them in
  // `defaults`:
  //   local asAdmin = ms.adminLogin('migration@example.net', { env: 'MIGRATION_ADMIN_PW' });
  //   accounts: [{ id: u, source: …, target: asAdmin(u + '@example.net') } for u in users],
  adminLogin(user, password)::
    if !std.isString(user) then error 'ms.adminLogin takes the admin login name first: ms.adminLogin(user, password)'
    else if !std.isObject(password) then error "ms.adminLogin takes the admin password as a secret reference, e.g. { env: 'ADMIN_PW' }"
    else function(mailbox)
      if !std.isString(mailbox) then error 'the function ms.adminLogin returns takes the mailbox (login name) to log in to'
      else { user: user, password: password, auth: { mechanism: 'PLAIN', authorizeAs: mailbox } },

  // The standard MX cutover, as phases. Call the functions to override their defaults.
  phases: {
    // Copy everything while users still work on the old server; make the target an exact copy.
    presync(name='presync', deleteTarget=true, deleteTargetFolders=true): {
      name: name,
      description: 'Copy all mail while the old server is still live.',
      deleteTarget: deleteTarget,
      deleteTargetFolders: deleteTargetFolders,
    },
    // Catch up on what changed since the presync, just before the MX switch.
    final(name='final', requires=['presync'], deleteTarget=true): {
      name: name,
      description: 'Catch up on changes since the presync, just before the MX switch.',
      requires: requires,
      deleteTarget: deleteTarget,
    },
    // A manual gate: recorded with `mailshift gate <manifest> switch-mx`.
    switchMx(name='switch-mx', requires=['final'], instruction='Switch the MX record to the new server and wait for the old TTL to expire.'): {
      name: name,
      requires: requires,
      manual: instruction,
    },
    // After the MX switch: move mail that still reached the old INBOX, then delete it there.
    drainSource(name='drain-source', requires=['switch-mx'], maxAgeDays=1): {
      name: name,
      description: 'Move mail that still arrived at the old INBOX after the MX switch.',
      requires: requires,
      folders: { include: ['^INBOX$'], skipEmpty: true },
      messages: { maxAgeDays: maxAgeDays },
      deleteSource: true,
      expungeSource: 'end',
    },
    // All four, in order.
    cutover(instruction='Switch the MX record to the new server and wait for the old TTL to expire.'): [
      self.presync(),
      self.final(),
      self.switchMx(instruction=instruction),
      self.drainSource(),
    ],
  },
}
