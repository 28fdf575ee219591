import { problem, type Diagnostic } from '../errors.ts';

/** 1-based line and column of a character offset. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return { line, column };
}

/**
 * Parse strict JSON. V8 reports a character offset for most syntax errors; when it does not
 * (e.g. "Unexpected token"), `locate` is asked for a position (the Jsonnet parser, which reads JSON).
 */
export async function parseJson(
  file: string,
  text: string,
  locate: () => Promise<{ line: number; column: number } | undefined>,
): Promise<{ value: unknown } | { diagnostic: Diagnostic }> {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    const message = (error as Error).message;
    const offset = /at position (\d+)/.exec(message);
    const position = offset ? positionOf(text, Number(offset[1])) : await locate();
    const what = message.replace(/\s*\(line \d+ column \d+\)/, '').replace(/ in JSON at position \d+/, '');
    return {
      diagnostic: problem(
        'MANIFEST_SYNTAX',
        `JSON syntax error: ${what}`,
        'fix the JSON at the line and column shown (JSON allows no comments or trailing commas; use .jsonnet for those)',
        {
          file,
          ...(position ?? {}),
        },
      ),
    };
  }
}
