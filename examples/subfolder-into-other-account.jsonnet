// Archive departed employees' mailboxes into a folder of their manager's mailbox.
//
// Replaces (one run per departed employee):
//   imapsync --host1 mail.example.com --user1 bob@example.com --passfile1 secrets/bob.old.pw \
//            --host2 imap.example.net --user2 'carol@example.net*migration' --passfile2 secrets/dovecot-master.pw \
//            --subfolder2 Archive/bob --exclude '^Trash$|^Deleted Items$|^Spam$|^Junk$|^Junk E-?mail$'
//
// Bob and Dave have left; their manager Carol keeps their mail. Each whole mailbox (INBOX, Sent,
// every folder) goes below its own folder in Carol's mailbox on the new server:
//   bob's INBOX        → Archive/bob/INBOX
//   bob's Sent         → Archive/bob/Sent
//   bob's Clients/ACME → Archive/bob/Clients/ACME
local ms = import 'mailshift.libsonnet';

// Carol's mailbox on the new Dovecot server, entered through a Dovecot master user
// ("user*master" with auth_master_user_separator = *): nobody needs Carol's password, and her
// own mail is not touched (no phase below deletes anything on the target).
local managerMailbox = {
  user: 'carol@example.net*migration',
  password: { file: 'secrets/dovecot-master.pw' },
};

// A departed employee: the admin reset the old account's password into secrets/<id>.old.pw.
local departed(id) = {
  id: id,
  description: id + ' left the company; mailbox kept for the manager.',
  source: { user: id + '@example.com', password: { file: 'secrets/' + id + '.old.pw' } },
  target: managerMailbox,
  // --subfolder2 Archive/<id>: the whole tree goes below this TARGET folder. Per account, so
  // the two archives never meet. Written with '/', the target server's delimiter here.
  subfolder: 'Archive/' + id,
};

{
  apiVersion: 'mailshift/v1',
  name: 'subfolder-into-other-account',
  description: "Departed employees' mailboxes archived under Archive/<name> in their manager's mailbox.",

  defaults: {
    // The old server is a Dovecot with '/' hierarchy and no "INBOX." prefix, so the preset's
    // anchored exclusions below ('^Trash$'…) match its folder names as listed.
    source: ms.presets.dovecot('mail.example.com'),
    target: ms.presets.dovecot('imap.example.net'),
  },

  accounts: [
    departed('bob'),
    departed('dave'),
  ],

  // Trash and spam are not worth archiving (--exclude).
  folders: ms.folders.skipTrashAndSpam + {
    // imapsync --subfolder2 turns automap off, and so must we: with automap, Bob's Sent would
    // be filed into the target's special-use Sent folder, i.e. CAROL's own Sent, instead of
    // Archive/bob/Sent. Inside an archive, names stay as they were.
    automap: false,
  },

  phases: [
    {
      name: 'archive',
      description: 'Copy the departed mailboxes below Archive/ in the manager mailbox.',
      // Deliberately no deleteTarget / deleteTargetFolders: this is somebody else's mailbox.
      // And if Carol's OWN mailbox is migrated by another manifest with deleteTargetFolders,
      // that phase must protect the archive: deleteTargetFolders: { except: '^Archive/' },
      // or it would see Archive/bob as a target folder with no source counterpart.
    },
  ],
}
