import type { Random } from './random.ts';

/** Someone who sends or receives mail in the generated mailboxes (RFC 2606 domains only). */
export interface Person {
  readonly name: string;
  readonly address: string;
}

export const OWNER: Person = { name: 'Alice Martin', address: 'alice.martin@example.org' };

export const CORRESPONDENTS: readonly Person[] = [
  { name: 'Bob Keller', address: 'bob.keller@example.com' },
  { name: 'Carla Núñez', address: 'carla@example.net' },
  { name: 'David Okafor', address: 'd.okafor@mail.example.com' },
  { name: 'Émilie Durand', address: 'emilie.durand@example.fr' },
  { name: 'Jürgen Weiß', address: 'j.weiss@example.de' },
  { name: 'Ольга Смирнова', address: 'olga@example.ru' },
  { name: 'Priya Raman', address: 'priya@dev.example.org' },
  { name: 'Billing', address: 'billing@invoices.example.com' },
  { name: 'GitHub', address: 'notifications@example.dev' },
  { name: 'Team Calendar', address: 'calendar-noreply@example.org' },
];

const TOPICS = [
  'Q1 budget review',
  'server migration plan',
  'onboarding checklist',
  'release 2.4 notes',
  'vendor contract renewal',
  'offsite agenda',
  'incident report 4711',
  'design review',
  'travel reimbursement',
  'weekly status',
  'backup rotation',
  'mailbox quota increase',
];

const SUBJECT_FORMS = [
  (t: string): string => t[0]!.toUpperCase() + t.slice(1),
  (t: string): string => `Re: ${t}`,
  (t: string): string => `RE: Re: ${t}`,
  (t: string): string => `Fwd: ${t}`,
  (t: string): string => `[dev] ${t} (#${t.length * 37})`,
  (t: string): string => `Invoice ${t.length * 1031} - ${t}`,
];

/** Subjects written as raw UTF-8 in the header, as some real clients do despite RFC 5322. */
export const EIGHT_BIT_SUBJECTS = [
  'Grüße aus München – Protokoll',
  'Réunion de l’équipe : ordre du jour',
  'Отчёт за март',
  '会议纪要 (第三季度)',
  'Ærlig talt: økonomi',
  'Café ☕ on Friday?',
];

const WORDS = (
  'the a of to and in that for is on with as by at from this we be are will have our it not or ' +
  'please review attached report meeting schedule update server folder message mailbox account ' +
  'migration budget quarter team project plan next week monday friday deadline draft version ' +
  'thanks regards note agenda customer invoice contract change request approval status backup ' +
  'issue ticket release test result numbers figures summary follow up question answer call ' +
  'office remote travel policy access password reset storage quota archive calendar invite'
).split(' ');

/** A subject line for an ordinary (ASCII) message. */
export function subject(random: Random): string {
  return random.pick(SUBJECT_FORMS)(random.pick(TOPICS));
}

function sentence(random: Random): string {
  const count = random.int(6, 18);
  const words: string[] = [];
  for (let i = 0; i < count; i++) words.push(random.pick(WORDS));
  const text = words.join(' ');
  return `${text[0]!.toUpperCase()}${text.slice(1)}${random.pick(['.', '.', '.', '?', '!'])}`;
}

/** Plain-text paragraphs wrapped at 72 columns, at least minBytes long (CRLF line ends). */
export function paragraphs(random: Random, minBytes: number): string {
  const lines: string[] = [];
  let size = 0;
  while (size < minBytes) {
    const text = Array.from({ length: random.int(2, 6) }, () => sentence(random)).join(' ');
    for (const line of wrap(text, 72)) {
      lines.push(line);
      size += line.length + 2;
    }
    lines.push('');
    size += 2;
  }
  return lines.join('\r\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line.length > 0 ? `${line} ${word}` : word;
    }
  }
  if (line.length > 0) lines.push(line);
  return lines;
}

/** The same text as a small HTML document. */
export function html(text: string): string {
  const body = text
    .split('\r\n\r\n')
    .filter((p) => p.length > 0)
    .map((p) => `<p>${p.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</p>`)
    .join('\r\n');
  return `<html>\r\n<head><meta charset="utf-8"></head>\r\n<body>\r\n${body}\r\n</body>\r\n</html>\r\n`;
}

/** Base64 in 76-column lines, as MIME wants it. */
export function base64Lines(data: Buffer): string {
  return data.toString('base64').replace(/.{76}(?=.)/g, '$&\r\n');
}

/** RFC 2047 encoded-word when the text is not ASCII, the text itself otherwise. */
export function encodedWord(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

/** `"Name" <address>` with the name encoded when it is not ASCII. */
export function mailbox(person: Person): string {
  const name = encodedWord(person.name);
  return name === person.name ? `"${name}" <${person.address}>` : `${name} <${person.address}>`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 5322 date-time for an instant as seen in a zone offset given in minutes. */
export function rfc5322Date(instant: Date, offsetMinutes: number): string {
  const local = new Date(instant.getTime() + offsetMinutes * 60_000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return (
    `${DAYS[local.getUTCDay()]}, ${local.getUTCDate()} ${MONTHS[local.getUTCMonth()]} ${local.getUTCFullYear()} ` +
    `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())} ` +
    `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`
  );
}

export const ZONE_OFFSETS = [0, 60, 120, -300, -480, 330, 540];
