import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { topLevelAlternatives, unanchoredAlternations } from '../../../src/manifest/regex-lint.ts';
import type { ManifestInput } from '../../../src/manifest/types.ts';
import { validManifest } from '../../support/manifests.ts';

test('topLevelAlternatives: splits at | outside groups, classes and escapes', () => {
  assert.equal(topLevelAlternatives('Trash|Spam'), ['Trash', 'Spam']);
  assert.equal(topLevelAlternatives('^(Trash|Spam)$'), ['^(Trash|Spam)$']);
  assert.equal(topLevelAlternatives('a[|]b|c\\|d'), ['a[|]b', 'c\\|d']);
  assert.equal(topLevelAlternatives('[^]|x]|y'), ['[^]', 'x]', 'y']);
});

const at = (pointer: string, account?: string) => ({ file: 'm.json', pointer, ...(account ? { account } : {}) });

test('unanchoredAlternations: an alternative with neither ^ nor $, wherever folder regexes are; anchored ones pass', () => {
  const manifest = validManifest() as ManifestInput;
  manifest.folders = {
    exclude: ['Trash|Spam', '^Archive/|^Old$', 'Junk', '^(a|b)$'],
    rename: [{ match: 'x|^y', replace: '' }],
  };
  manifest.phases = [{ name: 'p', deleteTargetFolders: { only: 'Old|Older' } }];
  const found = unanchoredAlternations(manifest, at);
  assert.equal(
    found.map((d) => d.location?.pointer),
    ['/folders/exclude/0', '/folders/rename/0/match', '/phases/0/deleteTargetFolders/only'],
  );
  assert.match(
    found[0]!.hint!,
    'for exactly these names write "^(Trash|Spam)$"; for names that start with them, "^(Trash|Spam)"',
  );
  assert.ok(found.every((d) => d.severity === 'warning'));
});

test.run();
