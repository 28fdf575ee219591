import { formatDateTime } from 'imapflow/lib/tools.js';

// IMAP's date-time (RFC 3501 section 9), as APPEND sends a message's INTERNALDATE: always in UTC,
// the day padded with a space: " 5-Mar-2024 09:07:03 +0000". Byte for byte what imapflow's
// formatDateTime writes, without its cost per message: it formats each date four times over, twice
// in the local time zone only to check that it is valid.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A date as IMAP's date-time in UTC; undefined for an invalid date (as imapflow's formatDateTime). */
export function imapDateTime(date: Date): string | undefined {
  const year = date.getUTCFullYear();
  // Outside four-digit years (and for an invalid date, NaN) imapflow's own output is the reference.
  if (!(year >= 0 && year <= 9999)) return formatDateTime(date);
  const day = date.getUTCDate();
  return `${day < 10 ? ' ' : ''}${day}-${MONTHS[date.getUTCMonth()]}-${String(year).padStart(4, '0')} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}

function two(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}
