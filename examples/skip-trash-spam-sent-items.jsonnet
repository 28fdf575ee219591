// Leave Trash, Spam and Drafts behind, file Sent into Exchange's "Sent Items", ignore sizes.
//
// Replaces:
//   imapsync --host1 imap.example.org --user1 eve@example.org --passfile1 secrets/eve.old.pw \
//            --host2 mail.example.net --user2 eve@example.net --passfile2 secrets/eve.new.pw \
//            --exclude '^Trash$|^Spam$|^Drafts$' \
//            --f1f2 'Sent=Sent Items' \
//            --skipsize
//
// The source is a Dovecot server with '/' hierarchy and no namespace prefix, so its folders are
// listed as "Sent", "Trash", "Projects/2024"…; the target is an on-premises Exchange server whose
// sent folder is "Sent Items".
{
  apiVersion: 'mailshift/v1',
  name: 'skip-trash-spam-sent-items',
  description: 'Old Dovecot to on-premises Exchange, without Trash, Spam and Drafts.',

  defaults: {
    source: { host: 'imap.example.org', tls: 'implicit' },
    // Exchange throttles per user; 2 connections and a message-rate cap keep it from refusing
    // commands half-way through a folder.
    target: { host: 'mail.example.net', tls: 'implicit', connections: 2, maxMessagesPerSecond: 20 },
  },

  accounts: [
    {
      id: 'eve',
      source: { user: 'eve@example.org', password: { file: 'secrets/eve.old.pw' } },
      target: { user: 'eve@example.net', password: { file: 'secrets/eve.new.pw' } },
    },
    {
      id: 'frank',
      source: { user: 'frank@example.org', password: { file: 'secrets/frank.old.pw' } },
      target: { user: 'frank@example.net', password: { file: 'secrets/frank.new.pw' } },
    },
  ],

  folders: {
    // --exclude: regexes on SOURCE folder names, one per folder and anchored, so "Projects/Drafts"
    // or "Spam reports" are still copied (imapsync's unanchored 'Trash|Spam|Drafts' would skip
    // them). On a source with an "INBOX." prefix these would read '^INBOX\\.Trash$' etc.
    exclude: ['^Trash$', '^Spam$', '^Drafts$'],
    // --f1f2 Sent='Sent Items': exact source name → target name; wins over every other rule.
    map: { Sent: 'Sent Items' },
    // No automap (imapsync's default too): the map above is the only special-folder translation,
    // so nothing else is filed by guesswork.
    automap: false,
  },

  messages: {
    identity: 'headers',
    // --skipsize: the size is NOT part of a message's identity. Exchange rewrites messages on
    // APPEND (header folding, MIME re-encoding), so the copy's size differs from the source's;
    // with useSize: true every later plan would see those messages as missing and copy them
    // again. This is also the default; it is written out because it matters here.
    useSize: false,
  },

  phases: [
    {
      name: 'copy',
      description: 'Copy everything but Trash, Spam and Drafts; delete nothing.',
    },
  ],
}
