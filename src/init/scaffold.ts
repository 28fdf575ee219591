import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MailshiftError, problem } from '../errors.ts';
import { packageFile } from '../package-files.ts';

const TEMPLATE = packageFile('src', 'init', 'example.jsonnet');

const GITIGNORE = `# Secrets referenced by { file: … } and mailshift's local state stay out of git.
# Plans (plans/) and audit logs (audit/) are meant to be committed and reviewed.
secrets/
.mailshift/
`;

// Audit logs are hash-chained over their exact bytes and applies name plans by their SHA-256, so
// git must never rewrite their line endings (core.autocrlf on a Windows checkout would).
const GITATTRIBUTES = `# Byte-exact: audit logs are hash-chained, plans are referenced by their SHA-256.
audit/** -text
plans/** -text
`;

/** Create DIR with a commented example manifest, a .gitignore and a .gitattributes; returns the files written. */
export async function scaffold(dir: string, options: { name: string; force: boolean }): Promise<string[]> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(options.name)) {
    throw new MailshiftError(
      problem(
        'USAGE',
        `--name ${JSON.stringify(options.name)} is not a valid migration name`,
        'use lowercase letters, digits and dashes, e.g. acme-cutover',
      ),
    );
  }
  const manifest = join(dir, `${options.name}.jsonnet`);
  const gitignore = join(dir, '.gitignore');
  const gitattributes = join(dir, '.gitattributes');
  if (!options.force) {
    for (const file of [manifest, gitignore, gitattributes]) {
      if (await exists(file)) {
        throw new MailshiftError(
          problem(
            'INIT_EXISTS',
            'the file already exists; nothing was written',
            'pick another folder or --name, or pass --force to overwrite',
            { file },
          ),
        );
      }
    }
  }
  const template = (await readFile(TEMPLATE, 'utf8')).replaceAll('example-cutover', options.name);
  await mkdir(dir, { recursive: true });
  await writeFile(manifest, template);
  await writeFile(gitignore, GITIGNORE);
  await writeFile(gitattributes, GITATTRIBUTES);
  return [manifest, gitignore, gitattributes];
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
