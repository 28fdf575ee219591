// A mailshift migration manifest. Check it with:   mailshift validate <this file>
// Every key is described in schemas/manifest.v1.schema.json; the workflow is in the README.
local ms = import 'mailshift.libsonnet';  // presets and the standard cutover phases

{
  apiVersion: 'mailshift/v1',
  name: 'example-cutover',  // names the plan files (plans/), state (.mailshift/) and audit logs (audit/)

  // Shared endpoint settings; every account's source/target is merged over these.
  defaults: {
    source: { host: 'imap.old.example', tls: 'implicit' },  // port defaults to 993 (implicit) or 143
    target: { host: 'imap.new.example', tls: 'implicit', connections: 4 },
  },

  // One entry per mailbox pair. Secrets are references, never literals:
  // { env: 'NAME' }, { file: 'secrets/x.pw' } (relative to this file) or { command: ['pass', 'show', 'x'] }.
  accounts: [
    {
      id: 'alice',
      source: { user: 'alice@example.com', password: { env: 'ALICE_OLD_PW' } },
      target: { user: 'alice@example.com', password: { file: 'secrets/alice.pw' } },
    },
    // ms.account('bob', 'bob@example.com') reads BOB_SOURCE_PW and BOB_TARGET_PW.
    ms.account('bob', 'bob@example.com'),
  ],

  folders: {
    exclude: ['^Trash$', '^Junk$'],  // regexes on source folder names
    automap: true,                   // Sent -> Sent Items etc. by special-use or common names
  },

  messages: {
    identity: 'headers',  // Message-ID + Received headers identify a message, as imapsync does
  },

  // presync -> final -> switch-mx (a manual gate) -> drain-source (moves late mail from the old INBOX).
  phases: ms.phases.cutover(),
}
