// Message-ID based sync of a mailbox full of messages that have no Message-ID.
//
// Replaces:
//   imapsync --host1 mail.example.org --user1 scans@example.org --passfile1 secrets/scans.old.pw \
//            --host2 imap.example.net --user2 scans@example.net --passfile2 secrets/scans.new.pw \
//            --addheader
//
// The "scans" mailbox receives messages from a scanner/copier and from a ticketing system that
// write neither a Message-ID nor Received headers (they APPEND straight into the folder).
// imapsync skips such messages unless --addheader, which adds "Message-Id: <UID@imapsync>" to the
// copy. mailshift copies them either way (it identifies a
// header-less message by a digest of its whole header section), but with addMessageId the copies
// on the new server get a real Message-ID: mail clients, archivers and later syncs with other
// tools can then tell them apart and do not collapse them as duplicates.
//
// Run it:
//   mailshift plan examples/addheader-message-id.jsonnet --phase copy
//   mailshift apply examples/plans/addheader-message-id.copy.plan.json
//   mailshift verify examples/addheader-message-id.jsonnet --phase copy
{
  apiVersion: 'mailshift/v1',
  name: 'addheader-message-id',
  description: 'Copy the scanner/ticketing mailboxes, giving header-less messages a Message-ID.',

  defaults: {
    // --host1 mail.example.org --port1 143 (plain IMAP upgraded with STARTTLS; imapsync --tls1).
    source: { host: 'mail.example.org', port: 143, tls: 'starttls' },
    // --host2 imap.example.net --ssl2
    target: { host: 'imap.example.net', tls: 'implicit' },
  },

  accounts: [
    {
      id: 'scans',
      source: { user: 'scans@example.org', password: { file: 'secrets/scans.old.pw' } },
      target: { user: 'scans@example.net', password: { file: 'secrets/scans.new.pw' } },
    },
    {
      id: 'tickets',
      source: { user: 'tickets@example.org', password: { file: 'secrets/tickets.old.pw' } },
      // Secrets can come from a password manager too: the command's stdout is the password.
      target: { user: 'tickets@example.net', password: { command: ['pass', 'show', 'mail/tickets@example.net'] } },
    },
  ],

  messages: {
    // Match by Message-ID + Received headers, as imapsync does (and not by UID: --useuid).
    identity: 'headers',
    // --addheader: give copies of messages without a Message-ID one of their own.
    addMessageId: true,
    // --skipsize (imapsync's default): sizes are not part of the identity. Said explicitly here
    // because adding a header makes every such copy bigger than its source message.
    useSize: false,
  },

  phases: [
    {
      name: 'copy',
      description: 'Copy everything; nothing is deleted on either side.',
    },
  ],
}
