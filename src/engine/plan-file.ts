import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { problem, type Diagnostic } from '../errors.ts';
import { canonicalPlanJson } from '../plan/canonical-json.ts';
import type { Plan } from '../plan/types.ts';
import { sha256Hex } from '../sha256.ts';

/** Write the plan's canonical bytes; a temp file and rename, so a reader never sees half a plan. */
export async function writePlanFile(path: string, plan: Plan): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, canonicalPlanJson(plan));
  await rename(temporary, path);
}

/** Read a plan file, checking it is one; `sha256` is of its bytes (what journals and audits name). */
export async function readPlanFile(path: string): Promise<{ plan: Plan; sha256: string } | { diagnostic: Diagnostic }> {
  let text: string;
  let sha256: string;
  try {
    const bytes = await readFile(path);
    sha256 = sha256Hex(bytes);
    text = bytes.toString('utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      diagnostic: problem(
        'PLAN_READ',
        code === 'ENOENT' ? `no plan file at ${path}` : `cannot read ${path}: ${code}`,
        'make one with `mailshift plan <manifest> --phase NAME`',
        { file: path },
      ),
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      diagnostic: problem(
        'PLAN_READ',
        `${path} is not JSON: ${(error as Error).message}`,
        'a plan file is written by `mailshift plan`; do not edit it by hand',
        { file: path },
      ),
    };
  }
  const format = (value as { format?: unknown } | null)?.format;
  if (format !== 'mailshift-plan/v1') {
    return {
      diagnostic: problem(
        'PLAN_READ',
        `${path} is not a mailshift plan (format ${JSON.stringify(format ?? null)})`,
        'expected format "mailshift-plan/v1", as written by `mailshift plan`',
        { file: path },
      ),
    };
  }
  return { plan: value as Plan, sha256 };
}
