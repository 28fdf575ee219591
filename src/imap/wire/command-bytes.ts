import { createImapError } from 'imapflow/lib/errors.js';
import type { Token } from './exec.ts';

// The bytes imapflow's compiler (handler/imap-compiler.js) gives for the same command with
// `literalPlus`, written for the Token shapes alone: the compiler spends most of a large
// MULTIAPPEND on buffers for each space and parenthesis, then copies every message into one
// buffer for the whole command. Here the text between two literals is one small buffer, and a
// literal's data is the caller's Buffer, never copied. Where the compiler refuses a value (CR, LF
// or NUL in a string, a bad sequence set), this throws the same error.

// ATOM-CHAR (RFC 3501): CHAR minus "(", ")", "{", SP, CTL, "%", "*", DQUOTE, "\", "]".
const ATOM = /^[\x21\x23\x24\x26\x27\x2b-\x5b\x5e-\x7a\x7c-\x7e]*$/;
const NOT_QUOTABLE = /[\r\n\0]/;
const QUOTED_SPECIALS = /["\\]/g;
const LINE_BREAK = /[\r\n]/;
const SEQUENCE_RANGE = /^(\d+|\*)(:(\d+|\*))?$/;

/** `<tag> <command> <attributes>` for the wire, every literal non-synchronizing ({n+}), without the closing CRLF: the text between literals in small buffers, each literal's data as given. */
export function literalPlusCommand(tag: string, command: string, attributes: readonly Token[]): Buffer[] {
  if (LINE_BREAK.test(tag) || LINE_BREAK.test(command))
    throw createImapError('Line terminator in IMAP token', 'InvalidTokenValue');
  const parts: Buffer[] = [];
  let text = command ? `${tag} ${command}` : tag;
  // The compiler's spacing: a space before every token but the first in a list, and always after
  // literal data; none between lists that open a list of lists ("((a)(b))").
  let afterLiteral = false;
  let afterOpener = false;

  const walk = (token: Token, inListRun: boolean): void => {
    if ((afterLiteral || !afterOpener) && !inListRun) text += ' ';
    afterOpener = false;
    if (Array.isArray(token)) {
      afterLiteral = false;
      text += '(';
      afterOpener = true;
      let listRun = token.length > 1 && Array.isArray(token[0]);
      for (const child of token) {
        if (listRun && !Array.isArray(child)) listRun = false;
        walk(child, listRun);
      }
      text += ')';
      afterOpener = false;
      return;
    }
    afterLiteral = token.type === 'LITERAL';
    switch (token.type) {
      case 'LITERAL':
        text += `${token.isLiteral8 ? '~' : ''}{${token.value.length}+}\r\n`;
        if (token.value.length > 0) {
          parts.push(Buffer.from(text), token.value);
          text = '';
        }
        return;
      case 'STRING':
        text += quoted(token.value || '');
        return;
      case 'ATOM': {
        const value = token.value || '';
        // A leading backslash is allowed, as system flags (\Seen) carry one.
        if (!token.section || value)
          text +=
            token.value === '' || !ATOM.test(value.charAt(0) === '\\' ? value.slice(1) : value) ? quoted(value) : value;
        if (token.section) {
          text += '[';
          afterOpener = true;
          for (const child of token.section) walk(child, false);
          text += ']';
          afterOpener = false;
        }
        return;
      }
      case 'SEQUENCE': {
        const value = token.value ?? '';
        if (value !== '$' && !value.split(',').every((range) => SEQUENCE_RANGE.test(range)))
          throw createImapError('Invalid sequence set value', 'InvalidSequenceSet');
        text += value;
        return;
      }
    }
  };

  for (const token of attributes) walk(token, false);
  if (text !== '') parts.push(Buffer.from(text));
  return parts;
}

// Only DQUOTE and backslash have an escape; CR, LF and NUL have none and refuse the value. Other
// bytes, 8-bit included, go inside the quotes as UTF-8, as the compiler writes them.
function quoted(value: string): string {
  if (NOT_QUOTABLE.test(value))
    throw createImapError('Unquotable character in IMAP string value', 'InvalidStringValue');
  return `"${value.replace(QUOTED_SPECIALS, '\\$&')}"`;
}
