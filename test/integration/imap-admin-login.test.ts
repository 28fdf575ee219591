// mailshift's own connections as an admin for users (SASL PLAIN with an authorisation identity) on
// a Dovecot with master users: each opens the user's mailbox, and the folder checks that guard a
// UID's meaning keep one admin's mailboxes apart.
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openConnection } from '../../src/imap/connect.ts';
import type { ImapConnection } from '../../src/imap/connection.ts';
import { examineFolder } from '../../src/imap/examine.ts';
import { fetchIdentities } from '../../src/imap/fetch-identities.ts';
import type { DovecotServer } from '../support/dovecot.ts';
import { plainEndpoint } from '../support/imap-connection.ts';
import { fillMailbox } from '../support/mailbox-builder.ts';
import { freshUser, sharedDovecot } from '../support/servers.ts';

const setup = (async () => {
  const server = await sharedDovecot({ layout: 'dot', masterUsers: true });
  const admin = { user: `admin-${randomBytes(3).toString('hex')}`, password: randomBytes(9).toString('base64url') };
  await server.addMasterUser(admin.user, admin.password);
  const [alice, bob] = await Promise.all([freshUser(server, 'alice'), freshUser(server, 'bob')]);
  // Dovecot derives a new folder's UIDVALIDITY from the clock: a second apart, the two differ.
  await fillMailbox(server, bob, { 'INBOX.Work': [{ name: 'bob-1' }] });
  await new Promise((resolve) => setTimeout(resolve, 1100));
  await fillMailbox(server, alice, { 'INBOX.Work': [{ name: 'alice-1' }, { name: 'alice-2' }] });
  return { server, admin, alice, bob };
})();

/** A connection of the admin's into `mailbox`. */
function asAdmin(
  server: DovecotServer,
  admin: { user: string; password: string },
  mailbox: string,
): Promise<ImapConnection> {
  return openConnection(
    { ...plainEndpoint(server, admin), authorizeAs: mailbox },
    { side: 'target', accountId: mailbox, manifestDir: tmpdir(), env: { PW: admin.password } },
  );
}

test("one admin, two users' folders of one name: each connection reads its own user's, and no check mixes them up", async () => {
  const { server, admin, alice, bob } = await setup;
  const [aliceChecking, bobChecking, alicePooled] = await Promise.all([
    asAdmin(server, admin, alice.user),
    asAdmin(server, admin, bob.user),
    asAdmin(server, admin, alice.user),
  ]);
  try {
    const aliceWork = await examineFolder(aliceChecking, 'INBOX.Work');
    const bobWork = await examineFolder(bobChecking, 'INBOX.Work');
    assert.is.not(aliceWork.state.uidValidity, bobWork.state.uidValidity, 'two folders, two UIDVALIDITYs');
    assert.is(aliceWork.state.messages, 2, "alice's folder, not the admin's or bob's");
    assert.is(bobWork.state.messages, 1);
    // Work is not open on this connection: the command opens it, checked against alice's UIDVALIDITY.
    const messages = await fetchIdentities(alicePooled, 'INBOX.Work', '1:*');
    assert.equal(
      messages.map((m) => m.uid),
      [1, 2],
    );
  } finally {
    await Promise.all([aliceChecking.close(), bobChecking.close(), alicePooled.close()]);
  }
});

test.run();
