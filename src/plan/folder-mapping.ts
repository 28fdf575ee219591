// Which source folders are migrated, and under which name each lands on the target.
import { problem, type Diagnostic } from '../errors.ts';
import type { FolderRules } from '../manifest/settings.ts';
import { folderKey } from './folder-paths.ts';
import { compareText } from './ordering.ts';
import type { AccountListing, FolderListing } from './snapshot.ts';
import { compileRenames, targetFor } from './target-name.ts';
import type { MappedBy, PlanWarning } from './types.ts';

/** One selected source folder and its target. */
export interface FolderPair {
  source: string;
  target: string;
  mappedBy: MappedBy;
  notes: string[];
  /** The target folder exists and is selectable (a \Noselect placeholder still has to be created). */
  targetExists: boolean;
}

export interface FolderMappingResult {
  /** Selected source folders (include/exclude, selectable), sorted by source name. */
  pairs: FolderPair[];
  /** Existing target folders no source folder (selected or not) maps to, sorted. */
  targetOnly: string[];
  errors: Diagnostic[];
  warnings: PlanWarning[];
}

/** Whether include/exclude select a source folder: some include matches and no exclude does. */
export function isSelected(name: string, rules: Pick<FolderRules, 'include' | 'exclude'>): boolean {
  return rules.include.some((pattern) => new RegExp(pattern).test(name)) && !rules.exclude.some((pattern) => new RegExp(pattern).test(name));
}

/**
 * Map every source folder to its target name. Unselected folders are mapped too: their target
 * counterparts are not "target-only", so deleteTargetFolders never removes what an exclude protects.
 */
export function mapFolders(listing: AccountListing, rules: FolderRules): FolderMappingResult {
  const renames = compileRenames(rules.rename);
  const targets = new Map(listing.target.folders.map((folder) => [folderKey(folder.name), folder]));
  const mapped = new Set<string>();
  const result: FolderMappingResult = { pairs: [], targetOnly: [], errors: [], warnings: [] };
  for (const folder of [...listing.source.folders].sort((a, b) => compareText(a.name, b.name))) {
    const selected = folder.selectable && isSelected(folder.name, rules);
    const found = targetFor(folder, listing, rules, renames);
    if ('invalid' in found) {
      if (selected) result.errors.push(invalidName(folder, found.invalid));
      continue;
    }
    mapped.add(folderKey(found.target));
    if (!selected) continue;
    const existing = targets.get(folderKey(found.target));
    const notes = [...found.notes];
    if (existing && !existing.selectable) notes.push(`"${existing.name}" exists on the target as a folder that cannot hold messages (\\Noselect); it is created`);
    result.pairs.push({ source: folder.name, target: existing?.name ?? found.target, mappedBy: found.mappedBy, notes, targetExists: existing?.selectable ?? false });
    for (const segment of found.translated) {
      result.warnings.push({
        code: 'NAME_TRANSLATED', folder: folder.name,
        message: `"${segment}" holds the target's hierarchy delimiter "${listing.target.server.delimiter}", so it becomes "${found.target}" (the delimiter replaced by "_")`,
      });
    }
  }
  result.errors.push(...collisions(result.pairs));
  result.targetOnly = listing.target.folders.filter((folder) => !mapped.has(folderKey(folder.name))).map((folder) => folder.name).sort(compareText);
  return result;
}

function invalidName(folder: FolderListing, why: string): Diagnostic {
  return problem('PLAN_INVALID_NAME', `source folder "${folder.name}" has no valid target name: ${why}`,
    'give it a target name with `map`, fix the `rename` rule or `subfolder` that produced it, or leave it out with `exclude`', { folder: folder.name });
}

/** Two selected source folders onto one target name would merge silently: an error instead. */
function collisions(pairs: readonly FolderPair[]): Diagnostic[] {
  const byTarget = new Map<string, FolderPair[]>();
  for (const pair of pairs) byTarget.set(folderKey(pair.target), [...(byTarget.get(folderKey(pair.target)) ?? []), pair]);
  return [...byTarget.entries()]
    .filter(([, group]) => group.length > 1)
    .sort(([a], [b]) => compareText(a, b))
    .map(([, group]) => problem('PLAN_COLLISION',
      `source folders ${group.map((pair) => `"${pair.source}" (${pair.mappedBy})`).join(' and ')} would all go to target folder "${group[0]!.target}"`,
      'give one of them another target name with `map` or `rename`, or leave one out with `exclude`', { folder: group[0]!.source }));
}
