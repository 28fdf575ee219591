// chooseAccounts (--account, --accounts-from, --exclude-account) and where a plan of some accounts goes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chooseAccounts } from '../../../src/engine/accounts.ts';
import { accountsPlanPath, defaultPlanPath } from '../../../src/engine/plan-path.ts';
import { MailshiftError } from '../../../src/errors.ts';
import { normalise } from '../../../src/manifest/settings.ts';
import type { ManifestInput } from '../../../src/manifest/types.ts';
import { validManifest } from '../../support/manifests.ts';

function settingsOf(ids: string[]) {
  const manifest = validManifest();
  const [first] = manifest.accounts as Array<Record<string, unknown>>;
  manifest.accounts = ids.map((id) => ({ ...first, id }));
  return normalise(manifest as ManifestInput);
}

const settings = settingsOf(['alice', 'bob', 'carol', 'dave']);
const named = (from: string) => (id: string) => ({ id, from });
const chosen = (only: string[], excluded: string[]) =>
  chooseAccounts(settings, {
    only: only.map(named('--account')),
    excluded: excluded.map(named('--exclude-account')),
  }).map((a) => a.id);

test('only these, less those excluded, in manifest order; nothing chosen is every account', () => {
  assert.equal(chosen([], []), ['alice', 'bob', 'carol', 'dave']);
  assert.equal(chosen(['carol', 'alice'], []), ['alice', 'carol']);
  assert.equal(chosen([], ['bob']), ['alice', 'carol', 'dave']);
  assert.equal(chosen(['alice', 'bob'], ['bob']), ['alice']);
});

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.instance(error, MailshiftError);
    return (error as MailshiftError).diagnostics.map((d) => `${d.message} | ${d.hint}`).join('\n');
  }
  throw new Error('expected a refusal');
}

test('an unknown id names where it came from, with a suggestion; excluding every one chosen is refused', () => {
  assert.match(
    refusal(() => chooseAccounts(settings, { only: [{ id: 'carrol', from: 'wave.txt line 4' }], excluded: [] })),
    'wave.txt line 4: "carrol": no such account',
  );
  assert.match(
    refusal(() => chosen([], ['bobb'])),
    /--exclude-account bobb: no such account.*did you mean bob\?/s,
  );
  assert.match(
    refusal(() => chosen(['bob'], ['bob'])),
    'no account is left to work on',
  );
});

test('a plan of some accounts goes next to the full plan, never onto it', () => {
  const full = defaultPlanPath('/m/acme.jsonnet', 'acme', 'presync');
  assert.is(full, '/m/plans/acme.presync.plan.json');
  assert.is(accountsPlanPath('/m/acme.jsonnet', 'acme', 'presync', ['carol']), '/m/plans/acme.presync.carol.plan.json');
  assert.is(
    accountsPlanPath('/m/acme.jsonnet', 'acme', 'presync', ['carol', 'alice']),
    '/m/plans/acme.presync.alice+carol.plan.json',
  );
  assert.is(accountsPlanPath('/m/acme.jsonnet', 'acme', 'presync', ['a/b c']), '/m/plans/acme.presync.a_b_c.plan.json');
  const many = accountsPlanPath('/m/acme.jsonnet', 'acme', 'presync', ['a', 'b', 'c', 'd']);
  assert.match(many, /^\/m\/plans\/acme\.presync\.4-accounts-[0-9a-f]{8}\.plan\.json$/);
  assert.is(
    accountsPlanPath('/m/acme.jsonnet', 'acme', 'presync', ['d', 'c', 'b', 'a']),
    many,
    'the same accounts, the same file',
  );
});

test.run();
