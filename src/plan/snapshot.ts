// What the IMAP layer reads and the planner consumes: one side of one account, read-only.
// Plain data (JSON-safe), so snapshots can be saved as fixtures and planned without a server.

export type SpecialUse = '\\All' | '\\Archive' | '\\Drafts' | '\\Flagged' | '\\Junk' | '\\Sent' | '\\Trash';

/** The server as a whole: what it is, what it can do, and its personal namespace. */
export interface ServerSnapshot {
  /** Server name from ID (RFC 2971) or the greeting, when it says one. */
  name: string | null;
  capabilities: string[];
  /** Hierarchy delimiter of the personal namespace ('/' or '.' usually; null for a flat server). */
  delimiter: string | null;
  /** Personal namespace prefix, e.g. '' (Dovecot default) or 'INBOX.' (Courier, Cyrus). */
  personalPrefix: string;
  /** APPENDLIMIT in bytes when advertised (RFC 7889), else null. */
  appendLimit: number | null;
  /**
   * Target only, when keywords are to go over: PERMANENTFLAGS of its INBOX opened read-write (null:
   * the server named none). What a folder whose own answer is unknown is taken to store.
   */
  inboxPermanentFlags?: string[] | null;
}

/** A folder as LIST reports it, with STATUS/EXAMINE state when it is selectable. */
export interface FolderListing {
  /** The server's name for it, decoded from modified UTF-7 (e.g. "INBOX.Sent Items", "Entwürfe"). */
  name: string;
  delimiter: string | null;
  /** Only what the server says (RFC 6154 attributes), never guessed from the name. */
  specialUse: SpecialUse | null;
  subscribed: boolean;
  /** False for \Noselect and \NonExistent folders: they hold no messages. */
  selectable: boolean;
  /** STATUS of the folder (LIST-STATUS where offered); null when it is not selectable or unreadable. */
  state: FolderState | null;
  /**
   * Set when the server refused both STATUS and EXAMINE for a folder it listed: what it said. Such
   * a folder is not read; plan and verify name it as an error of its own, the account goes on.
   */
  unreadable?: string;
}

export interface FolderState {
  uidValidity: number;
  uidNext: number;
  highestModseq: number | null;
  messages: number;
}

export interface MessageSnapshot {
  uid: number;
  size: number;
  /** INTERNALDATE as an ISO 8601 UTC string. */
  internalDate: string;
  /** Flags and keywords as the server reports them, \Recent excluded. */
  flags: string[];
  /** identityOf(...) of its Message-ID and Received headers, or of its whole header when it has neither. */
  identity: string;
  hasMessageId: boolean;
  /**
   * Only for messages without a Message-ID: the Message-ID a copy gets with addMessageId, and the
   * identity that copy will have on the target (so a re-plan matches it instead of copying again).
   */
  addedMessageId?: { messageId: string; identity: string };
  /**
   * Gmail sources only (X-GM-EXT-1): X-GM-MSGID, the same for the message in every label folder
   * and in All Mail (a 64-bit number, in decimal); and X-GM-LABELS, decoded, sorted. Snapshots
   * and caches of other servers (and older ones) have neither.
   */
  gmailMessageId?: string;
  labels?: string[];
}

/** A folder whose messages were read (EXAMINE, then batched UID FETCH). */
export interface FolderSnapshot extends FolderListing {
  state: FolderState;
  /** In UID order. Only messages inside the fetch window when one was given. */
  messages: MessageSnapshot[];
  /** PERMANENTFLAGS when the server reported them (null when unknown, e.g. read-only EXAMINE). */
  permanentFlags: string[] | null;
  /** UIDs the server answered NIL for the header of: not in `messages`, as nothing can identify them. */
  headerless?: number[];
}

/** Both listings, before any message is read: enough to map folders. */
export interface AccountListing {
  source: { server: ServerSnapshot; folders: FolderListing[] };
  target: { server: ServerSnapshot; folders: FolderListing[] };
}

/** Everything the planner needs about one account: listings, plus the folders it asked to read. */
export interface AccountSnapshot extends AccountListing {
  /** Source folders read, by source name. */
  sourceFolders: Record<string, FolderSnapshot>;
  /** Target folders read, by target name (only folders that exist on the target). */
  targetFolders: Record<string, FolderSnapshot>;
}

/**
 * Server-side pre-selection by INTERNALDATE (UID SEARCH SINCE/BEFORE, day granularity): a superset
 * of the age window; the planner then applies the exact window. ISO dates (YYYY-MM-DD), UTC.
 */
export interface FetchWindow {
  since: string | null;
  before: string | null;
}

/** Source UID -> target UID pairs recorded by earlier applies, per source folder (identity 'uid'). */
export interface UidMap {
  sourceUidValidity: number;
  target: string;
  targetUidValidity: number;
  /** [sourceUid, targetUid] pairs. */
  pairs: Array<[number, number]>;
}
export type UidMaps = Record<string, UidMap>;
