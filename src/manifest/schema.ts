import type { ErrorObject, AnySchemaObject } from 'ajv/dist/2020.js';
import { problem, type Diagnostic } from '../errors.ts';
import { loadManifestValidator } from './schema-validator.ts';
import { closest } from './suggest.ts';

export { manifestSchema, SCHEMA_PATH } from './schema-validator.ts';

const validateSchema = await loadManifestValidator();

/** Why a string is not a valid JavaScript regex, or undefined when it is. */
export function regexError(text: string): string | undefined {
  try {
    new RegExp(text);
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/^Invalid regular expression: /, '');
  }
}

/** Validate an evaluated manifest against the schema; every problem becomes a located diagnostic. */
export function checkSchema(file: string, value: unknown): Diagnostic[] {
  if (validateSchema(value)) return [];
  const errors = (validateSchema.errors ?? []).filter((error) => !isShadowed(error, validateSchema.errors ?? []));
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const error of errors) {
    const diagnostic = translate(error, file, value);
    const key = `${diagnostic.location?.pointer}|${diagnostic.message}`;
    if (seen.has(key)) continue;
    diagnostics.push(diagnostic);
    seen.add(key);
  }
  return diagnostics;
}

// A literal password fails SecretRef's "type", and nothing else about it is worth saying.
function isShadowed(error: ErrorObject, all: ErrorObject[]): boolean {
  return (
    error.keyword !== 'type' &&
    all.some((other) => other.keyword === 'type' && other.instancePath === error.instancePath)
  );
}

function translate(error: ErrorObject, file: string, root: unknown): Diagnostic {
  const pointer = error.instancePath;
  const location = { file, pointer: pointer || '/', ...accountAt(root, pointer) };
  const field = pointer ? `\`${lastSegment(pointer)}\`` : 'the manifest';
  const parent = error.parentSchema as AnySchemaObject | undefined;
  const say = (message: string, hint?: string) => problem('MANIFEST_SCHEMA', message, hint, location);

  if (parent?.title === 'SecretRef') return secretProblem(error, field, say);
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(error.params.additionalProperty);
      const allowed = Object.keys((parent?.properties ?? {}) as object);
      const suggestion = closest(key, allowed);
      // An admin's login written inside `auth`, next to authorizeAs, instead of beside it.
      const adminLogin = /\/auth$/.test(pointer) && (key === 'user' || key === 'password');
      return problem(
        'MANIFEST_SCHEMA',
        `unknown key \`${key}\``,
        adminLogin
          ? `\`${key}\` belongs to the endpoint, next to \`auth\` (with auth.authorizeAs they are the admin's user and password)`
          : suggestion
            ? `did you mean \`${suggestion}\`?`
            : `allowed keys here: ${allowed.join(', ')}`,
        { ...location, pointer: `${pointer}/${escapePointer(key)}` },
      );
    }
    case 'required': {
      const key = String(error.params.missingProperty);
      const description = (parent?.properties?.[key] as AnySchemaObject | undefined)?.description;
      return say(`missing required key \`${key}\``, description);
    }
    case 'type':
      return pointer
        ? say(
            `${field} must be ${article(String(error.params.type))}, but is ${describe(error.data)}`,
            parent?.description,
          )
        : say(
            `the manifest must evaluate to an object, but is ${describe(error.data)}`,
            'a manifest is an object with apiVersion, name, accounts and phases; see `mailshift init`',
          );
    case 'enum': {
      const allowed = (error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v));
      const suggestion =
        typeof error.data === 'string' ? closest(error.data, error.params.allowedValues as string[]) : undefined;
      return say(
        `${field} must be one of ${allowed.join(', ')}, but is ${JSON.stringify(error.data)}`,
        suggestion ? `did you mean ${JSON.stringify(suggestion)}?` : parent?.description,
      );
    }
    case 'const':
      return say(
        `${field} must be ${JSON.stringify(error.params.allowedValue)}, but is ${JSON.stringify(error.data)}`,
        parent?.description,
      );
    case 'pattern':
      return say(`${field} ${JSON.stringify(error.data)} has the wrong form`, parent?.description);
    case 'format':
      return say(
        `${field} ${JSON.stringify(error.data)} is not a valid regular expression: ${regexError(String(error.data))}`,
        'write a JavaScript regex; in Jsonnet or JSON strings a backslash is written twice, e.g. "^\\\\[Gmail\\\\]/"',
      );
    case 'minItems':
      return say(`${field} must list at least ${error.params.limit} item(s)`, parent?.description);
    case 'uniqueItems':
      return say(`${field} lists the same value twice (items ${error.params.j} and ${error.params.i})`);
    case 'minLength':
      return say(`${field} must not be empty`, parent?.description);
    case 'maxLength':
      return say(`${field} must be at most ${error.params.limit} characters long`, parent?.description);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return say(
        `${field} must be ${error.params.comparison} ${error.params.limit}, but is ${JSON.stringify(error.data)}`,
        parent?.description,
      );
    default:
      return say(`${field} ${error.message ?? 'is invalid'}`, parent?.description);
  }
}

function secretProblem(
  error: ErrorObject,
  field: string,
  say: (message: string, hint?: string) => Diagnostic,
): Diagnostic {
  const howTo =
    "write it as { env: 'NAME' } (an environment variable), { file: 'secrets/x.pw' } (relative to the manifest) or { command: ['pass', 'show', 'x'] }";
  if (typeof error.data === 'string') {
    return say(`${field} is a literal secret; secrets are never written into a manifest`, howTo);
  }
  return say(`${field} must be exactly one of { env }, { file } or { command }`, howTo);
}

function accountAt(root: unknown, pointer: string): { account?: string } {
  const match = /^\/accounts\/(\d+)(?:\/|$)/.exec(pointer);
  const accounts = (root as { accounts?: unknown })?.accounts;
  const id = match && Array.isArray(accounts) ? (accounts[Number(match[1])] as { id?: unknown })?.id : undefined;
  return typeof id === 'string' ? { account: id } : {};
}

/** The field a pointer names, as a reader would write it: `port`, `exclude[0]`, `rename[1].match`. */
function lastSegment(pointer: string): string {
  const segments = pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let name = '';
  for (let i = segments.length - 1; i >= 0; i--) {
    const segment = segments[i]!;
    name = /^\d+$/.test(segment)
      ? `[${segment}]${name}`
      : `${segment}${name && !name.startsWith('[') ? '.' : ''}${name}`;
    if (!/^\d+$/.test(segment)) break;
  }
  return name;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function article(type: string): string {
  const names = type
    .split(',')
    .map((t) => ({ integer: 'an integer', object: 'an object', array: 'an array', null: 'null' })[t] ?? `a ${t}`);
  return names.join(' or ');
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string')
    return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
  return `${typeof value === 'number' && Number.isInteger(value) ? 'the number' : `a ${typeof value}`} ${JSON.stringify(value)}`;
}
