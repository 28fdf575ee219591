import { readFileSync } from 'node:fs';

/** mailshift's version, from package.json: plans and audit records carry it. */
export const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
