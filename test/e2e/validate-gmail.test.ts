// folders.gmail as a user writes it: `validate` takes the policies, and names a priority entry
// that is no Gmail system label, with the closest one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasStackTrace, runMailshift } from '../support/cli.ts';
import { manifestFolder, validManifest } from '../support/manifests.ts';

const folder = manifestFolder();
test.after(() => folder.remove());

test('a Jsonnet manifest with ms.folders.gmailSource and a label policy validates', async () => {
  const file = folder.write(
    'gmail.jsonnet',
    `local ms = import 'mailshift.libsonnet';
${JSON.stringify(validManifest())} + {
  folders: ms.folders.gmailSource + { gmail: { labels: 'first', priority: ['INBOX', '\\\\Sent', 'Clients'], allMail: 'skip' } },
}`,
  );
  const result = await runMailshift(['validate', file]);
  assert.is(result.stderr, '');
  assert.is(result.stdout, `ok ${file}\n`);
  assert.is(result.code, 0);
});

test('an unknown system label in priority, and an unknown policy, fail validate clearly', async () => {
  const manifest = validManifest();
  manifest.folders = { gmail: { labels: 'first', priority: ['\\Inbx'] } };
  const file = folder.write('gmail-bad-label.json', manifest);
  const result = await runMailshift(['validate', file]);
  assert.is(result.code, 1);
  assert.match(result.stderr, `${file} /folders/gmail/priority/0`);
  assert.match(result.stderr, 'folders.gmail.priority names "\\Inbx", which is not a Gmail system label');
  assert.match(result.stderr, 'did you mean "\\inbox"?');
  assert.not.ok(hasStackTrace(result.stderr));

  manifest.folders = { gmail: { labels: 'all' } };
  const policy = await runMailshift(['validate', folder.write('gmail-bad-policy.json', manifest)]);
  assert.is(policy.code, 1);
  assert.match(policy.stderr, '/folders/gmail/labels');
  assert.match(policy.stderr, 'folders');
  assert.match(policy.stderr, 'first');
});

test.run();
