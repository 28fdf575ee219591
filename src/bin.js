#!/usr/bin/env node
// The installed `mailshift` command. Runs the build in dist/ (tsx's loader costs ~0.3 s a start),
// unless src/ or schemas/ changed since the last build or MAILSHIFT_FROM_SOURCE=1: then the TypeScript
// sources through tsx, so an edited checkout never runs stale code.
import { fileURLToPath } from 'node:url';
import { isBuildFresh } from './build-freshness.js';

const dist = new URL('../dist/', import.meta.url);
const sources = [new URL('.', import.meta.url), new URL('../schemas/', import.meta.url)].map((url) =>
  fileURLToPath(url),
);
const fromSource = process.env.MAILSHIFT_FROM_SOURCE === '1' || !isBuildFresh(fileURLToPath(dist), sources);

/** @type {typeof import('./cli/main.ts')} */
let cli;
if (fromSource) {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('./cli/main.ts');
} else {
  cli = await import(new URL('main.js', dist).href);
}
process.exitCode = await cli.main(process.argv.slice(2));
