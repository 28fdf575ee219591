// RFC 4180 CSV for `ms.csv(importstr 'users.csv')` (mailshift.libsonnet). It runs in TypeScript as
// a Jsonnet native callback (jsonnet.ts): a parser written in Jsonnet walks the text a character
// at a time, and libjsonnet copies strings and arrays on every step, so even 1,000 rows took
// minutes; here 10,000 rows take milliseconds.

/** A CSV that cannot be read; the message names the row (header = row 1) and, when it differs, the line. */
export class CsvError extends Error {}

/**
 * Parse CSV text into one object per row, keyed by the header row. Fields may be quoted ("" is a
 * quote; commas and line breaks inside quotes are data); records end in CRLF or LF, the last one
 * optionally; blank lines are skipped, and so is a UTF-8 byte order mark.
 */
export function parseCsv(text: string): Array<Record<string, string>> {
  const records = readRecords(text.startsWith('\uFEFF') ? text.slice(1) : text);
  const header = records.shift();
  if (!header) throw new CsvError('the CSV is empty: its first row must name the columns, e.g. id,user');
  header.fields.forEach((name, i) => {
    if (name === '') throw new CsvError(`CSV row 1 (the header): column ${i + 1} has no name`);
    const first = header.fields.indexOf(name);
    if (first !== i)
      throw new CsvError(`CSV row 1 (the header): column ${i + 1} is named "${name}" like column ${first + 1}`);
  });
  return records.map(({ fields, row, line }) => {
    if (fields.length !== header.fields.length) {
      throw new CsvError(
        `CSV ${where(row, line)} has ${fields.length} ${fields.length === 1 ? 'field' : 'fields'}, but the header row has ${header.fields.length} (${header.fields.join(', ')})`,
      );
    }
    return Object.fromEntries(header.fields.map((name, i) => [name, fields[i]!]));
  });
}

interface CsvRecord {
  fields: string[];
  /** 1-based, the header included. */
  row: number;
  /** The line the record starts on (a quoted line break makes rows and lines differ). */
  line: number;
}

function readRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let position = 0;
  let line = 1;
  while (position < text.length) {
    const lineBreak = lineBreakAt(text, position);
    if (lineBreak > 0) {
      position += lineBreak;
      line++;
      continue;
    }
    const record: CsvRecord = { fields: [], row: records.length + 1, line };
    const place = () => ({
      row: `CSV ${where(record.row, record.line)}`,
      field: `field ${record.fields.length + 1}${columnName(records, record.fields.length)}`,
    });
    for (;;) {
      const field = readField(text, position, place);
      record.fields.push(field.value);
      line += countLineBreaks(field.value);
      position = field.end;
      if (text[position] !== ',') break;
      position++;
    }
    if (position < text.length) {
      position += lineBreakAt(text, position);
      line++;
    }
    records.push(record);
  }
  return records;
}

/** One field from `position`: its value and where it ends (at a comma, a line break or the end). */
function readField(
  text: string,
  position: number,
  place: () => { row: string; field: string },
): { value: string; end: number } {
  if (text[position] !== '"') {
    let end = position;
    while (end < text.length && !atFieldEnd(text, end)) end++;
    const value = text.slice(position, end);
    if (value.includes('"'))
      throw new CsvError(
        `${place().row}: ${place().field} holds a quote but is not quoted; write it as "${value.replace(/"/g, '""')}"`,
      );
    return { value, end };
  }
  const closed = closingQuote(text, position + 1);
  if (closed === -1) {
    throw new CsvError(
      `${place().row}: the quote opened in ${place().field} is never closed; close it, or write a quote inside a quoted field as ""`,
    );
  }
  if (closed + 1 < text.length && !atFieldEnd(text, closed + 1)) {
    throw new CsvError(
      `${place().row}: ${place().field} has text after its closing quote; quote the whole field, and write a quote inside it as ""`,
    );
  }
  return { value: text.slice(position + 1, closed).replace(/""/g, '"'), end: closed + 1 };
}

/** 2 for CRLF, 1 for LF, 0 for anything else. */
function lineBreakAt(text: string, position: number): number {
  if (text[position] === '\n') return 1;
  return text[position] === '\r' && text[position + 1] === '\n' ? 2 : 0;
}

/** The index of the quote closing a quoted field whose text starts at `from`, or -1. */
function closingQuote(text: string, from: number): number {
  let at = from;
  for (;;) {
    const quote = text.indexOf('"', at);
    if (quote === -1) return -1;
    if (text[quote + 1] !== '"') return quote;
    at = quote + 2;
  }
}

function atFieldEnd(text: string, position: number): boolean {
  return text[position] === ',' || lineBreakAt(text, position) > 0;
}

function countLineBreaks(field: string): number {
  let count = 0;
  for (let i = field.indexOf('\n'); i !== -1; i = field.indexOf('\n', i + 1)) count++;
  return count;
}

function where(row: number, line: number): string {
  return line === row ? `row ${row}` : `row ${row} (line ${line})`;
}

function columnName(records: CsvRecord[], index: number): string {
  const name = records[0]?.fields[index];
  return records.length > 0 && name ? ` (${name})` : '';
}
