const CODES = { red: [31, 39], yellow: [33, 39], green: [32, 39], dim: [2, 22], bold: [1, 22] } as const;

export type Colour = keyof typeof CODES;
/** Whether output may carry ANSI colour (a TTY without --no-color or NO_COLOR). */
export type Palette = { color: boolean };

export function paint(palette: Palette, colour: Colour, text: string): string {
  if (!palette.color) return text;
  const [open, close] = CODES[colour];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}
