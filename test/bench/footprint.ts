// What one big account leaves behind and needs: the plan file's and the audit log's bytes per
// copied message (both are committed to git, once per account and phase), and the peak memory of
// plan, apply and verify. The targets: ≤ 10 and ≤ 20 bytes per copied message, ≤ 150 MB each.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { auditDirFor } from '../../src/audit/writer.ts';
import { formatBytes } from '../../src/render/sizes.ts';
import type { PlanSummary } from '../../src/plan/types.ts';
import { measureMailshift } from './measure.ts';
import type { BenchMigration } from './migration.ts';

/** The audit file of the apply of `planFile`: the one whose start record names the plan's SHA-256. */
export function auditFileOf(manifest: string, name: string, planFile: string): string {
  const planSha256 = createHash('sha256').update(readFileSync(planFile)).digest('hex');
  const dir = auditDirFor(manifest, name);
  const files = readdirSync(dir).filter((file) => file.endsWith('.jsonl'));
  const found = files.find((file) => {
    const start = JSON.parse(readFileSync(join(dir, file), 'utf8').split('\n', 1)[0]!) as { planSha256?: string };
    return start.planSha256 === planSha256;
  });
  if (found === undefined) throw new Error(`no audit file in ${dir} records the apply of ${planFile}`);
  return join(dir, found);
}

/** Verifies the applied migration and prints the `bench footprint:` line; run right after its apply. */
export async function benchFootprint(
  migration: BenchMigration,
  planned: PlanSummary,
  peakRss: { plan: number; apply: number },
): Promise<void> {
  const verify = await measureMailshift(['verify', migration.manifest, '--phase', 'presync', '--quiet'], migration.env);
  if (verify.code !== 0 && verify.code !== 2) throw new Error(`verify failed:\n${verify.stdout}${verify.stderr}`);
  const copied = planned.messagesToCopy;
  const planBytes = statSync(migration.planFile).size;
  const auditBytes = statSync(auditFileOf(migration.manifest, 'bench', migration.planFile)).size;
  const perMessage = (bytes: number) => (bytes / copied).toFixed(1);
  console.log(
    `bench footprint: one account, ${copied} messages copied: plan file ${formatBytes(planBytes)}, ${perMessage(planBytes)} B per copied message (target ≤ 10); audit log of its apply ${formatBytes(auditBytes)}, ${perMessage(auditBytes)} B per copied message (target ≤ 20); peak RSS plan ${formatBytes(peakRss.plan)}, apply ${formatBytes(peakRss.apply)}, verify ${formatBytes(verify.peakRssBytes)} ${verify.seconds.toFixed(2)} s, ${verify.code === 0 ? 'both sides match' : 'differences found'} (target ≤ 150 MB each)`,
  );
}
