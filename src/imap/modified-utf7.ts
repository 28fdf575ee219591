// Modified UTF-7 (RFC 3501 §5.1.3), the encoding of folder names on a session without UTF8=ACCEPT.
// Each name has exactly one encoding; imapflow decodes whatever it is given, leniently, and
// encodes the result again when mailshift names the folder. A name that is not in that one
// encoding therefore comes back as another mailbox ("Bad&Jjo" → "Bad&Jjo-"): such a folder is
// refused by name, never opened. Pure.

import { decodePath, encodePath, isRev2Active } from 'imapflow/lib/tools.js';

type Session = Parameters<typeof encodePath>[0];

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,';

/**
 * Why the folder a server listed as `name` cannot be named back to it: on a session where imapflow
 * decodes names (no UTF8=ACCEPT, no IMAP4rev2), the name is not valid modified UTF-7, or is but
 * imapflow would send another (it leaves TAB and LF unencoded). Null when the name is safe to use.
 */
export function listedNameProblem(session: Session, name: string): string | null {
  // The same test as imapflow's decodePath(): names are UTF-8 once either is enabled.
  if (session.enabled.has('UTF8=ACCEPT') || isRev2Active(session)) return null;
  const problem = modifiedUtf7Problem(name);
  if (problem !== null) return problem;
  const sent = encodePath(session, decodePath(session, name));
  return sent === name ? null : `imapflow would name it ${quoted(sent)} in every command, which is another mailbox`;
}

/** Why `name`, exactly as a server listed it, is not valid modified UTF-7; null when it is. */
export function modifiedUtf7Problem(name: string): string | null {
  let at = 0;
  let shiftEnd = -1;
  while (at < name.length) {
    const code = name.charCodeAt(at);
    if (code < 0x20 || code > 0x7e) {
      // imapflow reads a name as UTF-8: a byte that is not (Latin-1 "ä" is E4) arrives as U+FFFD.
      const what =
        code === 0xfffd ? 'a byte that is not ASCII (read as U+FFFD)' : `${describe(name.codePointAt(at)!)} as itself`;
      return `it holds ${what}; modified UTF-7 writes only printable US-ASCII directly`;
    }
    if (name[at] !== '&') {
      at++;
      continue;
    }
    const close = name.indexOf('-', at + 1);
    const shift = close === -1 ? name.slice(at) : name.slice(at, close + 1);
    const problem = shiftProblem(shift, close === -1, at === shiftEnd);
    if (problem !== null) return `${quoted(shift)} ${problem}`;
    at += shift.length;
    shiftEnd = at;
  }
  return null;
}

/** A shift: '&', modified BASE64 and '-' (`unclosed`: no '-' follows); `adjacent`: another shift ends right before it. */
function shiftProblem(shift: string, unclosed: boolean, adjacent: boolean): string | null {
  const body = unclosed ? shift.slice(1) : shift.slice(1, -1);
  const stray = [...body].find((char) => !BASE64.includes(char));
  if (stray !== undefined)
    return `is not a shift: ${quoted(stray)} is not modified BASE64 (a literal '&' is written "&-")`;
  if (unclosed) return "is not valid modified UTF-7: the shift is not closed by '-'";
  if (body === '') return null;
  if (adjacent) return 'directly follows another shift; modified UTF-7 writes the two as one';
  const bits = body.length * 6;
  const left = bits % 16;
  if (left >= 6) return `is not valid modified UTF-7: its BASE64 ends inside a character (${left} bits left over)`;
  // Fewer than 6 bits are left over, so they all sit in the last BASE64 character.
  if ((BASE64.indexOf(body[body.length - 1]!) & ((1 << left) - 1)) !== 0)
    return 'is not valid modified UTF-7: the bits after its last character are not zero';
  const units = unitsOf(body);
  for (let i = 0; i < units.length; i++) {
    const unit = units[i]!;
    if (
      unit >= 0xd800 &&
      unit <= 0xdbff &&
      units[i + 1] !== undefined &&
      units[i + 1]! >= 0xdc00 &&
      units[i + 1]! <= 0xdfff
    ) {
      i++;
      continue;
    }
    if (unit >= 0xd800 && unit <= 0xdfff)
      return `is not valid modified UTF-7: it encodes a lone UTF-16 surrogate (${describe(unit)})`;
    if (unit >= 0x20 && unit <= 0x7e)
      return `is not valid modified UTF-7: it encodes ${describe(unit)}, which must be written as itself`;
  }
  return null;
}

/** The UTF-16 code units of a modified BASE64 run, trailing zero bits dropped. */
function unitsOf(body: string): number[] {
  const units: number[] = [];
  let buffer = 0;
  let held = 0;
  for (const char of body) {
    buffer = ((buffer << 6) | BASE64.indexOf(char)) & 0x3fffff;
    held += 6;
    if (held >= 16) {
      held -= 16;
      units.push((buffer >> held) & 0xffff);
    }
  }
  return units;
}

/** A name as a server listed it, in double quotes, with anything outside printable US-ASCII escaped (\xNN, \u{NNNN}). */
export function quoted(name: string): string {
  let text = '';
  for (const char of name) {
    const code = char.codePointAt(0)!;
    if (char === '"' || char === '\\') text += `\\${char}`;
    else if (code >= 0x20 && code <= 0x7e) text += char;
    else text += code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  }
  return `"${text}"`;
}

function describe(code: number): string {
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return code >= 0x20 && code <= 0x7e ? `'${String.fromCharCode(code)}' (${hex})` : hex;
}
