import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lazyDependencies } from '../../../src/build/lazy-dependencies.mjs';
import { REPO } from '../../support/cli.ts';

// The build's stand-ins for packages imapflow imports but mailshift rarely uses: a bundle that
// imports them loads none at start, and each works (called, constructed, read) once used.

const ENTRY = `
import { createRequire } from 'node:module';
import iconv from 'iconv-lite';
import libqp from 'libqp';
import { Headers } from '@zone-eu/mailsplit';
const loaded = () => Object.keys(createRequire(import.meta.url).cache).filter((file) => /node_modules\\/(iconv-lite|libqp|@zone-eu\\/mailsplit)\\//.test(file)).length;
const report = { loadedAtStart: loaded() };
report.utf7 = iconv.encode('Entwürfe', 'utf-7-imap').toString();
report.quotedPrintable = libqp.decode('caf=C3=A9').toString();
report.header = new Headers(Buffer.from('Subject: hi\\r\\n\\r\\n')).getFirst('subject');
report.decoderClass = typeof libqp.Decoder;
report.loadedOnceUsed = loaded();
console.log(JSON.stringify(report));
`;

test('lazy dependencies: none is loaded when the bundle starts; each works once used', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailshift-lazy-'));
  try {
    // Resolved from the output's place, as dist/ resolves them in an install.
    symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
    writeFileSync(join(dir, 'entry.mjs'), ENTRY);
    await build({
      entryPoints: [join(dir, 'entry.mjs')],
      outfile: join(dir, 'bundle.mjs'),
      bundle: true,
      format: 'esm',
      platform: 'node',
      plugins: [lazyDependencies],
      logLevel: 'silent',
    });
    const bundle = readFileSync(join(dir, 'bundle.mjs'), 'utf8');
    assert.not.match(bundle, 'utf-7-imap":', 'iconv-lite itself is not in the bundle');
    const report = JSON.parse(
      execFileSync(process.execPath, [join(dir, 'bundle.mjs')], { encoding: 'utf8' }),
    ) as Record<string, unknown>;
    assert.equal(report, {
      loadedAtStart: 0,
      utf7: 'Entw&APw-rfe',
      quotedPrintable: 'café',
      header: 'hi',
      decoderClass: 'function',
      loadedOnceUsed: report.loadedOnceUsed,
    });
    assert.ok(
      (report.loadedOnceUsed as number) >= 3,
      `every package used was loaded: ${String(report.loadedOnceUsed)}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
