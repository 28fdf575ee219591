// The demo's cutover: `npm run demo` starts two throwaway Dovecot servers on 127.0.0.1, seeds
// the source mailboxes, and walks this manifest through the whole runbook:
//   presync → final → switch-mx (manual gate) → drain-source.
//
// Ports, logins and passwords are only known when the demo runs, so nothing here is hard-coded:
//   External variables (all four required, by every mailshift command that reads this manifest:
//   validate, check, plan, apply, verify, status, gate):
//     SOURCE_PORT  plain-IMAP port of the source Dovecot on 127.0.0.1, e.g. 10143
//     TARGET_PORT  plain-IMAP port of the target Dovecot on 127.0.0.1, e.g. 20143
//     SOURCE_USER  source login(s), comma-separated, e.g. alice,bob,carol
//     TARGET_USER  target login(s), comma-separated, same count and order as SOURCE_USER,
//                  e.g. alice,bob,carol. One pair = one account, whose id is the source login.
//   Environment (secret references, resolved only when mailshift logs in):
//     DEMO_SOURCE_PW  password of every demo login on the source
//     DEMO_TARGET_PW  password of every demo login on the target
//
// How the demo passes them (three accounts):
//   export DEMO_SOURCE_PW=… DEMO_TARGET_PW=…
//   mailshift plan migrations/demo-cutover.jsonnet --phase presync \
//     --ext-str SOURCE_PORT=10143 --ext-str TARGET_PORT=20143 \
//     --ext-str SOURCE_USER=alice,bob,carol --ext-str TARGET_USER=alice,bob,carol
// (`--ext-str NAME` without `=VALUE` takes the value from the environment variable NAME.)
// To only check the file (one account):
//   mailshift validate --ext-str SOURCE_PORT=1 --ext-str TARGET_PORT=2 \
//     --ext-str SOURCE_USER=demo-source --ext-str TARGET_USER=demo-target migrations/demo-cutover.jsonnet
local ms = import 'mailshift.libsonnet';

// A port from an external variable, with a clear message instead of std.parseInt's.
local port(name) =
  local text = std.extVar(name);
  local digits = std.length(text) > 0 && std.all([std.member('0123456789', c) for c in std.stringChars(text)]);
  local number = if digits then std.parseInt(text) else 0;
  if !digits then error '--ext-str %s must be a TCP port number, got "%s"' % [name, text]
  else if number < 1 || number > 65535 then error '--ext-str %s=%d is not a TCP port (1-65535)' % [name, number]
  else number;

// A comma-separated list of logins from an external variable (spaces around commas ignored).
local logins(name) = [
  std.stripChars(login, ' ')
  for login in std.split(std.extVar(name), ',')
  if std.stripChars(login, ' ') != ''
];
local sourceUsers = logins('SOURCE_USER');
local targetUsers = logins('TARGET_USER');
assert std.length(sourceUsers) >= 1 : '--ext-str SOURCE_USER must name at least one login, e.g. SOURCE_USER=alice,bob';
assert std.length(sourceUsers) == std.length(targetUsers)
       : '--ext-str SOURCE_USER names %d login(s) but TARGET_USER names %d: they are paired in order' % [std.length(sourceUsers), std.length(targetUsers)];
assert std.length(std.set(sourceUsers)) == std.length(sourceUsers) : '--ext-str SOURCE_USER lists a login twice: %s' % std.join(',', sourceUsers);

// Both servers listen on loopback only. tls 'none' is allowed there with a password (the rules
// refuse it for any other host unless allowPlaintext is set); on a real network use 'implicit'
// or 'starttls'.
local loopback(portVariable) = {
  host: '127.0.0.1',
  port: port(portVariable),
  tls: 'none',
  connections: 2,
  timeoutSeconds: 15,  // a local server that does not answer in 15 s is not going to
};

{
  apiVersion: 'mailshift/v1',
  name: 'demo-cutover',
  description: 'mailshift demo: two local Dovecot servers, the full MX cutover runbook.',

  defaults: {
    source: loopback('SOURCE_PORT'),
    target: loopback('TARGET_PORT'),
  },

  accounts: [
    {
      id: sourceUsers[i],
      source: { user: sourceUsers[i], password: { env: 'DEMO_SOURCE_PW' } },
      target: { user: targetUsers[i], password: { env: 'DEMO_TARGET_PW' } },
    }
    for i in std.range(0, std.length(sourceUsers) - 1)
  ],

  folders: {
    // --automap: the servers name their special folders differently (e.g. Sent vs Sent Items,
    // Trash vs Deleted Items); automap pairs them by SPECIAL-USE attribute.
    automap: true,
    // --exclude: junk mail stays behind. Source names as the source lists them, so the regex
    // allows an "INBOX." prefix and the "Junk E-mail" spelling.
    exclude: ['^(INBOX[./])?Junk( E-?mail)?$'],
  },

  messages: {
    identity: 'headers',  // Message-ID + Received, as imapsync
  },

  // presync (--delete2 --delete2folders) → final (--delete2) → switch-mx (gate) →
  // drain-source (--folder INBOX --maxage 1 --delete1 --noexpungeaftereach --skipemptyfolders).
  phases: ms.phases.cutover(
    instruction='Demo: there is no real MX. New mail now goes to the target; the demo delivers one late message to the source INBOX and records this gate with `mailshift gate migrations/demo-cutover.jsonnet switch-mx`.',
  ),
}
