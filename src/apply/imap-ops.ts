import { appendMessages } from '../imap/append.ts';
import { createFolder, deleteFolder, subscribeFolder } from '../imap/create-folder.ts';
import { examineFolder } from '../imap/examine.ts';
import { deleteMessages } from '../imap/expunge.ts';
import { fetchIdentities } from '../imap/fetch-identities.ts';
import { readBodies } from '../imap/read-bodies.ts';
import { searchUids } from '../imap/search-uids.ts';
import { selectFolder } from '../imap/select.ts';
import { storeFlags } from '../imap/store-flags.ts';
import { settleCopies } from './settle-copies.ts';

// A folder's actions reach the servers only through this object, so the order of actions and the
// crash recovery of the copies can be proven in unit tests against a recording fake
// (test/unit/apply/), as well as end to end against real servers.

/** What runFolder and copyMessages send to the servers, each on a connection of the pool's. */
export interface ImapOps {
  examineFolder: typeof examineFolder;
  selectFolder: typeof selectFolder;
  createFolder: typeof createFolder;
  subscribeFolder: typeof subscribeFolder;
  deleteFolder: typeof deleteFolder;
  searchUids: typeof searchUids;
  fetchIdentities: typeof fetchIdentities;
  readBodies: typeof readBodies;
  appendMessages: typeof appendMessages;
  storeFlags: typeof storeFlags;
  deleteMessages: typeof deleteMessages;
  settleCopies: typeof settleCopies;
}

/** The real commands, from src/imap/. */
export const imapOps: ImapOps = {
  examineFolder,
  selectFolder,
  createFolder,
  subscribeFolder,
  deleteFolder,
  searchUids,
  fetchIdentities,
  readBodies,
  appendMessages,
  storeFlags,
  deleteMessages,
  settleCopies,
};
