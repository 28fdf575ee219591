// Google Workspace (Gmail) in Portuguese → a Dovecot server.
//
// Replaces (per user, with a token fetched beforehand):
//   imapsync --host1 imap.gmail.com --ssl1 --user1 maria@example.com \
//            --authmech1 XOAUTH2 --oauthaccesstoken1 "$(oauth2l fetch …)" \
//            --host2 imap.example.net --ssl2 --user2 maria@example.com --passfile2 secrets/maria.pw \
//            --automap \
//            --exclude '^\[Gmail\]$' --exclude '^\[Gmail\]/Todos os e-mails$' \
//            --exclude '^\[Gmail\]/Importantes?$' --exclude '^\[Gmail\]/Com estrela$' \
//            --f1f2 '[Gmail]/E-mails enviados=Sent' --f1f2 '[Gmail]/Lixeira=Trash' \
//            --f1f2 '[Gmail]/Rascunhos=Drafts' \
//            --regextrans2 's,^\[Gmail\]/,,'
//
// Gmail names its system folders in the language of the user's web interface. With Portuguese
// (Brazil) the IMAP list looks like:
//   INBOX  [Gmail]/E-mails enviados  [Gmail]/Rascunhos  [Gmail]/Lixeira  [Gmail]/Spam
//   [Gmail]/Todos os e-mails  [Gmail]/Importante  [Gmail]/Com estrela  Clientes/ACME …
// Check the real names before trusting the map: the plan lists every source folder with its
// target and the rule that mapped it (`mailshift plan … --phase presync`, nothing is changed).
// A user on Portuguese (Portugal), or one who switched language, may show other names.
local ms = import 'mailshift.libsonnet';

// One Gmail user → the same address on the new server.
local user(id, address) = {
  id: id,
  source: {
    user: address,
    // Gmail has no usable passwords for this: XOAUTH2 with an OAuth2 access token
    // (imapsync --authmech1 XOAUTH2 --oauthaccesstoken1). The token is printed by a command at
    // login, so it never lands in the manifest, the plan or shell history. Here a Workspace
    // service account with domain-wide delegation impersonates each user; the gmail.imap_admin
    // scope also shows labels that users hid from IMAP and ignores IMAP folder size limits.
    auth: {
      mechanism: 'XOAUTH2',
      accessToken: {
        command: [
          'oauth2l', 'fetch',
          '--credentials', 'secrets/gmail-migration-sa.json',
          '--scope', 'https://www.googleapis.com/auth/gmail.imap_admin',
          '--email', address,
        ],
      },
    },
  },
  target: { user: address, password: { file: 'secrets/' + id + '.pw' } },
};

{
  apiVersion: 'mailshift/v1',
  name: 'gmail-portuguese',
  description: 'example.com leaves Google Workspace (Portuguese UI) for its own Dovecot server.',

  defaults: {
    // imap.gmail.com:993, implicit TLS, 2 connections per account: Gmail throttles hard, and
    // limits IMAP downloads to about 2,500 MB a day per account: the preset's maxBytesPerDay
    // pauses an account there, and the next apply goes on.
    source: ms.presets.gmail,
    // --host2 imap.example.net --ssl2; Dovecot's hierarchy ('/' or '.') is read at plan time.
    target: ms.presets.dovecot('imap.example.net'),
  },

  accounts: [
    user('maria', 'maria@example.com'),
    user('joao', 'joao@example.com'),
  ],

  // ms.folders.gmailSource: excludes the English virtual folders (All Mail, Important, Starred),
  // strips "[Gmail]/" (--regextrans2 's,^\[Gmail\]/,,') and turns automap on.
  folders: ms.folders.gmailSource + {
    // The preset's exclusions only know the English names. "Todos os e-mails", "Importante" and
    // "Com estrela" are label views that hold copies of mail already in real folders: copying
    // them would duplicate every message. `exclude+:` appends to the preset's list
    // (a plain `exclude:` would replace it).
    exclude+: [
      '^\\[Gmail\\]/Todos os e-mails$',
      '^\\[Gmail\\]/Importantes?$',  // "Importante" (pt-BR), "Importantes" (pt-PT)
      '^\\[Gmail\\]/Com estrela$',
    ],
    // --f1f2: map keys are SOURCE folder names exactly as Gmail lists them, "[Gmail]/" included
    // (map wins over every other rule, so the rename above has not happened yet); values are the
    // target names. Automap would usually find these through Gmail's special-use attributes,
    // but the explicit map makes the result independent of how the target flags its folders.
    map: {
      '[Gmail]/E-mails enviados': 'Sent',
      '[Gmail]/Lixeira': 'Trash',
      '[Gmail]/Rascunhos': 'Drafts',
    },
    // "[Gmail]/Spam" is left to automap (→ the target's \Junk folder, e.g. "Junk"); user labels
    // such as "Clientes/ACME" keep their names and hierarchy.
  },

  messages: {
    // A Gmail message with several labels sits in several folders; each copy is one message per
    // folder on the target, which is what users saw in their mail client.
    identity: 'headers',
  },

  // presync → final → switch-mx (manual gate) → drain-source (late mail from the Gmail INBOX).
  // Note for the drain on Gmail: what an IMAP EXPUNGE in INBOX does depends on the user's
  // Gmail setting "When a message is marked as deleted and expunged": by default it only
  // archives the message (removes the Inbox label), which is exactly what a drain wants.
  phases: ms.phases.cutover(
    instruction='Point the MX of example.com from Google to mx.example.net, and stop Gmail forwarding rules.',
  ),
}
