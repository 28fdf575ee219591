import { problem, type Diagnostic, type Location } from '../errors.ts';
import type { OAuth2Input } from './types.ts';

// The schema lists every provider's keys in one object (so a misspelt key gets a "did you mean");
// which keys each provider needs, and which it must not have, is checked here.

const KEYS: Record<OAuth2Input['provider'], { required: string[]; allowed: string[] }> = {
  microsoft: {
    required: ['tenant', 'clientId'],
    allowed: ['tenant', 'clientId', 'clientSecret', 'clientCertificate', 'scope', 'tokenUrl'],
  },
  google: { required: ['serviceAccountKey'], allowed: ['serviceAccountKey', 'scope', 'tokenUrl'] },
  refresh: {
    required: ['tokenUrl', 'clientId', 'refreshToken'],
    allowed: ['tokenUrl', 'clientId', 'clientSecret', 'refreshToken', 'scope'],
  },
};

/** What is wrong with one side's `auth.oauth2` (after the merge over `defaults`). */
export function oauth2Rules(oauth2: OAuth2Input, side: 'source' | 'target', location: Location): Diagnostic[] {
  const { provider } = oauth2;
  const keys = KEYS[provider];
  const present = Object.keys(oauth2).filter((key) => key !== 'provider');
  const found: Diagnostic[] = [];
  for (const key of keys.required.filter((k) => !present.includes(k)))
    found.push(
      problem(
        'MANIFEST_RULE',
        `the ${side}'s auth.oauth2 (provider ${provider}) has no \`${key}\``,
        `add auth.oauth2.${key}`,
        location,
      ),
    );
  for (const key of present.filter((k) => !keys.allowed.includes(k)))
    found.push(
      problem(
        'MANIFEST_RULE',
        `the ${side}'s auth.oauth2 sets \`${key}\`, which provider ${provider} does not use`,
        `remove auth.oauth2.${key} (provider ${provider} takes ${keys.allowed.join(', ')})`,
        location,
      ),
    );
  if (oauth2.provider === 'microsoft' && !oauth2.clientSecret === !oauth2.clientCertificate)
    found.push(
      problem(
        'MANIFEST_RULE',
        `the ${side}'s auth.oauth2 (provider microsoft) needs exactly one of clientSecret and clientCertificate`,
        "give clientSecret: { env: 'NAME' }, or clientCertificate: { privateKey: { file: 'app.key' }, thumbprint: '…' }",
        location,
      ),
    );
  return found;
}
