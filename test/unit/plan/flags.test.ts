import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  carriedFlags,
  carriesKeywords,
  comparableFlags,
  flagAcceptor,
  flagChange,
  permanentFlagsOf,
} from '../../../src/plan/flags.ts';

test('comparable flags: \\Recent and \\Deleted left out, system flags spelled canonically, no duplicates', () => {
  assert.equal(comparableFlags(['\\SEEN', '\\Recent', '\\deleted', '\\flagged', '\\Seen', '$Label1', 'Work']), [
    '\\Seen',
    '\\Flagged',
    '$Label1',
    'Work',
  ]);
});

const acceptance: Array<{
  name: string;
  permanentFlags: string[] | null;
  flag: string;
  expect: 'unsupported' | 'invalid' | null;
}> = [
  { name: 'unknown PERMANENTFLAGS: any valid keyword', permanentFlags: null, flag: '$Label1', expect: null },
  { name: 'unknown PERMANENTFLAGS: system flags', permanentFlags: null, flag: '\\Answered', expect: null },
  { name: '\\* allows new keywords', permanentFlags: ['\\Seen', '\\*'], flag: 'Work', expect: null },
  {
    name: 'a listed keyword, in another case',
    permanentFlags: ['\\Seen', '$Forwarded'],
    flag: '$forwarded',
    expect: null,
  },
  {
    name: 'an unlisted keyword without \\*',
    permanentFlags: ['\\Seen', '$Forwarded'],
    flag: 'Work',
    expect: 'unsupported',
  },
  { name: 'system flags are always accepted', permanentFlags: [], flag: '\\Seen', expect: null },
  {
    name: 'an unknown backslash flag, unknown PERMANENTFLAGS',
    permanentFlags: null,
    flag: '\\Forwarded',
    expect: 'unsupported',
  },
  {
    name: 'an unknown backslash flag is not covered by \\*',
    permanentFlags: ['\\*'],
    flag: '\\Forwarded',
    expect: 'unsupported',
  },
  {
    name: 'an unknown backslash flag the target lists',
    permanentFlags: ['\\Forwarded'],
    flag: '\\Forwarded',
    expect: null,
  },
  { name: 'a keyword with a space', permanentFlags: null, flag: 'two words', expect: 'invalid' },
  { name: 'a keyword with a parenthesis', permanentFlags: ['\\*'], flag: 'a(b', expect: 'invalid' },
  { name: 'a keyword with a bracket', permanentFlags: null, flag: 'a]', expect: 'invalid' },
  { name: 'a keyword with a wildcard', permanentFlags: null, flag: 'a*', expect: 'invalid' },
  { name: 'a keyword with a quote', permanentFlags: null, flag: 'a"b', expect: 'invalid' },
  { name: 'a non-ASCII keyword', permanentFlags: null, flag: 'Wichtig✓', expect: 'invalid' },
  { name: 'a keyword with a control character', permanentFlags: null, flag: 'a\tb', expect: 'invalid' },
  { name: 'the empty keyword', permanentFlags: null, flag: '', expect: 'invalid' },
  { name: 'punctuation that is allowed in atoms', permanentFlags: null, flag: "$Junk-Mail_2.0+x'y", expect: null },
];

for (const c of acceptance) {
  test(`accepts: ${c.name}`, () => {
    assert.is(flagAcceptor(c.permanentFlags)(c.flag), c.expect);
  });
}

test('carried flags split what goes over from what the target refuses', () => {
  const carried = carriedFlags(
    ['\\Seen', '\\Recent', '\\Deleted', 'Work', 'bad word', '$Label1'],
    flagAcceptor(['\\Seen', '$Label1']),
  );
  assert.equal(carried.flags, ['\\Seen', '$Label1']);
  assert.equal(carried.refused, [
    { flag: 'Work', why: 'unsupported' },
    { flag: 'bad word', why: 'invalid' },
  ]);
});

const changes: Array<{
  name: string;
  source: string[];
  target: string[];
  permanentFlags?: string[] | null;
  add: string[];
  remove: string[];
}> = [
  { name: 'equal flags: nothing', source: ['\\Seen', 'Work'], target: ['Work', '\\Seen'], add: [], remove: [] },
  {
    name: 'case does not make a difference',
    source: ['\\SEEN', 'work'],
    target: ['\\Seen', 'Work'],
    add: [],
    remove: [],
  },
  {
    name: 'missing flags are added',
    source: ['\\Seen', '\\Flagged', '$Label1'],
    target: ['\\Seen'],
    add: ['\\Flagged', '$Label1'],
    remove: [],
  },
  {
    name: 'extra flags are removed (the source replaces them)',
    source: [],
    target: ['\\Seen', '\\Answered', 'Old'],
    add: [],
    remove: ['\\Seen', '\\Answered', 'Old'],
  },
  {
    name: 'add and remove together',
    source: ['\\Seen'],
    target: ['\\Flagged'],
    add: ['\\Seen'],
    remove: ['\\Flagged'],
  },
  { name: "\\Recent is the server's own on both sides", source: ['\\Recent'], target: [], add: [], remove: [] },
  { name: '\\Recent on the target is never removed', source: [], target: ['\\Recent'], add: [], remove: [] },
  { name: '\\Deleted is never added', source: ['\\Deleted'], target: [], add: [], remove: [] },
  { name: '\\Deleted is never removed', source: [], target: ['\\Deleted'], add: [], remove: [] },
  {
    name: 'a keyword the target refuses is not added',
    source: ['Work'],
    target: [],
    permanentFlags: ['\\Seen'],
    add: [],
    remove: [],
  },
  {
    name: 'a keyword the target refuses is not removed either',
    source: ['Work'],
    target: ['Work'],
    permanentFlags: ['\\Seen'],
    add: [],
    remove: [],
  },
  { name: 'an invalid keyword is neither added nor removed', source: ['a b'], target: [], add: [], remove: [] },
];

for (const c of changes) {
  test(`flag change: ${c.name}`, () => {
    const carried = carriedFlags(c.source, flagAcceptor(c.permanentFlags ?? null));
    assert.equal(flagChange(c.source, carried.flags, c.target), { add: c.add, remove: c.remove });
  });
}

test("a folder is judged by its own PERMANENTFLAGS, else its server INBOX's, else unknown", () => {
  const own = ['\\Seen'];
  const inbox = ['\\Seen', '\\*'];
  assert.equal(permanentFlagsOf({ permanentFlags: own }, { inboxPermanentFlags: inbox }), own);
  assert.equal(permanentFlagsOf({ permanentFlags: null }, { inboxPermanentFlags: inbox }), inbox);
  assert.equal(permanentFlagsOf(undefined, { inboxPermanentFlags: inbox }), inbox);
  assert.is(permanentFlagsOf({ permanentFlags: null }, {}), null);
  assert.is(permanentFlagsOf(undefined, { inboxPermanentFlags: null }), null);
});

test('keywords are flags without a backslash', () => {
  assert.is(carriesKeywords([{ flags: ['\\Seen', '\\Flagged'] }, { flags: [] }]), false);
  assert.is(carriesKeywords([{ flags: ['\\Seen'] }, { flags: ['$Label1'] }]), true);
  assert.is(carriesKeywords([]), false);
});

test.run();
