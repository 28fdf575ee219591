import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Files mailshift reads at run time (package.json, the schema, the Jsonnet library, the init
// template) are found from the package root, the first folder up with a package.json: the same
// files whether this code runs as TypeScript from src/ or bundled into dist/ (npm run build).

function packageRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir)
      throw new Error(
        `mailshift's package.json is not above ${fileURLToPath(import.meta.url)}: the installation is incomplete`,
      );
  }
}

const ROOT = packageRoot();

/** The path of a file of the mailshift package: packageFile('schemas', 'manifest.v1.schema.json'). */
export function packageFile(...segments: string[]): string {
  return join(ROOT, ...segments);
}
