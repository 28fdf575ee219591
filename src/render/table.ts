import { paint, type Colour, type Palette } from './palette.ts';

/** One cell of a table: its text, and the colour it is shown in (none: plain). */
export interface Cell {
  text: string;
  colour?: Colour | undefined;
}

/**
 * A table as lines: the headings, then the rows, each column as wide as its widest cell, two
 * spaces between columns, `rightAligned` columns (by index) padded on the left.
 */
export function tableLines(
  headings: readonly string[],
  rows: readonly Cell[][],
  palette: Palette,
  rightAligned: ReadonlySet<number> = new Set(),
): { heading: string; rows: string[] } {
  const widths = headings.map((heading, column) =>
    Math.max(heading.length, ...rows.map((cells) => cells[column]!.text.length)),
  );
  const line = (cells: readonly Cell[]) =>
    cells
      .map((cell, column) => {
        const padded = rightAligned.has(column)
          ? cell.text.padStart(widths[column]!)
          : cell.text.padEnd(widths[column]!);
        // Padding first, colour second: escape codes must not count towards the width.
        return cell.colour ? paint(palette, cell.colour, padded) : padded;
      })
      .join('  ')
      .trimEnd();
  return { heading: line(headings.map((text) => ({ text }))), rows: rows.map(line) };
}
