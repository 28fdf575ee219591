// A 200-account migration, generated from a list instead of written out 200 times.
//
// Replaces the usual shell loop over a CSV:
//   while IFS=';' read u1 u2; do
//     imapsync --host1 mail.example.com --user1 "$u1@example.com" --passfile1 "secrets/$u1.pw" \
//              --host2 imap.example.net --authmech2 PLAIN --authuser2 migration --user2 "$u2@example.net" \
//              --password2 "$MIGRATION_MASTER_PW" \
//              --automap --delete2 --delete2folders
//   done < users.csv
// …with one plan to review for all 200, one status page and one audit trail.
//
// Work in waves with --account (repeatable); `status` shows who is done:
//   mailshift plan examples/two-hundred-accounts.jsonnet --phase presync --account sales01 --account dev01   # pilot
//   mailshift plan examples/two-hundred-accounts.jsonnet --phase presync                                     # everyone
//   mailshift apply examples/plans/two-hundred-accounts.presync.plan.json --concurrency 8
local ms = import 'mailshift.libsonnet';

// The user list. Generated here so the example stands alone; in a real migration read it from a
// file kept next to the manifest, e.g.
//   local users = std.split(std.rstripChars(importstr 'users.txt', '\n'), '\n');
// Four departments, 200 logins: sales01…sales60, support01…support50, dev01…dev50, ops01…ops40.
local departments = { sales: 60, support: 50, dev: 50, ops: 40 };
local users = std.flattenArrays([
  ['%s%02d' % [department, n] for n in std.range(1, departments[department])]
  for department in std.objectFields(departments)
]);

// A few people changed their login name on the new system (source login → target login).
local renamed = { dev07: 'dsmith', ops12: 'akumar' };

// --authuser2 / --password2: one admin, a Dovecot master user on the new server, logs in for every
// user (SASL PLAIN with the user as authorisation identity), so nobody's new password has to be
// known. One secret, from the environment; each account names only its mailbox.
local asAdmin = ms.adminLogin('migration', { env: 'MIGRATION_MASTER_PW' });

// Mailboxes that are much bigger than the rest get more parallel connections on both sides.
local big = ['sales01', 'support01'];

local account(login) = {
  id: login,
  // --user1 / --passfile1: one password file per user, exported by the old system's admin.
  source: { user: login + '@example.com', password: { file: 'secrets/' + login + '.pw' } },
  target: asAdmin(std.get(renamed, login, login) + '@example.net'),
} + (
  if std.member(big, login)
  then { source+: { connections: 4 }, target+: { connections: 4 } }
  else {}
);

local accounts = std.map(account, users);

// Guard rails: evaluated at `mailshift validate`, before anything touches a server.
assert std.length(accounts) == 200 : 'expected 200 accounts, got %d' % std.length(accounts);
assert std.all([std.member(users, login) for login in std.objectFields(renamed)]) : 'a renamed login is not in the user list';

{
  apiVersion: 'mailshift/v1',
  name: 'two-hundred-accounts',
  description: 'All 200 example.com mailboxes move to the new Dovecot cluster.',

  defaults: {
    source: ms.presets.dovecot('mail.example.com') + {
      // 200 accounts at --concurrency 8: keep each account's share of the old server small.
      connections: 2,
      timeoutSeconds: 120,
    },
    target: ms.presets.dovecot('imap.example.net') + { connections: 2 },
  },

  accounts: accounts,

  folders: {
    automap: true,  // --automap
  },

  // presync (--delete2 --delete2folders) → final (--delete2) → switch-mx (manual gate)
  // → drain-source (--folder INBOX --maxage 1 --delete1 --noexpungeaftereach --skipemptyfolders).
  phases: ms.phases.cutover(
    instruction='Point the MX of example.com at mx.example.net and wait for the old TTL (3600 s) to expire.',
  ),
}
