// Folder rules are regexes, and `'Trash|Spam'` reads like a list of two names but also matches
// "Trash-2019" and "Spamfilter-Reports": an alternative with no anchor at all matches anywhere
// in a name. validate warns, with the anchored form as the hint. Pure.
import { warning, type Diagnostic } from '../errors.ts';
import type { At } from './rules.ts';
import type { FolderRulesInput, ManifestInput } from './types.ts';

/** A warning for each folder regex with a top-level alternative that has neither ^ nor $. */
export function unanchoredAlternations(manifest: ManifestInput, at: At): Diagnostic[] {
  const patterns: Array<{ pattern: string; pointer: string; account?: string }> = [
    ...folderPatterns(manifest.folders, '/folders'),
    ...manifest.accounts.flatMap((account, index) =>
      folderPatterns(account.folders, `/accounts/${index}/folders`).map((found) => ({ ...found, account: account.id })),
    ),
    ...manifest.phases.flatMap((phase, index) => {
      const rule = phase.deleteTargetFolders;
      const own =
        typeof rule === 'object' && rule !== null
          ? (['only', 'except'] as const).flatMap((key) =>
              typeof rule[key] === 'string'
                ? [{ pattern: rule[key]!, pointer: `/phases/${index}/deleteTargetFolders/${key}` }]
                : [],
            )
          : [];
      return [...folderPatterns(phase.folders, `/phases/${index}/folders`), ...own];
    }),
  ];
  return patterns.flatMap(({ pattern, pointer, account }) => {
    const alternatives = topLevelAlternatives(pattern);
    if (
      alternatives.length < 2 ||
      !alternatives.some((alternative) => !alternative.startsWith('^') && !alternative.endsWith('$'))
    )
      return [];
    const anchored = `^(${alternatives.map((alternative) => alternative.replace(/^\^/, '').replace(/\$$/, '')).join('|')})`;
    return [
      warning(
        'MANIFEST_RULE',
        `${JSON.stringify(pattern)} is unanchored: an alternative without ^ or $ matches anywhere in a folder name (${JSON.stringify(alternatives.find((a) => !a.startsWith('^') && !a.endsWith('$')))} also matches names that merely contain it)`,
        `for exactly these names write ${JSON.stringify(`${anchored}$`)}; for names that start with them, ${JSON.stringify(anchored)}`,
        at(pointer, account),
      ),
    ];
  });
}

function folderPatterns(
  rules: FolderRulesInput | undefined,
  pointer: string,
): Array<{ pattern: string; pointer: string }> {
  if (!rules) return [];
  return [
    ...(rules.include ?? []).map((pattern, index) => ({ pattern, pointer: `${pointer}/include/${index}` })),
    ...(rules.exclude ?? []).map((pattern, index) => ({ pattern, pointer: `${pointer}/exclude/${index}` })),
    ...(rules.rename ?? []).map((rule, index) => ({
      pattern: rule.match,
      pointer: `${pointer}/rename/${index}/match`,
    })),
  ];
}

/** The pattern split at each `|` outside parentheses, character classes and escapes. */
export function topLevelAlternatives(pattern: string): string[] {
  const alternatives: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') i++;
    else if (inClass) inClass = char !== ']';
    else if (char === '[') inClass = true;
    else if (char === '(') depth++;
    else if (char === ')') depth = Math.max(0, depth - 1);
    else if (char === '|' && depth === 0) {
      alternatives.push(pattern.slice(start, i));
      start = i + 1;
    }
  }
  alternatives.push(pattern.slice(start));
  return alternatives;
}
