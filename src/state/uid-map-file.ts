// One account's UID maps as one JSON file, replaced atomically on every change (temp + rename):
// a crash leaves the old maps or the new ones, never half a file.
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MailshiftError, problem } from '../errors.ts';
import type { UidMap, UidMaps } from '../plan/snapshot.ts';
import { replaceFile } from './durable-file.ts';

const FORMAT = 'mailshift-uid-maps/v1';

interface UidMapFile {
  format: typeof FORMAT;
  account: string;
  folders: UidMaps;
}

/** The maps in `file`, by source folder; none when the file does not exist yet. */
export async function readUidMapFile(file: string): Promise<UidMaps> {
  const text = await readText(file);
  return text === null ? {} : parseUidMaps(text, file);
}

async function readText(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function parseUidMaps(text: string, file: string): UidMaps {
  let parsed: UidMapFile;
  try {
    parsed = JSON.parse(text) as UidMapFile;
  } catch {
    parsed = { format: 'unreadable' } as unknown as UidMapFile;
  }
  if (
    parsed.format !== FORMAT ||
    typeof parsed.folders !== 'object' ||
    parsed.folders === null ||
    !Object.values(parsed.folders).every(isUidMap)
  ) {
    throw new MailshiftError(
      problem(
        'STATE_CORRUPT',
        'the UID map file is not a mailshift UID map',
        'it was edited or damaged; remove it and plan again: messages are then matched by their headers',
        { file },
      ),
    );
  }
  return parsed.folders;
}

// An apply writes the file once per folder it copied into, each time after reading it back: what
// this process wrote last, with its text, spares parsing and checking every earlier folder again
// while the file still holds exactly that text.
let written: { file: string; text: string; folders: UidMaps } | null = null;

/** Merge `pairs` into the map of `sourceFolder`, or start it afresh when the map no longer fits. */
export async function writeUidPairs(
  file: string,
  account: string,
  sourceFolder: string,
  map: Omit<UidMap, 'pairs'>,
  pairs: Array<[number, number]>,
): Promise<void> {
  const text = await readText(file);
  // A copy of the object: the one remembered stays as the text it was written as.
  const folders: UidMaps =
    text === null
      ? {}
      : written?.file === file && written.text === text
        ? { ...written.folders }
        : parseUidMaps(text, file);
  const earlier = folders[sourceFolder];
  const fits =
    earlier !== undefined &&
    earlier.sourceUidValidity === map.sourceUidValidity &&
    earlier.targetUidValidity === map.targetUidValidity &&
    earlier.target === map.target;
  const bySourceUid = new Map<number, number>(fits ? earlier.pairs : []);
  for (const [sourceUid, targetUid] of pairs) bySourceUid.set(sourceUid, targetUid);
  const merged: UidMap = {
    sourceUidValidity: map.sourceUidValidity,
    target: map.target,
    targetUidValidity: map.targetUidValidity,
    pairs: [...bySourceUid].sort((a, b) => a[0] - b[0]),
  };
  // defineProperty: a folder may be called anything, "__proto__" included.
  Object.defineProperty(folders, sourceFolder, { value: merged, enumerable: true, writable: true, configurable: true });
  await mkdir(dirname(file), { recursive: true });
  const content = serialise({ format: FORMAT, account, folders });
  written = null;
  await replaceFile(file, content);
  written = { file, text: content, folders };
}

/** One folder per line: readable with `less`, and a diff of two versions shows which folder changed. */
function serialise(content: UidMapFile): string {
  const folders = Object.keys(content.folders)
    .sort()
    .map((name) => `    ${JSON.stringify(name)}: ${mapJson(content.folders[name]!)}`);
  return `{\n  "format": ${JSON.stringify(content.format)},\n  "account": ${JSON.stringify(content.account)},\n  "folders": {\n${folders.join(',\n')}\n  }\n}\n`;
}

// A folder's map is never changed once made (a merge makes a new one): its JSON is made once.
const jsonOfMap = new WeakMap<UidMap, string>();

function mapJson(map: UidMap): string {
  let json = jsonOfMap.get(map);
  if (json === undefined) {
    json = JSON.stringify(map);
    jsonOfMap.set(map, json);
  }
  return json;
}

function isUidMap(value: unknown): value is UidMap {
  const map = value as UidMap;
  return (
    typeof map === 'object' &&
    map !== null &&
    Number.isInteger(map.sourceUidValidity) &&
    Number.isInteger(map.targetUidValidity) &&
    typeof map.target === 'string' &&
    Array.isArray(map.pairs) &&
    map.pairs.every(
      (pair) => Array.isArray(pair) && pair.length === 2 && Number.isInteger(pair[0]) && Number.isInteger(pair[1]),
    )
  );
}
