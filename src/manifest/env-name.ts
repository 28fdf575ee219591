// ms.envName (mailshift.libsonnet) as a native function: the same rule in Jsonnet costs
// milliseconds per id in libjsonnet, minutes for a CSV of 10,000 accounts. The library keeps its
// Jsonnet version for the `jsonnet` command; test/unit/manifest/env-name.test.ts holds them equal.

/** An environment variable name made from any account id: 'j.doe@acme.example' -> 'J_DOE_ACME_EXAMPLE'. */
export function envName(id: string): string {
  // Upper-cased like std.asciiUpper (ASCII only), then every character but A-Z and 0-9 becomes '_'.
  const name = Array.from(id, (c) => (c >= 'a' && c <= 'z' ? c.toUpperCase() : c))
    .map((c) => (/^[A-Z0-9]$/.test(c) ? c : '_'))
    .join('');
  return /^[0-9]/.test(name) ? `_${name}` : name;
}
