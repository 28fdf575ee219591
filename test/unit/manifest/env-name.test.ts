import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { envName } from '../../../src/manifest/env-name.ts';
import { LIBRARY_DIR } from '../../../src/manifest/jsonnet.ts';

const IDS = [
  'alice',
  'j.doe+x@acme.example',
  '1st',
  '9',
  'Bob-Smith_2',
  'ümlaut',
  'a b\tc',
  'x@y',
  '_under',
  'MiXeD.CaSe',
];

test('ms.envName: upper case, anything but A-Z and 0-9 becomes _, a leading digit gets _', () => {
  assert.equal(IDS.map(envName), [
    'ALICE',
    'J_DOE_X_ACME_EXAMPLE',
    '_1ST',
    '_9',
    'BOB_SMITH_2',
    '_MLAUT',
    'A_B_C',
    'X_Y',
    '_UNDER',
    'MIXED_CASE',
  ]);
});

test("the native envName and the library's Jsonnet fallback (for the jsonnet command) agree", async () => {
  const { Jsonnet } = await import('@hanazuki/node-jsonnet');
  const fallback = JSON.parse(
    await new Jsonnet()
      .addJpath(LIBRARY_DIR)
      .evaluateSnippet(`local ms = import 'mailshift.libsonnet'; [ms.envName(id) for id in ${JSON.stringify(IDS)}]`),
  );
  assert.equal(fallback, IDS.map(envName));
});

test.run();
