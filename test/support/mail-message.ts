import {
  CORRESPONDENTS,
  EIGHT_BIT_SUBJECTS,
  OWNER,
  ZONE_OFFSETS,
  base64Lines,
  encodedWord,
  html,
  mailbox,
  paragraphs,
  rfc5322Date,
  subject,
  type Person,
} from './mail-text.ts';
import type { Random } from './random.ts';

/** What the mailbox generator decided about one message before its bytes are written. */
export interface MessageShape {
  readonly index: number;
  readonly direction: 'incoming' | 'outgoing' | 'draft';
  readonly messageId: boolean;
  readonly received: boolean;
  readonly eightBitSubject: boolean;
  readonly size: 'normal' | 'large' | 'huge';
  readonly listId?: string;
  readonly internalDate: Date;
}

const ATTACHMENTS = [
  { name: 'report.pdf', type: 'application/pdf', magic: '%PDF-1.5\n' },
  { name: 'photo.jpg', type: 'image/jpeg', magic: '\xff\xd8\xff\xe0' },
  {
    name: 'figures.xlsx',
    type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    magic: 'PK\x03\x04',
  },
  {
    name: 'Präsentation.pptx',
    type: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    magic: 'PK\x03\x04',
  },
];

const MAILERS = [
  'User-Agent: Mozilla Thunderbird 115.9.0',
  'X-Mailer: Microsoft Outlook 16.0',
  'X-Mailer: Apple Mail (2.3731.700.6)',
];

/** Writes the RFC 5322 bytes (CRLF line ends throughout) for one message shape. */
export function buildMessage(random: Random, shape: MessageShape): Buffer {
  const other = random.pick(CORRESPONDENTS);
  const [from, to]: [Person, Person] = shape.direction === 'incoming' ? [other, OWNER] : [OWNER, other];
  const zone = random.pick(ZONE_OFFSETS);
  // The Date header is written before delivery; INTERNALDATE is when the server stored it.
  const sent = new Date(
    shape.internalDate.getTime() - (shape.direction === 'incoming' ? random.int(180, 900) * 1000 : 0),
  );
  const text = shape.eightBitSubject ? random.pick(EIGHT_BIT_SUBJECTS) : subject(random);
  const domain = from.address.split('@')[1] ?? 'example.org';
  const headers: string[] = [];
  if (shape.received) {
    headers.push(`Return-Path: <${from.address}>`, ...receivedChain(random, domain, sent));
    if (random.chance(0.3)) headers.push(dkimSignature(random, domain));
  }
  if (shape.messageId) headers.push(`Message-ID: <${random.hex(16)}.${shape.index}@${domain}>`);
  headers.push(`Date: ${rfc5322Date(sent, zone)}`, `From: ${mailbox(from)}`, `To: ${mailbox(to)}`);
  if (random.chance(0.2)) headers.push(`Cc: ${mailbox(random.pick(CORRESPONDENTS))}`);
  // A few clients put raw UTF-8 in headers; most use RFC 2047 encoded-words.
  headers.push(`Subject: ${shape.eightBitSubject ? text : encodedWord(text)}`);
  if (/^re:/i.test(text)) {
    const parent = `<${random.hex(12)}@${random.pick(CORRESPONDENTS).address.split('@')[1]}>`;
    headers.push(`In-Reply-To: ${parent}`, `References: ${parent}`);
  }
  if (shape.listId)
    headers.push(`List-Id: <${shape.listId}>`, `List-Unsubscribe: <mailto:unsubscribe@${shape.listId}>`);
  headers.push(random.pick(MAILERS), 'MIME-Version: 1.0');
  const head = headers.join('\r\n');
  const target = targetSize(random, shape.size);
  const bodyBudget = Math.max(400, target - head.length - 200);
  const kind =
    shape.size !== 'normal' ? 'attachment' : random.pick(['plain', 'plain', 'alternative', 'attachment'] as const);
  const greeting = shape.eightBitSubject ? `${text}\r\n\r\n` : '';
  const body =
    kind === 'plain'
      ? plainPart(greeting + paragraphs(random, bodyBudget), shape.eightBitSubject)
      : kind === 'alternative'
        ? alternativePart(random, greeting + paragraphs(random, Math.floor(bodyBudget / 2.1)), shape.eightBitSubject)
        : mixedPart(
            random,
            greeting + paragraphs(random, Math.min(4000, bodyBudget / 3)),
            shape.eightBitSubject,
            bodyBudget,
          );
  return Buffer.from(`${head}\r\n${body}`, 'utf8');
}

function targetSize(random: Random, size: MessageShape['size']): number {
  if (size === 'huge') return random.int(3_000_000, 6_000_000);
  if (size === 'large') return random.logUniform(24_000, 2_000_000);
  return random.logUniform(2_600, 18_000);
}

function receivedChain(random: Random, senderDomain: string, sent: Date): string[] {
  const hops = random.int(2, 4);
  const lines: string[] = [];
  let at = sent.getTime();
  const octet = (): number => random.int(2, 250);
  for (let hop = 0; hop < hops; hop++) {
    at += random.int(1, 40) * 1000;
    const by = hop === hops - 1 ? 'mx1.example.org' : `relay${hop + 1}.${senderDomain}`;
    const fromHost = hop === 0 ? `mail-${random.hex(4)}.${senderDomain}` : `relay${hop}.${senderDomain}`;
    const ip = random.pick(['192.0.2', '198.51.100', '203.0.113']);
    const id = random.hex(10).toUpperCase();
    // Newest hop first, as MTAs prepend.
    lines.unshift(
      `Received: from ${fromHost} (${fromHost} [${ip}.${octet()}])\r\n` +
        `\tby ${by} (Postfix) with ESMTPS id ${id}\r\n` +
        `\tfor <${OWNER.address}>; ${rfc5322Date(new Date(at), 0)}`,
    );
  }
  return lines;
}

function dkimSignature(random: Random, domain: string): string {
  const b = base64Lines(random.bytes(192)).split('\r\n').join('\r\n\t ');
  return (
    `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=${domain}; s=mail2024;\r\n` +
    `\th=from:to:subject:date:message-id; bh=${random.bytes(32).toString('base64')};\r\n\tb=${b}`
  );
}

function textHeaders(eightBit: boolean): string {
  return `Content-Type: text/plain; charset=utf-8; format=flowed\r\nContent-Transfer-Encoding: ${eightBit ? '8bit' : '7bit'}`;
}

function plainPart(text: string, eightBit: boolean): string {
  return `${textHeaders(eightBit)}\r\n\r\n${text}\r\n`;
}

function alternativePart(random: Random, text: string, eightBit: boolean): string {
  const boundary = `----=_Alt_${random.hex(20)}`;
  return [
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    'This is a multi-part message in MIME format.',
    `--${boundary}`,
    textHeaders(eightBit),
    '',
    text,
    `--${boundary}`,
    `Content-Type: text/html; charset=utf-8`,
    `Content-Transfer-Encoding: ${eightBit ? '8bit' : '7bit'}`,
    '',
    html(text),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

function mixedPart(random: Random, text: string, eightBit: boolean, budget: number): string {
  const boundary = `----=_Mixed_${random.hex(20)}`;
  const file = random.pick(ATTACHMENTS);
  // Base64 with CRLF every 76 columns grows data by 78/57.
  const rawBytes = Math.max(300, Math.floor(((budget - text.length - 600) * 57) / 78));
  const data = Buffer.concat([Buffer.from(file.magic, 'latin1'), random.bytes(rawBytes)]);
  const ascii = /^[\x20-\x7e]*$/.test(file.name);
  const disposition = ascii
    ? `attachment; filename="${file.name}"`
    : `attachment;\r\n filename*=utf-8''${encodeURIComponent(file.name)}`;
  return [
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    'This is a multi-part message in MIME format.',
    `--${boundary}`,
    textHeaders(eightBit),
    '',
    text,
    `--${boundary}`,
    `Content-Type: ${file.type}; name="${encodedWord(file.name)}"`,
    'Content-Transfer-Encoding: base64',
    `Content-Disposition: ${disposition}`,
    '',
    base64Lines(data),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
