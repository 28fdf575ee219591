// Which source folders are migrated, and under which name each lands on the target.
import { problem, type Diagnostic } from '../errors.ts';
import type { FolderRules } from '../manifest/settings.ts';
import { folderKey } from './folder-paths.ts';
import { compareText } from './ordering.ts';
import type { AccountListing, FolderListing } from './snapshot.ts';
import { AUTOMAP_NAMES } from './automap.ts';
import { compileRenames, targetFor, type FolderTarget } from './target-name.ts';
import type { FolderLeftOut, MappedBy, PlanWarning } from './types.ts';
import { closest } from '../manifest/suggest.ts';
import { allMailOf, isGmail } from './gmail-label-names.ts';

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
  /** Source folders that could hold messages but are not selected, sorted by name. */
  leftOut: FolderLeftOut[];
  /** Existing target folders no source folder (selected or not) maps to, sorted. */
  targetOnly: string[];
  errors: Diagnostic[];
  warnings: PlanWarning[];
}

/** Whether include/exclude select a source folder: some include matches and no exclude does. */
export function isSelected(name: string, rules: Pick<FolderRules, 'include' | 'exclude'>): boolean {
  return unselectedBy(name, rules) === null;
}

/** Why include/exclude leave a folder out (the first exclude that matches, or no include matching), or null when they select it. */
function unselectedBy(name: string, rules: Pick<FolderRules, 'include' | 'exclude'>): string | null {
  const exclude = rules.exclude.find((pattern) => new RegExp(pattern).test(name));
  if (exclude !== undefined) return `exclude ${JSON.stringify(exclude)}`;
  if (rules.include.some((pattern) => new RegExp(pattern).test(name))) return null;
  return `no include matches (${rules.include.map((pattern) => JSON.stringify(pattern)).join(', ')})`;
}

/**
 * Map every source folder to its target name. Unselected folders are mapped too: their target
 * counterparts are not "target-only", so deleteTargetFolders never removes what an exclude protects.
 */
export function mapFolders(listing: AccountListing, rules: FolderRules): FolderMappingResult {
  const renames = compileRenames(rules.rename);
  const targets = new Map(listing.target.folders.map((folder) => [folderKey(folder.name), folder]));
  const result: FolderMappingResult = { pairs: [], leftOut: [], targetOnly: [], errors: [], warnings: [] };
  const sources = [...listing.source.folders].sort((a, b) => compareText(a.name, b.name));
  const found = new Map(sources.map((folder) => [folder, targetFor(folder, listing, rules, renames)]));
  // On Gmail, All Mail is governed by folders.gmail.allMail, not by include/exclude.
  const allMail = isGmail(listing.source.server) ? allMailOf(listing.source.folders) : undefined;
  if (allMail && rules.gmail.allMail === 'unlabelled') found.set(allMail, archiveTarget(allMail, listing, rules));
  const selected = (folder: FolderListing) =>
    folder.selectable && (folder === allMail ? rules.gmail.allMail === 'unlabelled' : isSelected(folder.name, rules));
  const losers = automapLosers(found, selected);
  const lost = new Set(losers.map((loser) => loser.folder));
  for (const loser of losers) {
    const [winner, won] = [...found.entries()].find(
      ([other, target]) =>
        !lost.has(other) && selected(other) && 'target' in target && folderKey(target.target) === loser.key,
    )!;
    result.warnings.push({
      code: 'AUTOMAP_AMBIGUOUS',
      folder: loser.folder.name,
      message: `"${loser.folder.name}" also looks like a special folder, but "${winner.name}" goes to "${(won as { target: string }).target}"; "${loser.folder.name}" keeps its own name`,
    });
  }
  for (const loser of losers)
    found.set(loser.folder, targetFor(loser.folder, listing, { ...rules, automap: false }, renames));
  const mapped = new Set<string>();
  for (const folder of sources) {
    const target = found.get(folder)!;
    if ('invalid' in target) {
      if (selected(folder)) result.errors.push(invalidName(folder, target.invalid));
      continue;
    }
    mapped.add(folderKey(target.target));
    if (!selected(folder)) {
      const reason =
        folder === allMail
          ? "folders.gmail.allMail 'skip': archived mail (in All Mail only) is not migrated"
          : folder.selectable
            ? unselectedBy(folder.name, rules)
            : null;
      if (reason !== null) result.leftOut.push({ folder: folder.name, reason });
      continue;
    }
    const existing = targets.get(folderKey(target.target));
    const notes = [...target.notes];
    if (existing && !existing.selectable)
      notes.push(
        `"${existing.name}" exists on the target as a folder that cannot hold messages (\\Noselect); it is created`,
      );
    result.pairs.push({
      source: folder.name,
      target: existing?.name ?? target.target,
      mappedBy: target.mappedBy,
      notes,
      targetExists: existing?.selectable ?? false,
    });
    for (const segment of target.translated) {
      result.warnings.push({
        code: 'NAME_TRANSLATED',
        folder: folder.name,
        message: `"${segment}" holds the target's hierarchy delimiter "${listing.target.server.delimiter}", so it becomes "${target.target}" (the delimiter replaced by "_")`,
      });
    }
  }
  result.errors.push(...collisions(result.pairs));
  result.warnings.push(...unmatchedRules(rules, sources, found));
  result.targetOnly = listing.target.folders
    .filter((folder) => !mapped.has(folderKey(folder.name)))
    .map((folder) => folder.name)
    .sort(compareText);
  return result;
}

/**
 * A rule that matches nothing is usually a typo (`map: { Snet: … }`), and it fails silently: the
 * folder it meant goes where the other rules send it. Each `map` key, `rename` rule and `include`
 * pattern that applies to no source folder is a warning, with the closest folder name for a key.
 */
function unmatchedRules(
  rules: FolderRules,
  sources: readonly FolderListing[],
  found: ReadonlyMap<FolderListing, FolderTarget>,
): PlanWarning[] {
  const names = sources.map((folder) => folder.name);
  const warnings: PlanWarning[] = [];
  for (const key of Object.keys(rules.map)) {
    if (names.includes(key)) continue;
    const near = closest(key, names);
    warnings.push({
      code: 'RULE_UNMATCHED',
      message: `folders.map key ${JSON.stringify(key)} matches no source folder${near ? ` (did you mean ${JSON.stringify(near)}?)` : ''}: it maps nothing`,
    });
  }
  const renamed = new Set(
    [...found.values()].flatMap((target) => ('renamedBy' in target ? (target.renamedBy ?? []) : [])),
  );
  for (const rule of rules.rename) {
    if (!renamed.has(rule.match))
      warnings.push({
        code: 'RULE_UNMATCHED',
        message: `folders.rename ${JSON.stringify(rule.match)} changes no folder name: it renames nothing`,
      });
  }
  for (const pattern of rules.include) {
    if (!names.some((name) => new RegExp(pattern).test(name)))
      warnings.push({
        code: 'RULE_UNMATCHED',
        message: `folders.include ${JSON.stringify(pattern)} matches no source folder`,
      });
  }
  return warnings;
}

/**
 * Automap by name is a guess: when several selected folders guess the same target (a mailbox with
 * both "Sent" and "Éléments envoyés"), an explicit rule beats every guess, and among guesses the
 * folder the server marks special wins, then the table's order. The others lose automap.
 */
function automapLosers(
  found: Map<FolderListing, FolderTarget>,
  selected: (folder: FolderListing) => boolean,
): Array<{ folder: FolderListing; key: string }> {
  const byTarget = new Map<string, Array<{ folder: FolderListing; mappedBy: MappedBy }>>();
  for (const [folder, target] of found) {
    if (!selected(folder) || 'invalid' in target) continue;
    const key = folderKey(target.target);
    byTarget.set(key, [...(byTarget.get(key) ?? []), { folder, mappedBy: target.mappedBy }]);
  }
  const losers: Array<{ folder: FolderListing; key: string }> = [];
  for (const [key, group] of byTarget) {
    const guesses = group.filter((entry) => entry.mappedBy === 'automap');
    if (group.length < 2 || guesses.length === 0) continue;
    const ranked = [...guesses].sort(
      (a, b) => automapRank(a.folder) - automapRank(b.folder) || compareText(a.folder.name, b.folder.name),
    );
    const keep = guesses.length === group.length ? ranked[0] : undefined;
    losers.push(...ranked.filter((entry) => entry !== keep).map((entry) => ({ folder: entry.folder, key })));
  }
  return losers;
}

function automapRank(folder: FolderListing): number {
  if (folder.specialUse !== null) return -1;
  const last = folder.name
    .split(folder.delimiter ?? '/')
    .pop()!
    .normalize('NFC')
    .toLowerCase();
  const row = AUTOMAP_NAMES.find((entry) => entry.names.some((name) => name.normalize('NFC').toLowerCase() === last));
  return row ? row.names.findIndex((name) => name.normalize('NFC').toLowerCase() === last) : AUTOMAP_NAMES.length * 100;
}

/** All Mail with allMail 'unlabelled': the archive folder, named as a `map` value is; mapped by 'gmail'. */
function archiveTarget(allMail: FolderListing, listing: AccountListing, rules: FolderRules): FolderTarget {
  const archive = rules.gmail.archiveFolder;
  const target = targetFor(allMail, listing, { ...rules, map: { [allMail.name]: archive } }, []);
  if ('invalid' in target) return target;
  return {
    ...target,
    mappedBy: 'gmail',
    notes: [
      ...target.notes,
      `archived mail only: the messages of "${allMail.name}" that no migrated label folder holds (folders.gmail.allMail 'unlabelled')`,
    ],
  };
}

function invalidName(folder: FolderListing, why: string): Diagnostic {
  return problem(
    'PLAN_INVALID_NAME',
    `source folder "${folder.name}" has no valid target name: ${why}`,
    'give it a target name with `map`, fix the `rename` rule or `subfolder` that produced it, or leave it out with `exclude`',
    { folder: folder.name },
  );
}

/** Two selected source folders onto one target name would merge silently: an error instead. */
function collisions(pairs: readonly FolderPair[]): Diagnostic[] {
  const byTarget = new Map<string, FolderPair[]>();
  for (const pair of pairs)
    byTarget.set(folderKey(pair.target), [...(byTarget.get(folderKey(pair.target)) ?? []), pair]);
  return [...byTarget.entries()]
    .filter(([, group]) => group.length > 1)
    .sort(([a], [b]) => compareText(a, b))
    .map(([, group]) =>
      problem(
        'PLAN_COLLISION',
        `source folders ${group.map((pair) => `"${pair.source}" (${pair.mappedBy})`).join(' and ')} would all go to target folder "${group[0]!.target}"`,
        'give one of them another target name with `map` or `rename`, or leave one out with `exclude`',
        { folder: group[0]!.source },
      ),
    );
}
