// The post-MX-switch drain: move the mail that still reached the OLD server's INBOX after the MX
// record was switched, and delete it there, so nothing is stranded on the old host.
//
// Replaces (run once the MX switch is done, for every account):
//   imapsync --host1 mail.example.com --user1 cho@example.com --passfile1 secrets/cho.old.pw \
//            --host2 imap.example.net --user2 cho@example.com --passfile2 secrets/cho.new.pw \
//            --folder INBOX --maxage 1 --delete1 --noexpungeaftereach --skipemptyfolders
//
// The runbook, which `mailshift status` tracks:
//   1. final        mailshift plan … --phase final, review, apply        (just before the switch)
//   2. switch-mx    change the MX, then: mailshift gate examples/drain-after-mx-switch.jsonnet switch-mx --note "MX TTL 300 s, switched 14:05"
//   3. drain-inbox  mailshift plan … --phase drain-inbox, review, apply  (repeat until the plan is empty)
// `drain-inbox` refuses to apply until the switch-mx gate has been recorded: draining while mail
// still arrives on the old host would just chase a moving target.
{
  apiVersion: 'mailshift/v1',
  name: 'drain-after-mx-switch',
  description: 'Final sync, MX switch, then drain late arrivals from the old INBOX.',

  defaults: {
    source: { host: 'mail.example.com', tls: 'implicit' },
    target: { host: 'imap.example.net', tls: 'implicit' },
  },

  accounts: [
    {
      id: 'cho',
      source: { user: 'cho@example.com', password: { file: 'secrets/cho.old.pw' } },
      target: { user: 'cho@example.com', password: { file: 'secrets/cho.new.pw' } },
    },
    {
      id: 'dana',
      source: { user: 'dana@example.com', password: { file: 'secrets/dana.old.pw' } },
      target: { user: 'dana@example.com', password: { file: 'secrets/dana.new.pw' } },
    },
  ],

  folders: {
    automap: true,  // --automap
  },

  phases: [
    {
      // Last catch-up while the old server still receives mail (imapsync --delete2).
      name: 'final',
      description: 'Catch up on changes just before the MX switch.',
      deleteTarget: true,
    },
    {
      // A manual gate, not a sync: recorded (who, when, note) in the audit trail by `mailshift gate`.
      name: 'switch-mx',
      requires: ['final'],
      manual: 'Point the MX of example.com at mx.example.net and wait for the old TTL to expire.',
    },
    {
      name: 'drain-inbox',
      description: 'Move mail that still arrived at the old INBOX after the MX switch.',
      requires: ['switch-mx'],
      folders: {
        // --folder INBOX: only the INBOX gets new mail from outside; other folders are final.
        include: ['^INBOX$'],
        // --skipemptyfolders: an empty old INBOX creates and touches nothing.
        skipEmpty: true,
      },
      messages: {
        // --maxage 1: only messages received in the last day; everything older was copied by
        // the final sync. Raise it if the drain runs more than a day after `final`, or mail
        // that arrived in between would stay behind.
        maxAgeDays: 1,
      },
      // --delete1: delete each source message once its copy is confirmed on the target
      // (APPENDUID or a re-check); messages already on the target are deleted from the source
      // too. A message that failed to copy is never deleted.
      deleteSource: true,
      // --noexpungeaftereach: flag as \Deleted while copying, EXPUNGE once at the end of the folder.
      expungeSource: 'end',
      // No deleteTarget here: after the switch, new mail arrives on the target and is not on
      // the source; --delete2 would delete it. (deleteSource with deleteTarget is refused anyway.)
    },
  ],
  // Equivalent phases come ready-made in the library (`local ms = import 'mailshift.libsonnet'`):
  // [ms.phases.final(requires=[]), ms.phases.switchMx(), ms.phases.drainSource(name='drain-inbox')].
  // They are spelled out here so every setting can carry its imapsync option.
}
