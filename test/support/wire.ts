import { test } from 'uvu';

// CI runs the examples and the fault tests a second time with MAILSHIFT_WIRE=imapflow, on
// imapflow's public API (src/imap/wire/internals.ts). A few scenarios exist only on mailshift's own
// wire: MULTIAPPEND, and checks of answers imapflow's parser has already merged. They say why.

/** Whether this run forces imapflow's public API. */
export const onPublicApi = process.env['MAILSHIFT_WIRE'] === 'imapflow';

/** A test of mailshift's own wire; skipped on imapflow's public API, where `why` holds. */
export function wireTest(name: string, why: string, handler: () => Promise<void>): void {
  if (onPublicApi) test.skip(`${name} (not on imapflow's public API: ${why})`, handler);
  else test(name, handler);
}
