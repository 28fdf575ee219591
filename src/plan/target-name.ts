// The mapping rules for one source folder, first that applies wins: `map`, INBOX, automap, then
// the structural translation with `rename` and `subfolder` on top (README: "How folders are mapped").
import type { FolderRules } from '../manifest/settings.ts';
import type { RenameRule } from '../manifest/types.ts';
import { automapTarget } from './automap.ts';
import { isInbox, logicalSegments, startsWithIgnoringCase, targetNameOf, verbatimNameProblem } from './folder-paths.ts';
import type { AccountListing, FolderListing, ServerSnapshot } from './snapshot.ts';
import type { MappedBy } from './types.ts';

export type FolderTarget =
  /** `renamedBy`: the `match` of each rename rule that changed the name (none for map, INBOX, automap). */
  | { target: string; mappedBy: MappedBy; notes: string[]; translated: string[]; renamedBy?: string[] }
  | { invalid: string };

export interface CompiledRename {
  rule: RenameRule;
  pattern: RegExp;
}

/** Rename rules as regexes, compiled once per mapping (the schema has checked they compile). */
export function compileRenames(rules: readonly RenameRule[]): CompiledRename[] {
  return rules.map((rule) => ({ rule, pattern: new RegExp(rule.match) }));
}

/** Where one source folder goes on the target, and which rule decided it. */
export function targetFor(
  folder: FolderListing,
  listing: AccountListing,
  rules: FolderRules,
  renames: readonly CompiledRename[],
): FolderTarget {
  const target = listing.target.server;
  if (Object.hasOwn(rules.map, folder.name)) return mapValue(rules.map[folder.name]!, target);
  if (isInbox(folder.name) && rules.subfolder === null)
    return { target: 'INBOX', mappedBy: 'inbox', notes: [], translated: [] };
  if (rules.automap && rules.subfolder === null) {
    const match = automapTarget(folder, listing.source.server, listing.target.folders, target);
    if (match) return { target: match.target, mappedBy: 'automap', notes: [match.note], translated: [] };
  }
  return structural(folder, listing, rules, renames);
}

/** A `map` value: the target's own name when it starts with the target's prefix, else a '/' path. */
function mapValue(value: string, target: ServerSnapshot): FolderTarget {
  const prefix = target.personalPrefix;
  if (prefix !== '' && startsWithIgnoringCase(value, prefix)) {
    const invalid = verbatimNameProblem(value, target);
    if (invalid !== null) return { invalid };
    return {
      target: value,
      mappedBy: 'map',
      notes: [`map: "${value}" is taken as the target's own name (it starts with the target's prefix "${prefix}")`],
      translated: [],
    };
  }
  const name = targetNameOf(value.split('/'), target);
  if ('invalid' in name) return name;
  return { target: name.name, mappedBy: 'map', notes: name.notes, translated: [] };
}

function structural(
  folder: FolderListing,
  listing: AccountListing,
  rules: FolderRules,
  renames: readonly CompiledRename[],
): FolderTarget {
  const delimiter = listing.target.server.delimiter;
  const notes: string[] = [];
  const translated: string[] = [];
  // A source segment holding the target's delimiter would silently become two levels there.
  const segments = logicalSegments(folder, listing.source.server).map((segment) => {
    if (delimiter === null || !segment.includes(delimiter)) return segment;
    const replaced = segment.split(delimiter).join('_');
    notes.push(`"${delimiter}" in "${segment}" became "_" (the target's hierarchy delimiter)`);
    translated.push(segment);
    return replaced;
  });
  let path = segments.join('/');
  const renamedBy: string[] = [];
  for (const { rule, pattern } of renames) {
    const next = path.replace(pattern, rule.replace);
    if (next === path) continue;
    notes.push(`rename ${JSON.stringify(rule.match)} → ${JSON.stringify(rule.replace)}: "${path}" became "${next}"`);
    path = next;
    renamedBy.push(rule.match);
  }
  const renamed = renamedBy.length > 0;
  // Without a rename the segments stand as they are, so a '/' inside one (on a '.' source) stays in it.
  let logical = renamed ? path.split('/') : segments;
  if (rules.subfolder !== null) logical = [...rules.subfolder.split('/'), ...logical];
  const name = targetNameOf(logical, listing.target.server);
  if ('invalid' in name) return name;
  const mappedBy: MappedBy = rules.subfolder !== null ? 'subfolder' : renamed ? 'rename' : 'structure';
  return { target: name.name, mappedBy, notes: [...notes, ...name.notes], translated, renamedBy };
}
