import type { SecretRef } from '../manifest/types.ts';

/** How a secret reference reads in a message: "env ALICE_OLD_PW", "file secrets/alice.pw", "command pass show x". */
export function describeSecret(ref: SecretRef): string {
  if ('env' in ref) return `env ${ref.env}`;
  if ('file' in ref) return `file ${ref.file}`;
  return `command ${ref.command.join(' ')}`;
}
