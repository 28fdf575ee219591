import { createHash } from 'node:crypto';

// Message identity as imapsync computes it: the Message-ID and every Received header, whitespace
// folded, hashed. Header bytes are read as latin1 so 8-bit headers hash byte for byte.

export interface IdentityHeaders {
  messageId: string | null;
  received: string[];
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'latin1').digest('hex');
}

function fold(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

/** Unfold a raw header block and pick out Message-ID (first) and Received (all, in order). */
export function parseIdentityHeaders(raw: Buffer | string): IdentityHeaders {
  const text = typeof raw === 'string' ? raw : raw.toString('latin1');
  const unfolded = text.replace(/\r?\n[ \t]+/g, ' ');
  let messageId: string | null = null;
  const received: string[] = [];
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    // Only two names count: the other header lines of a whole message are not folded for nothing.
    const name = line.slice(0, colon).trim().toLowerCase();
    if (name === 'message-id' && messageId === null) {
      const value = fold(line.slice(colon + 1));
      if (value !== '') messageId = value;
    } else if (name === 'received') received.push(fold(line.slice(colon + 1)));
  }
  return { messageId, received };
}

/** Whether the headers can identify a message (imapsync skips messages where they cannot). */
export function hasIdentityHeaders(headers: IdentityHeaders): boolean {
  return headers.messageId !== null || headers.received.length > 0;
}

/** The identity of a message from its Message-ID and Received headers. */
export function identityOf(headers: IdentityHeaders): string {
  const lines = [`message-id:${headers.messageId ?? ''}`, ...headers.received.map((r) => `received:${r}`)];
  return sha256(lines.join('\n'));
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

/** The header section of a raw message: everything up to the first empty line. */
export function headerSection(raw: Buffer): Buffer {
  const crlf = raw.indexOf('\r\n\r\n');
  if (crlf !== -1) return raw.subarray(0, crlf + 4);
  const lf = raw.indexOf('\n\n');
  return lf !== -1 ? raw.subarray(0, lf + 2) : raw;
}

/** A raw message's identity, computed exactly as the snapshot reader computes it on the server's copy. */
export function identityOfRaw(raw: Buffer): string {
  const header = headerSection(raw);
  const headers = parseIdentityHeaders(header);
  return hasIdentityHeaders(headers) ? identityOf(headers) : headerDigestIdentity(header);
}
