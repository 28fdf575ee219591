// Who an endpoint logs in as, in the words output uses. An admin logging in for a user (SASL PLAIN
// with an authorisation identity) is two names: the admin who authenticates, and the mailbox.
// Dependency-free, so that renderers and the IMAP layer can share it.

/** An endpoint's login: `user`, and the mailbox an admin user logs in to (absent: the user's own). */
export interface Login {
  user: string;
  authorizeAs?: string;
}

/** The mailbox an endpoint reads or writes: the admin's `authorizeAs`, else the user's own. */
export function mailboxOf(login: Login): string {
  return login.authorizeAs ?? login.user;
}

/** Who logs in, as output shows it: "admin as alice" for an admin login, else the user. Never a secret. */
export function loginOf(login: Login): string {
  return login.authorizeAs === undefined ? login.user : `${login.user} as ${login.authorizeAs}`;
}
