// First run: create the folder tree only, with automap, and look at the mapping before any
// message moves.
//
// Replaces the usual first imapsync step:
//   imapsync --host1 imap.example.org --user1 greta@example.org --passfile1 secrets/greta.old.pw \
//            --host2 outlook.office365.com --user2 greta@example.net \
//            --authmech2 XOAUTH2 --oauthaccesstoken2 "$(oama access greta@example.net)" \
//            --automap --justfolders [--dry]
//
// The source is an old Courier server with a German folder set under the "INBOX." prefix:
//   INBOX  INBOX.Gesendete Objekte  INBOX.Entwürfe  INBOX.Papierkorb  INBOX.Spam  INBOX.Kunden.ACME
// The target is Microsoft 365, whose special folders are "Sent Items", "Drafts",
// "Deleted Items" and "Junk Email".
//
// The workflow:
//   mailshift plan examples/automap-justfolders.jsonnet --phase folders   # imapsync --dry: read the
//       "source → target (mappedBy)" list in the plan; fix `map` below until it is right
//   mailshift apply examples/plans/automap-justfolders.folders.plan.json  # creates the folders only
//   mailshift plan examples/automap-justfolders.jsonnet --phase presync   # then the messages
local ms = import 'mailshift.libsonnet';

// Microsoft 365 has no passwords for IMAP: XOAUTH2 with an access token printed by a command
// (here oama, which keeps the refresh tokens); nothing secret is written in this file.
local m365(address) = {
  user: address,
  auth: { mechanism: 'XOAUTH2', accessToken: { command: ['oama', 'access', address] } },
};

local account(id) = {
  id: id,
  source: { user: id + '@example.org', password: { file: 'secrets/' + id + '.old.pw' } },
  target: m365(id + '@example.net'),
};

{
  apiVersion: 'mailshift/v1',
  name: 'automap-justfolders',
  description: 'German Courier mailboxes to Microsoft 365: folder tree first, then the mail.',

  defaults: {
    source: ms.presets.courier('imap.example.org'),
    target: ms.presets.office365,
  },

  accounts: [account('greta'), account('hans')],

  // These rules apply to EVERY phase: the folder-only run and the later message runs must map
  // folders identically, or the presync would copy into folders other than the ones created.
  folders: {
    // --automap: special folders are matched by SPECIAL-USE attribute where the server has one,
    // else by the common localized names ("Gesendete Objekte" → "Sent Items").
    automap: true,
    // --f1f2 for what automap does not know. The folder-only plan shows these two going to new
    // folders "Entwürfe" and "Papierkorb"; map them onto Microsoft 365's own folders instead.
    // Keys are SOURCE names exactly as the source lists them, prefix and delimiter included.
    map: {
      'INBOX.Entwürfe': 'Drafts',
      'INBOX.Papierkorb': 'Deleted Items',
    },
  },

  // Exchange Online refuses messages above 35 MB (--maxsize 36700160): leave them out of the
  // plan instead of letting them fail one by one.
  messages: ms.messages.office365Target,

  phases: [
    {
      name: 'folders',
      description: 'Create the target folder tree only; copy no message.',
      // --justfolders: create (and, if asked, delete) folders, no message is copied.
      justFolders: true,
      // --automap, restated so this phase reads on its own (it is the top-level value too).
      folders: { automap: true },
      // Nothing is deleted on a first run: no deleteTargetFolders.
    },
    // Then the standard cutover, starting once the folder tree has been reviewed and created.
    ms.phases.presync() + { requires: ['folders'] },
    ms.phases.final(),
    ms.phases.switchMx(),
    ms.phases.drainSource(),
  ],
}
