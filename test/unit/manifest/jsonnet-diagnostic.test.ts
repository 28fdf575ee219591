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
  const d = jsonnetDiagnostic(
    'm.jsonnet',
    'RUNTIME ERROR: boom\n\tlib.libsonnet:3:6-18\tobject <anonymous>\n\tm.jsonnet:9:1\tthunk\n',
  );
  assert.is(d.code, 'MANIFEST_EVAL');
  assert.equal(d.location, { file: 'lib.libsonnet', line: 3, column: 6 });
  assert.match(d.message, 'boom');
});

test('an error raised inside mailshift.libsonnet points at the manifest line that called it', () => {
  const d = jsonnetDiagnostic(
    'm.jsonnet',
    'RUNTIME ERROR: Error: CSV row 3 has 2 fields, but the header row has 3 (id, old, new)\n\t/x/src/manifest/mailshift.libsonnet:57:10-21\tfunction <csv>\n\tm.jsonnet:2:15-40\tthunk <users>\n',
  );
  assert.equal(d.location, { file: 'm.jsonnet', line: 2, column: 15 });
  assert.is(
    d.message,
    'Jsonnet evaluation failed: CSV row 3 has 2 fields, but the header row has 3 (id, old, new)',
    'no "Error: " of the native callback',
  );
  assert.match(d.hint ?? '', 'row 1 is its header row');
});

test('a syntax error in an imported CSV says to read it with ms.csv and importstr', () => {
  const d = jsonnetDiagnostic(
    'm.jsonnet',
    'STATIC ERROR: /data/users.csv:2:1: did not expect: (IDENTIFIER, "alice")\n',
  );
  assert.match(d.hint ?? '', "ms.csv(importstr 'users.csv')");
});

test('a missing external variable hints at --ext-str', () => {
  const d = jsonnetDiagnostic(
    'm.jsonnet',
    'RUNTIME ERROR: undefined external variable: SOURCE_PORT\n\tm.jsonnet:2:6-22\tobject <anonymous>\n',
  );
  assert.match(d.hint ?? '', '--ext-str SOURCE_PORT=VALUE');
});

test('an import that cannot be found hints at the library path', () => {
  const d = jsonnetDiagnostic(
    'm.jsonnet',
    'RUNTIME ERROR: couldn\'t open import "x.libsonnet": no match locally or in the Jsonnet library paths.\n\tm.jsonnet:1:11-34\tthunk <x>\n',
  );
  assert.equal(d.location, { file: 'm.jsonnet', line: 1, column: 11 });
  assert.match(d.hint ?? '', 'mailshift.libsonnet');
});

test('a frame spanning several lines keeps its start', () => {
  const d = jsonnetDiagnostic(
    'm.jsonnet',
    'RUNTIME ERROR: Assertion failed. need 200 accounts\n\tm.jsonnet:(52:1)-(80:2)\t\n\tDuring evaluation\t\n',
  );
  assert.equal(d.location, { file: 'm.jsonnet', line: 52, column: 1 });
  assert.match(d.message, 'Assertion failed. need 200 accounts');
});

test('the location never reads across frames', () => {
  const d = jsonnetDiagnostic(
    'm.jsonnet',
    'RUNTIME ERROR: bad port\n\tdemo.jsonnet:(28:3)-(32:9)\tfunction <port>\n\tdemo.jsonnet:40:5-20\tobject <anonymous>\n',
  );
  assert.equal(d.location, { file: 'demo.jsonnet', line: 28, column: 3 });
});

test('a static error with a multi-line range', () => {
  const d = jsonnetDiagnostic('m.jsonnet', 'STATIC ERROR: m.jsonnet:(3:5)-(4:2): unterminated string\n');
  assert.equal(d.location, { file: 'm.jsonnet', line: 3, column: 5 });
  assert.is(d.code, 'MANIFEST_SYNTAX');
});

test('a message spanning lines is kept whole', () => {
  const d = jsonnetDiagnostic('m.jsonnet', 'RUNTIME ERROR: first\nsecond\n\tm.jsonnet:1:1\tthunk\n');
  assert.match(d.message, 'first second');
});

test('unknown text still gives a diagnostic naming the file', () => {
  const d = jsonnetDiagnostic('m.jsonnet', 'something unexpected');
  assert.is(d.severity, 'error');
  assert.equal(d.location, { file: 'm.jsonnet' });
});

test.run();
