// Exact sync: make the target an exact copy of the source, deletions included.
//
// Replaces:
//   imapsync --host1 imap.example.com --user1 ann@example.com --passfile1 secrets/ann.old.pw \
//            --host2 imap.example.net --user2 ann@example.net --passfile2 secrets/ann.new.pw \
//            --delete2 --delete2folders --delete2foldersbutnot '/Legal Hold/'
//
// Typical use: the target was filled weeks ago by a trial run, users kept working on the old
// server (moving, deleting, refiling), and now the target must match the source again before
// the final cutover. Without deleteTarget the target keeps every message ever copied, including
// the ones users have since deleted or moved elsewhere (which then show up twice).
//
// Run it:
//   mailshift validate examples/exact-sync-delete2.jsonnet
//   mailshift plan examples/exact-sync-delete2.jsonnet --phase mirror   # review "targetDeletes" and "foldersToDelete"
//   mailshift apply examples/plans/exact-sync-delete2.mirror.plan.json
//   mailshift verify examples/exact-sync-delete2.jsonnet --phase mirror
{
  apiVersion: 'mailshift/v1',
  name: 'exact-sync-delete2',
  description: 'Mirror the old Courier mailboxes onto the new Dovecot host, deleting what is gone on the source.',

  defaults: {
    // --host1 imap.example.com (--ssl1 is implied by tls 'implicit', port 993).
    source: { host: 'imap.example.com', tls: 'implicit' },
    // --host2 imap.example.net
    target: { host: 'imap.example.net', tls: 'implicit' },
  },

  accounts: [
    {
      id: 'ann',
      // --user1 / --passfile1: the secret is a reference, never the password itself.
      source: { user: 'ann@example.com', password: { file: 'secrets/ann.old.pw' } },
      // --user2 / --password2 "$ANN_NEW_PW", without the password on the command line (ps, shell history).
      target: { user: 'ann@example.net', password: { env: 'ANN_NEW_PW' } },
    },
    {
      id: 'ben',
      source: { user: 'ben@example.com', password: { file: 'secrets/ben.old.pw' } },
      target: { user: 'ben@example.net', password: { env: 'BEN_NEW_PW' } },
    },
  ],

  folders: {
    // --automap: Sent/Trash/Junk/Drafts land in the target's special-use folders, whatever
    // either server calls them; otherwise a target-only "Sent Messages" would be deleted below
    // while the source's "Sent" is copied into a new folder next to it.
    automap: true,
  },

  messages: {
    // imapsync's default identity: Message-ID + Received headers, size ignored (--skipsize).
    identity: 'headers',
    // Flags follow the source too (read/answered/flagged), as imapsync resyncs them.
    syncFlags: true,
  },

  phases: [
    {
      name: 'mirror',
      description: 'Target becomes an exact copy of the source, deletions included.',
      // --delete2: delete target messages that are not (or no longer) on the source. Only folders
      // that have a source counterpart are compared; the plan lists every message it would delete.
      deleteTarget: true,
      // --delete2folders --delete2foldersbutnot: delete target folders that have no source
      // counterpart, EXCEPT the compliance folder "Legal Hold" (and anything below it) that the
      // legal team created on the new server only. The regex is matched against TARGET folder
      // names as the target spells them, so it allows an "INBOX." prefix and either delimiter.
      // INBOX and the target's special-use folders are never deleted, whatever the regex says.
      deleteTargetFolders: { except: '^(INBOX[./])?Legal Hold([./]|$)' },
    },
  ],
}
