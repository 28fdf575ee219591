import { sha256Hex } from '../sha256.ts';

// Message identity as imapsync computes it: the Message-ID and every Received header, whitespace
// folded, hashed. Header bytes are read as latin1 so 8-bit headers hash byte for byte.

export interface IdentityHeaders {
  messageId: string | null;
  received: string[];
}

function sha256(text: string): string {
  return sha256Hex(Buffer.from(text, 'latin1'));
}

// Whitespace other than a space, or two spaces in a row: what folding has to change inside a value.
const UNFOLDED_SPACE = /[^\S ]| {2}/;

/** Whitespace runs to one space, none at either end. */
function fold(value: string): string {
  // Most values (a Message-ID, say) need only their ends trimmed: one scan, not a rewrite.
  return UNFOLDED_SPACE.test(value) ? value.replace(/\s+/g, ' ').trim() : value.trim();
}

/** Unfold a raw header block and pick out Message-ID (first) and Received (all, in order). */
export function parseIdentityHeaders(raw: Buffer | string): IdentityHeaders {
  const text = typeof raw === 'string' ? raw : raw.toString('latin1');
  let messageId: string | null = null;
  const received: string[] = [];
  // Line by unfolded line (a newline followed by a space or tab continues the line). Only lines
  // that may name Message-ID or Received are cut out and unfolded: the others cost one character.
  for (let start = 0; ; ) {
    let end = text.indexOf('\n', start);
    let folded = false;
    while (end !== -1 && isFoldSpace(text.charCodeAt(end + 1))) {
      folded = true;
      end = text.indexOf('\n', end + 1);
    }
    if (mayNameIdentityHeader(text.charCodeAt(start))) {
      const stop = end === -1 ? text.length : text.charCodeAt(end - 1) === CR ? end - 1 : end;
      let line = text.slice(start, stop);
      // Unfolded to single spaces first, so that fold() finds most values already folded.
      if (folded) line = line.replace(/\r?\n[ \t]+/g, ' ');
      const colon = line.indexOf(':');
      if (colon > 0) {
        const name = line.slice(0, colon).trim().toLowerCase();
        if (name === 'message-id' && messageId === null) {
          const value = fold(line.slice(colon + 1));
          if (value !== '') messageId = value;
        } else if (name === 'received') received.push(fold(line.slice(colon + 1)));
      }
    }
    if (end === -1) break;
    start = end + 1;
  }
  return { messageId, received };
}

const CR = 0x0d;

function isFoldSpace(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/**
 * Whether a line starting with this character can be a Message-ID or Received line: an m or an r,
 * or anything trim() might take away before the name (whitespace, controls, non-ASCII).
 */
function mayNameIdentityHeader(code: number): boolean {
  return code <= 0x20 || code >= 0x7f || code === 0x4d || code === 0x6d || code === 0x52 || code === 0x72;
}

/** Whether the headers can identify a message (imapsync skips messages where they cannot). */
export function hasIdentityHeaders(headers: IdentityHeaders): boolean {
  return headers.messageId !== null || headers.received.length > 0;
}

/** The identity of a message from its Message-ID and Received headers. */
export function identityOf(headers: IdentityHeaders): string {
  let text = `message-id:${headers.messageId ?? ''}`;
  for (const value of headers.received) text += `\nreceived:${value}`;
  return sha256(text);
}

/** The identity of a message with neither header: a digest of its whole (unfolded) header section. */
export function headerDigestIdentity(rawHeader: Buffer | string): string {
  const text = typeof rawHeader === 'string' ? rawHeader : rawHeader.toString('latin1');
  return sha256(`header:${fold(text.replace(/\r?\n[ \t]+/g, ' '))}`);
}

/**
 * The Message-ID addMessageId gives a copy of a message that has none: derived from the source
 * message's own identity, so the same message always gets the same Message-ID on every run.
 */
export function addedMessageIdFor(identity: string): string {
  return `<${identity.slice(0, 32)}@mailshift.invalid>`;
}

/** The key messages are matched on: the identity, plus the size when `useSize` is set. */
export function matchKey(identity: string, size: number, useSize: boolean): string {
  return useSize ? `${identity}:${size}` : identity;
}

// Searched for as bytes: a string needle would be encoded anew on every call.
const CRLF_CRLF = Buffer.from('\r\n\r\n', 'latin1');
const LF_LF = Buffer.from('\n\n', 'latin1');

/** The header section of a raw message: everything up to the first empty line. */
export function headerSection(raw: Buffer): Buffer {
  const crlf = raw.indexOf(CRLF_CRLF);
  if (crlf !== -1) return raw.subarray(0, crlf + 4);
  const lf = raw.indexOf(LF_LF);
  return lf !== -1 ? raw.subarray(0, lf + 2) : raw;
}

/** A raw message's identity, computed exactly as the snapshot reader computes it on the server's copy. */
export function identityOfRaw(raw: Buffer): string {
  const header = headerSection(raw);
  const headers = parseIdentityHeaders(header);
  return hasIdentityHeaders(headers) ? identityOf(headers) : headerDigestIdentity(header);
}
