import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadManifestValidator } from '../../../src/manifest/schema-validator.ts';
import { validManifest } from '../../support/manifests.ts';

// folders.gmail as the schema takes it: the policies by name, nothing else.

async function verdict(gmail: unknown, where: 'top' | 'account' | 'phase' = 'top'): Promise<string[]> {
  const validate = await loadManifestValidator();
  const manifest = validManifest();
  if (where === 'top') manifest.folders = { gmail };
  if (where === 'account') manifest.accounts[0].folders = { gmail };
  if (where === 'phase') manifest.phases[0].folders = { gmail };
  return validate(manifest) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

test('each policy, at every rule layer', async () => {
  for (const where of ['top', 'account', 'phase'] as const) {
    assert.equal(
      await verdict({ labels: 'folders', allMail: 'unlabelled', archiveFolder: 'Archive/Gmail' }, where),
      [],
    );
    assert.equal(await verdict({ labels: 'first', priority: ['\\Inbox', 'Work'], allMail: 'skip' }, where), []);
    assert.equal(await verdict({}, where), [], 'every key has a default');
  }
});

test('unknown policies, keys and shapes are refused', async () => {
  assert.equal(await verdict({ labels: 'all' }), ['/folders/gmail/labels must be equal to one of the allowed values']);
  assert.equal(await verdict({ allMail: 'archive' }), [
    '/folders/gmail/allMail must be equal to one of the allowed values',
  ]);
  assert.equal(await verdict({ lables: 'first' }), ['/folders/gmail must NOT have additional properties']);
  assert.equal(await verdict({ priority: 'INBOX' }), ['/folders/gmail/priority must be array']);
  assert.equal(await verdict({ priority: ['Work', 'Work'] }), [
    '/folders/gmail/priority must NOT have duplicate items (items ## 1 and 0 are identical)',
  ]);
  assert.equal(await verdict({ archiveFolder: '' }), [
    '/folders/gmail/archiveFolder must NOT have fewer than 1 characters',
  ]);
});

test.run();
