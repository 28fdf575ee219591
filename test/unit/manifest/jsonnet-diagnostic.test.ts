import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jsonnetDiagnostic } from '../../../src/manifest/jsonnet.ts';

test('a static error gives file, line and column', () => {
  const d = jsonnetDiagnostic('m.jsonnet', 'STATIC ERROR: m.jsonnet:4:1: unexpected: "}" while parsing terminal\n');
  assert.is(d.code, 'MANIFEST_SYNTAX');
  assert.equal(d.location, { file: 'm.jsonnet', line: 4, column: 1 });
  assert.match(d.message, 'unexpected: "}" while parsing terminal');
});

test('a runtime error points at the first stack frame', () => {
  const d = jsonnetDiagnostic('m.jsonnet', 'RUNTIME ERROR: boom\n\tlib.libsonnet:3:6-18\tobject <anonymous>\n\tm.jsonnet:9:1\tthunk\n');
  assert.is(d.code, 'MANIFEST_EVAL');
  assert.equal(d.location, { file: 'lib.libsonnet', line: 3, column: 6 });
  assert.match(d.message, 'boom');
});

test('a missing external variable hints at --ext-str', () => {
  const d = jsonnetDiagnostic('m.jsonnet', 'RUNTIME ERROR: undefined external variable: SOURCE_PORT\n\tm.jsonnet:2:6-22\tobject <anonymous>\n');
  assert.match(d.hint ?? '', '--ext-str SOURCE_PORT=VALUE');
});

test('an import that cannot be found hints at the library path', () => {
  const d = jsonnetDiagnostic('m.jsonnet', 'RUNTIME ERROR: couldn\'t open import "x.libsonnet": no match locally or in the Jsonnet library paths.\n\tm.jsonnet:1:11-34\tthunk <x>\n');
  assert.equal(d.location, { file: 'm.jsonnet', line: 1, column: 11 });
  assert.match(d.hint ?? '', 'mailshift.libsonnet');
});

test('a multi-line range keeps its start', () => {
  const d = jsonnetDiagnostic('m.jsonnet', 'RUNTIME ERROR: m.jsonnet:(3:5)-(7:2) something odd\n');
  assert.equal(d.location, { file: 'm.jsonnet', line: 3, column: 5 });
});

test('unknown text still gives a diagnostic naming the file', () => {
  const d = jsonnetDiagnostic('m.jsonnet', 'something unexpected');
  assert.is(d.severity, 'error');
  assert.equal(d.location, { file: 'm.jsonnet' });
});

test.run();
