// Folders the server listed but refused to open (STATUS and EXAMINE both refused: no read right,
// a damaged mailbox) or answered malformed FETCHes about: each is an error of its own, so a wave still plans the rest of the account
// and the exit code still says something was not done. Pure.
import type { Diagnostic } from '../errors.ts';
import type { FolderPair } from './folder-mapping.ts';
import type { AccountListing } from './snapshot.ts';

/** One diagnostic per folder of the pairs whose source, or existing target, could not be read; `outcome` says what that meant ("not verified"). */
export function unreadableFolders(
  listing: AccountListing,
  pairs: readonly FolderPair[],
  accountId: string,
  outcome: string,
): Diagnostic[] {
  const why = (side: 'source' | 'target', name: string) =>
    listing[side].folders.find((folder) => folder.name === name)?.unreadable;
  const diagnostics: Diagnostic[] = [];
  for (const pair of pairs) {
    for (const [side, name] of [
      ['source', pair.source],
      ...(pair.targetExists ? [['target', pair.target]] : []),
    ] as Array<['source' | 'target', string]>) {
      const said = why(side, name);
      if (said === undefined) continue;
      diagnostics.push({
        severity: 'error',
        code: 'IMAP_ERROR',
        message: `${said}: ${outcome}`,
        hint: `the server refused the ${side} folder, or answered in a way that cannot be read exactly (said above): give the user the right to read it, or repair it on the server (--trace FILE records what the server sent), then run the command again`,
        location: { account: accountId, side, folder: name },
      });
    }
  }
  return diagnostics;
}
