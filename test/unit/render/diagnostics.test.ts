import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { problem, warning } from '../../../src/errors.ts';
import { diagnosticJson, formatLocation, renderDiagnostic } from '../../../src/render/diagnostics.ts';

const plain = { color: false };

test('a location lists file:line:column, pointer and account', () => {
  assert.is(formatLocation({ file: 'm.jsonnet', line: 3, column: 7 }), 'm.jsonnet:3:7');
  assert.is(
    formatLocation({ file: 'm.json', pointer: '/accounts/0/source', account: 'alice' }),
    'm.json /accounts/0/source (account alice)',
  );
  assert.is(formatLocation({ account: 'bob', folder: 'Sent' }), '(account bob, folder Sent)');
});

test('an error is one paragraph: what and where, then the hint', () => {
  const text = renderDiagnostic(
    problem('MANIFEST_SCHEMA', 'unknown key `prot`', 'did you mean `port`?', {
      file: 'm.json',
      pointer: '/defaults/source/prot',
    }),
    plain,
  );
  assert.is(text, 'error: m.json /defaults/source/prot: unknown key `prot`\n  hint: did you mean `port`?');
});

test('a warning says warning, and no hint means no hint line', () => {
  assert.is(renderDiagnostic(warning('MANIFEST_RULE', 'careful'), plain), 'warning: careful');
});

test('colour is added only when asked for', () => {
  assert.match(renderDiagnostic(problem('USAGE', 'x'), { color: true }), '\u001b[31merror');
  assert.not.match(renderDiagnostic(problem('USAGE', 'x'), plain), '\u001b');
});

test('JSON logs carry code, level and location', () => {
  const line = JSON.parse(diagnosticJson(problem('MANIFEST_RULE', 'm', 'h', { file: 'f' })));
  assert.equal(line, { level: 'error', code: 'MANIFEST_RULE', message: 'm', hint: 'h', location: { file: 'f' } });
});

test.run();
