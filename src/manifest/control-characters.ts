import { problem, type Diagnostic } from '../errors.ts';

// A host, login name (an admin's authorizeAs too) or account id holding a control character cannot
// be right, and fails late: `check` then sends a login with a raw CR in it. The usual cause is a
// CSV with Windows line endings split on "\n" by hand, which leaves "\r" at the end of every
// line's last field.

const CONTROL = /[\u0000-\u001f\u007f]/;
const NAMES: Record<string, string> = {
  '\u0000': 'a NUL character ("\\u0000")',
  '\t': 'a tab ("\\t")',
  '\n': 'a line feed (LF, "\\n")',
  '\r': 'a carriage return (CR, "\\r")',
  '\u007f': 'a DEL character ("\\u007f")',
};
const ENDPOINT_KEYS = ['host', 'user', 'auth.authorizeAs'] as const;
const SIDES = ['source', 'target'] as const;

/**
 * Control characters (C0 and DEL) in account ids and in endpoint hosts and users, in `defaults` and
 * every account. Runs on the evaluated value before the schema, so it makes no assumption of shape.
 */
export function checkControlCharacters(file: string, value: unknown): Diagnostic[] {
  const found: Diagnostic[] = [];
  const root = asObject(value);
  const defaults = asObject(root?.defaults);
  for (const side of SIDES) {
    for (const key of ENDPOINT_KEYS) {
      const text = valueAt(defaults?.[side], key);
      const field = `defaults.${side}.${key}`;
      if (typeof text === 'string' && CONTROL.test(text))
        found.push(
          controlProblem(`\`${field}\``, text, { file, pointer: `/defaults/${side}/${pointerOf(key)}` }, undefined),
        );
    }
  }
  const accounts = Array.isArray(root?.accounts) ? root.accounts : [];
  accounts.forEach((entry, index) => {
    const account = asObject(entry);
    const id = typeof account?.id === 'string' ? account.id : undefined;
    const who = `account ${id === undefined ? '' : `${JSON.stringify(id)} `}(accounts[${index}], row ${index + 1} of the accounts)`;
    const located = (pointer: string) => ({
      file,
      pointer,
      ...(id !== undefined && !CONTROL.test(id) ? { account: id } : {}),
    });
    if (id !== undefined && CONTROL.test(id))
      found.push(controlProblem(`\`id\` of ${who}`, id, located(`/accounts/${index}/id`), index));
    for (const side of SIDES) {
      for (const key of ENDPOINT_KEYS) {
        const text = valueAt(account?.[side], key);
        if (typeof text === 'string' && CONTROL.test(text))
          found.push(
            controlProblem(
              `\`${side}.${key}\` of ${who}`,
              text,
              located(`/accounts/${index}/${side}/${pointerOf(key)}`),
              index,
            ),
          );
      }
    }
  });
  return found;
}

/** "ends with a carriage return (CR, "\r")", "contains a tab ("\t") at character 9". */
export function describeControlCharacter(text: string): string {
  const position = text.search(CONTROL);
  const character = text[position]!;
  const name =
    NAMES[character] ?? `control character U+${character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  if (position === text.length - 1) return `ends with ${name}`;
  if (position === 0) return `starts with ${name}`;
  return `contains ${name} at character ${position + 1}`;
}

function controlProblem(
  what: string,
  text: string,
  location: { file: string; pointer: string; account?: string },
  index: number | undefined,
): Diagnostic {
  const base = 'host names, login names and account ids cannot hold control characters: remove it';
  const csvLine =
    index === undefined ? '' : ` (if the accounts come from a CSV with a header row, this is its line ${index + 2})`;
  const hint = text.includes('\r')
    ? `${base}. A CSV with Windows line endings split on "\\n" by hand leaves "\\r" at the end of each line: read it with ms.csv(importstr 'users.csv') from mailshift.libsonnet, which handles CRLF${csvLine}`
    : base;
  return problem('MANIFEST_RULE', `${what} ${describeControlCharacter(text)}: ${JSON.stringify(text)}`, hint, location);
}

/** The value at a dotted key ("auth.authorizeAs") of an endpoint of any shape. */
function valueAt(endpoint: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((value, part) => asObject(value)?.[part], endpoint);
}

function pointerOf(key: string): string {
  return key.split('.').join('/');
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
