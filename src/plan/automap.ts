// automap (imapsync --automap): special folders found by their RFC 6154 special-use attribute,
// else by the names clients commonly give them, in the languages mail admins meet most.
import { logicalSegments, isInbox } from './folder-paths.ts';
import { compareText } from './ordering.ts';
import type { FolderListing, ServerSnapshot, SpecialUse } from './snapshot.ts';

/** Common names per special use; the order within a row is the preference on the target side. */
export const AUTOMAP_NAMES: ReadonlyArray<{ use: SpecialUse; names: readonly string[] }> = [
  {
    use: '\\Sent',
    names: [
      'Sent',
      'Sent Items',
      'Sent Messages',
      'Sent Mail',
      'Gesendet',
      'Gesendete Objekte',
      'Gesendete Elemente',
      'Éléments envoyés',
      'Elementos enviados',
      'Enviados',
      'E-mails enviados',
      'Itens Enviados',
      'Posta inviata',
      'Wysłane',
      'Verzonden items',
    ],
  },
  {
    use: '\\Trash',
    names: [
      'Trash',
      'Deleted Items',
      'Deleted Messages',
      'Papierkorb',
      'Gelöschte Elemente',
      'Gelöschte Objekte',
      'Corbeille',
      'Éléments supprimés',
      'Papelera',
      'Elementos eliminados',
      'Lixeira',
      'Itens Excluídos',
      'Cestino',
      'Posta eliminata',
      'Kosz',
      'Prullenbak',
    ],
  },
  {
    use: '\\Junk',
    names: [
      'Junk',
      'Spam',
      'Junk E-mail',
      'Junk Email',
      'Junk-E-Mail',
      'Bulk Mail',
      'Courrier indésirable',
      'Correo no deseado',
      'Lixo Eletrônico',
      'Posta indesiderata',
    ],
  },
  {
    use: '\\Drafts',
    names: ['Drafts', 'Entwürfe', 'Brouillons', 'Borradores', 'Rascunhos', 'Bozze', 'Szkice', 'Concepten'],
  },
  { use: '\\Archive', names: ['Archive', 'Archives', 'Archiv', 'Archivo', 'Arquivo'] },
  { use: '\\All', names: ['All Mail', 'All Messages'] },
  { use: '\\Flagged', names: ['Flagged', 'Starred'] },
];

// Folder names come decoded from modified UTF-7, in whatever normal form the client wrote.
const fold = (name: string) => name.normalize('NFC').toLowerCase();

/** The special use a folder name stands for in the table, or null. */
export function specialUseOfName(name: string): SpecialUse | null {
  const folded = fold(name);
  return AUTOMAP_NAMES.find((row) => row.names.some((candidate) => fold(candidate) === folded))?.use ?? null;
}

export interface AutomapMatch {
  target: string;
  note: string;
}

/**
 * The target folder for a special source folder, or null when automap does not apply (not a
 * special folder, or the target has no counterpart: then the structural rules decide). On the
 * target, the special-use attribute wins, then a top-level folder with a name of the same row.
 */
export function automapTarget(
  folder: FolderListing,
  source: ServerSnapshot,
  targets: readonly FolderListing[],
  target: ServerSnapshot,
): AutomapMatch | null {
  if (isInbox(folder.name)) return null;
  const segments = logicalSegments(folder, source);
  const name = segments[segments.length - 1]!;
  // The server's own attribute counts at any depth (Gmail's "[Gmail]/Sent Mail" is \Sent); a name
  // only at the top level, where special folders live: "Projects/Archive" is the user's own folder.
  const use = folder.specialUse ?? (segments.length === 1 ? specialUseOfName(name) : null);
  if (use === null) return null;
  const why = folder.specialUse !== null ? `the source marks it ${use}` : `"${name}" is a usual name for ${use}`;
  const selectable = targets.filter((candidate) => candidate.selectable);
  const byUse = selectable
    .filter((candidate) => candidate.specialUse === use)
    .sort((a, b) => compareText(a.name, b.name))[0];
  if (byUse) return { target: byUse.name, note: `automap: ${why}; the target marks "${byUse.name}" ${use}` };
  const row = AUTOMAP_NAMES.find((entry) => entry.use === use)!.names.map(fold);
  const byName = selectable
    .map((candidate) => ({ candidate, segments: logicalSegments(candidate, target) }))
    .filter(({ segments: path }) => path.length === 1 && row.includes(fold(path[0]!)))
    .map(({ candidate, segments: path }) => ({ candidate, exact: path[0] === name, rank: row.indexOf(fold(path[0]!)) }))
    .sort(
      (a, b) => Number(b.exact) - Number(a.exact) || a.rank - b.rank || compareText(a.candidate.name, b.candidate.name),
    )[0];
  if (byName)
    return {
      target: byName.candidate.name,
      note: `automap: ${why}; "${byName.candidate.name}" is the target's ${use} folder by name`,
    };
  return null;
}
