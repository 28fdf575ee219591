import { readFileSync } from 'node:fs';
import { packageFile } from './package-files.ts';

/** mailshift's version, from package.json: plans and audit records carry it. */
export const VERSION = (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version;
