// Several source mailboxes merged into one shared mailbox, each under its own folder.
//
// Replaces (one run per source mailbox, all into the same target login):
//   imapsync --host1 mail.example.com --user1 info@example.com    --passfile1 secrets/info.pw \
//            --host2 imap.example.net --user2 team@example.net    --passfile2 secrets/team.pw --subfolder2 info
//   imapsync … --user1 sales@example.com   … --user2 team@example.net … --subfolder2 sales
//   imapsync … --user1 support@example.com … --user2 team@example.net … --subfolder2 support
//
// Result in team@example.net:  info/INBOX, info/Sent, …, sales/INBOX, …, support/INBOX, …
// One manifest instead of three scripts: one plan to review, one status, one audit trail.
local ms = import 'mailshift.libsonnet';

// The shared mailbox every source writes into (same host, same login for all three accounts).
local team = { user: 'team@example.net', password: { file: 'secrets/team.pw' } };

// --user1 <box>@example.com … --subfolder2 <box>
local into(box) = {
  id: box,
  source: { user: box + '@example.com', password: { file: 'secrets/' + box + '.pw' } },
  target: team,
  // Each source gets its own folder tree, so two "INBOX"es or two "Sent"s can never collide.
  subfolder: box,
};

{
  apiVersion: 'mailshift/v1',
  name: 'many-into-one',
  description: 'info@, sales@ and support@ become folders of the shared team@ mailbox.',

  defaults: {
    source: ms.presets.dovecot('mail.example.com'),
    target: ms.presets.dovecot('imap.example.net'),
  },

  accounts: [into(box) for box in ['info', 'sales', 'support']],

  folders: ms.folders.skipTrashAndSpam + {
    // Off, as with --subfolder2: automap would send every source's Sent to the ONE special-use
    // Sent of team@, mixing the three mailboxes' sent mail in a single folder.
    automap: false,
  },

  // The standard cutover, without any target deletion. The team works in team@ during the
  // migration (moves, deletes, files replies); deleteTarget would undo that on every sync.
  // And mailshift refuses deleteTarget/deleteTargetFolders for two accounts that write into
  // the same target mailbox AND the same folder tree: each would delete the other's mail.
  phases: [
    ms.phases.presync(deleteTarget=false, deleteTargetFolders=false),
    ms.phases.final(deleteTarget=false),
    ms.phases.switchMx(instruction='Point the MX of example.com at mx.example.net; make info@, sales@ and support@ aliases of team@.'),
    // Late mail in each old INBOX goes to <box>/INBOX in team@ and is deleted on the old server.
    ms.phases.drainSource(),
  ],
}
