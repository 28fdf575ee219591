// Accounts read from a CSV of users, as exported from the old system's admin panel or a
// spreadsheet (users.csv, next to this file: a header row, then one row per mailbox).
//
// Replaces the usual shell loop, which breaks on quoted fields and Windows line endings:
//   while IFS=, read id u1 u2 note; do
//     imapsync --host1 mail.example.com --user1 "$u1" --passfile1 "secrets/$id.pw" \
//              --host2 imap.example.net --user2 "$u2*migration" --password2 "$MIGRATION_MASTER_PW" --automap
//   done < <(tail -n +2 users.csv)
//
// ms.csv reads RFC 4180 CSV: fields holding a comma, a quote or a line break are in double
// quotes, with a quote inside written twice (""); CRLF or LF line endings. Every value is a
// string. A malformed file (an unterminated quote, a row with too few or too many fields) stops
// `mailshift validate` with the row named. See the rows as mailshift does:
//   mailshift validate --print examples/accounts-from-csv.jsonnet | jq '.accounts[] | {id, description}'
local ms = import 'mailshift.libsonnet';

local users = ms.csv(importstr 'users.csv');

// Guard rails, evaluated at `mailshift validate` before anything touches a server.
assert std.length(users) > 0 : 'users.csv has no rows below its header';
assert std.all([std.objectHas(users[0], column) for column in ['id', 'source_user', 'target_user', 'note']])
       : 'users.csv needs the columns id, source_user, target_user and note';

{
  apiVersion: 'mailshift/v1',
  name: 'accounts-from-csv',
  description: 'The mailboxes listed in users.csv move from mail.example.com to imap.example.net.',

  // Endpoint completeness is checked after each account is merged over these defaults, so keys
  // every account shares (the target's master-user password here) are written once.
  defaults: {
    source: ms.presets.dovecot('mail.example.com') + { connections: 2 },
    // A Dovecot master user on the new server logs in as each user (`user*migration`), so
    // nobody's new password has to be known. One secret, from the environment.
    target: ms.presets.dovecot('imap.example.net') + { password: { env: 'MIGRATION_MASTER_PW' } },
  },

  accounts: [
    {
      id: user.id,
      // --user1 / --passfile1: one password file per user, exported by the old system's admin.
      source: { user: user.source_user, password: { file: 'secrets/' + user.id + '.pw' } },
      // Only the login: the password comes from defaults.target.
      target: { user: user.target_user + '*migration' },
    } + (if user.note != '' then { description: user.note } else {})
    for user in users
  ],

  folders: { automap: true },  // --automap

  phases: ms.phases.cutover(instruction='Point the MX of example.com at mx.example.net and wait for the old TTL to expire.'),
}
