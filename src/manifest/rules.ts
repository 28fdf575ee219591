import { problem, warning, type Diagnostic } from '../errors.ts';
import { deepMerge } from './deep-merge.ts';
import { mergeEndpoint } from './settings.ts';
import { oauth2Rules } from './oauth2-rules.ts';
import { unanchoredAlternations } from './regex-lint.ts';
import { closest } from './suggest.ts';
import { GMAIL_SYSTEM_LABELS, systemLabelKey } from './gmail-system-labels.ts';
import type { EndpointInput, FolderRulesInput, ManifestInput, MessageRulesInput, PhaseInput } from './types.ts';

const SYNC_ONLY_KEYS = [
  'folders',
  'messages',
  'deleteTarget',
  'deleteTargetFolders',
  'deleteSource',
  'expungeSource',
  'justFolders',
] as const;

/**
 * Rules the schema cannot express: uniqueness, references between phases, endpoint completeness
 * after merging `defaults`, and combinations that would lose mail. Runs on a schema-valid manifest.
 */
export function checkRules(file: string, manifest: ManifestInput): Diagnostic[] {
  const at = (pointer: string, account?: string) => ({ file, pointer, ...(account ? { account } : {}) });
  return [
    ...uniqueNames(manifest, at),
    ...phaseRules(manifest, at),
    ...manifest.accounts.flatMap((account, index) => [
      ...endpointRules(
        manifest.defaults?.source,
        account.source,
        'source',
        `/accounts/${index}`,
        at(`/accounts/${index}/source`, account.id),
      ),
      ...endpointRules(
        manifest.defaults?.target,
        account.target,
        'target',
        `/accounts/${index}`,
        at(`/accounts/${index}/target`, account.id),
      ),
      ...(account.subfolder !== undefined && account.folders?.subfolder !== undefined
        ? [
            problem(
              'MANIFEST_RULE',
              'both `subfolder` and `folders.subfolder` are set',
              'keep one of them',
              at(`/accounts/${index}/subfolder`, account.id),
            ),
          ]
        : []),
    ]),
    ...windowRules(manifest, at),
    ...sharedTargetRules(manifest, at),
    ...unanchoredAlternations(manifest, at),
    ...gmailPriorityRules(manifest, at),
  ];
}

/** A priority entry with a backslash names a Gmail system label: one that is none would silently rank nothing. */
function gmailPriorityRules(manifest: ManifestInput, at: At): Diagnostic[] {
  const layers: Array<[FolderRulesInput | undefined, string, string | undefined]> = [
    [manifest.folders, '/folders', undefined],
    ...manifest.accounts.map((account, index): [FolderRulesInput | undefined, string, string] => [
      account.folders,
      `/accounts/${index}/folders`,
      account.id,
    ]),
    ...manifest.phases.map((phase, index): [FolderRulesInput | undefined, string, undefined] => [
      phase.folders,
      `/phases/${index}/folders`,
      undefined,
    ]),
  ];
  const found: Diagnostic[] = [];
  for (const [folders, pointer, account] of layers) {
    (folders?.gmail?.priority ?? []).forEach((entry, index) => {
      if (!entry.startsWith('\\') || GMAIL_SYSTEM_LABELS.includes(systemLabelKey(entry))) return;
      const near = closest(entry.toLowerCase(), GMAIL_SYSTEM_LABELS);
      found.push(
        problem(
          'MANIFEST_RULE',
          `folders.gmail.priority names "${entry}", which is not a Gmail system label`,
          `${near ? `did you mean "${near}"? ` : ''}system labels are ${GMAIL_SYSTEM_LABELS.join(' ')} (any case; 'INBOX' is \\inbox); a user label is written without the backslash`,
          at(`${pointer}/gmail/priority/${index}`, account),
        ),
      );
    });
  }
  return found;
}

export type At = (pointer: string, account?: string) => { file: string; pointer: string; account?: string };

function uniqueNames(manifest: ManifestInput, at: At): Diagnostic[] {
  const found: Diagnostic[] = [];
  const firstAccount = new Map<string, number>();
  manifest.accounts.forEach((account, index) => {
    const first = firstAccount.get(account.id);
    if (first === undefined) firstAccount.set(account.id, index);
    else
      found.push(
        problem(
          'MANIFEST_RULE',
          `account id "${account.id}" is used twice (first at /accounts/${first})`,
          'give every account a unique id',
          at(`/accounts/${index}/id`, account.id),
        ),
      );
  });
  const firstPhase = new Map<string, number>();
  manifest.phases.forEach((phase, index) => {
    const first = firstPhase.get(phase.name);
    if (first === undefined) firstPhase.set(phase.name, index);
    else
      found.push(
        problem(
          'MANIFEST_RULE',
          `phase name "${phase.name}" is used twice (first at /phases/${first})`,
          'give every phase a unique name',
          at(`/phases/${index}/name`),
        ),
      );
  });
  return found;
}

function phaseRules(manifest: ManifestInput, at: At): Diagnostic[] {
  const names = manifest.phases.map((phase) => phase.name);
  const found: Diagnostic[] = [];
  manifest.phases.forEach((phase, index) => {
    (phase.requires ?? []).forEach((required, r) => {
      const pointer = `/phases/${index}/requires/${r}`;
      const position = names.indexOf(required);
      if (position === -1) {
        const suggestion = closest(required, names);
        found.push(
          problem(
            'MANIFEST_RULE',
            `phase "${phase.name}" requires "${required}", which is not a phase of this manifest`,
            suggestion ? `did you mean "${suggestion}"?` : `the phases are: ${names.join(', ')}`,
            at(pointer),
          ),
        );
      } else if (position >= index) {
        found.push(
          problem(
            'MANIFEST_RULE',
            `phase "${phase.name}" requires "${required}", which does not come before it`,
            'phases run in the order listed: move the required phase earlier, or drop the requirement',
            at(pointer),
          ),
        );
      }
    });
    if (phase.manual !== undefined) {
      for (const key of SYNC_ONLY_KEYS) {
        if (phase[key] !== undefined) {
          found.push(
            problem(
              'MANIFEST_RULE',
              `manual phase "${phase.name}" sets \`${key}\`, but a manual phase is a gate and syncs nothing`,
              'move the setting to a sync phase, or remove `manual` to make this a sync phase',
              at(`/phases/${index}/${key}`),
            ),
          );
        }
      }
      return;
    }
    if (phase.deleteSource && phase.deleteTarget) {
      found.push(
        problem(
          'MANIFEST_RULE',
          `phase "${phase.name}" sets both deleteSource and deleteTarget`,
          'deleting on both sides in one pass can lose mail (imapsync refuses --delete1 with --delete2 too): split them into two phases',
          at(`/phases/${index}`),
        ),
      );
    }
    if (phase.expungeSource !== undefined && !phase.deleteSource) {
      found.push(
        warning(
          'MANIFEST_RULE',
          `phase "${phase.name}" sets expungeSource without deleteSource; it has no effect`,
          'remove expungeSource, or add deleteSource: true',
          at(`/phases/${index}/expungeSource`),
        ),
      );
    }
    const gate = manifest.phases.slice(0, index).find((earlier) => earlier.manual !== undefined);
    if (phase.deleteTarget && gate) {
      found.push(
        warning(
          'MANIFEST_RULE',
          `phase "${phase.name}" deletes target messages after the manual gate "${gate.name}": once the gate is recorded, the cutover rule lets it delete only mailshift's own copies (mail that reached the new server is kept, and each plan says so)`,
          'drop deleteTarget from phases after the cutover gate unless copies whose source message is gone should go',
          at(`/phases/${index}/deleteTarget`),
        ),
      );
    }
  });
  return found;
}

function endpointRules(
  shared: EndpointInput | undefined,
  own: EndpointInput | undefined,
  side: 'source' | 'target',
  accountPointer: string,
  location: ReturnType<At>,
): Diagnostic[] {
  const endpoint = mergeEndpoint(shared, own);
  const found: Diagnostic[] = [];
  const missing = (key: string) =>
    problem(
      'MANIFEST_RULE',
      `the ${side} has no \`${key}\``,
      `set ${accountPointer.slice(1).replace(/\/(\d+)$/, '[$1]')}.${side}.${key}, or defaults.${side}.${key} for every account`,
      location,
    );
  if (!endpoint.host) found.push(missing('host'));
  if (!endpoint.user) found.push(missing('user'));
  const mechanism = endpoint.auth?.mechanism;
  const authorizeAs = endpoint.auth?.authorizeAs;
  if (authorizeAs !== undefined && mechanism !== 'PLAIN') {
    const at = `${accountPointer.slice(1).replace(/\/(\d+)$/, '[$1]')}.${side}.auth`;
    found.push(
      problem(
        'MANIFEST_RULE',
        `the ${side} logs in for "${authorizeAs}" (auth.authorizeAs), but auth.mechanism is ${mechanism}: only SASL PLAIN carries an authorisation identity`,
        `set ${at}.mechanism: 'PLAIN' with the admin's user and password (the server must offer AUTH=PLAIN), or remove ${at}.authorizeAs and log in as the user`,
        location,
      ),
    );
  }
  if (mechanism === 'XOAUTH2') {
    const { accessToken, oauth2 } = endpoint.auth ?? {};
    if (!accessToken === !oauth2)
      found.push(
        problem(
          'MANIFEST_RULE',
          accessToken
            ? `the ${side} uses XOAUTH2 with both auth.accessToken and auth.oauth2`
            : `the ${side} uses XOAUTH2 but has no auth.accessToken or auth.oauth2`,
          "give either accessToken: { env: 'NAME' } (or file/command), or oauth2: { provider: 'microsoft' | 'google' | 'refresh', … }",
          location,
        ),
      );
    if (oauth2) found.push(...oauth2Rules(oauth2, side, location));
    if (endpoint.password)
      found.push(
        problem(
          'MANIFEST_RULE',
          `the ${side} uses XOAUTH2 and also sets a password`,
          'XOAUTH2 logs in with an access token only: remove the password',
          location,
        ),
      );
  } else if (endpoint.auth?.oauth2) {
    found.push(
      problem(
        'MANIFEST_RULE',
        `the ${side} sets auth.oauth2 but logs in with ${mechanism ?? 'PLAIN'}`,
        "OAuth2 tokens need mechanism: 'XOAUTH2'",
        location,
      ),
    );
  } else if (!endpoint.password) {
    found.push(
      problem(
        'MANIFEST_RULE',
        `the ${side} has no \`password\``,
        "add password: { env: 'NAME' } (or { file }, { command }), or auth: { mechanism: 'XOAUTH2', accessToken: … }",
        location,
      ),
    );
  }
  if (
    endpoint.tls === 'none' &&
    (endpoint.password || mechanism === 'XOAUTH2') &&
    endpoint.host &&
    !isLoopback(endpoint.host) &&
    !endpoint.allowPlaintext
  ) {
    found.push(
      problem(
        'MANIFEST_RULE',
        `the ${side} would send its ${mechanism === 'XOAUTH2' ? 'access token' : 'password'} unencrypted to ${endpoint.host} (tls: 'none')`,
        "use tls: 'starttls' or 'implicit'; if you really mean it, set allowPlaintext: true",
        location,
      ),
    );
  }
  const provider = endpoint.host ? PASSWORDLESS_PROVIDERS.find((p) => p.host.test(endpoint.host!)) : undefined;
  if (provider && mechanism !== 'XOAUTH2')
    found.push(
      warning(
        'MANIFEST_RULE',
        `the ${side} logs in to ${provider.name} with a password: ${provider.why}`,
        provider.fix,
        location,
      ),
    );
  if (endpoint.host && GMAIL_HOST.test(endpoint.host)) found.push(...gmailBudgetRules(endpoint, side, location));
  return found;
}

const GMAIL_HOST = /^imap\.gmail\.com$/i;

/** Gmail's documented IMAP bandwidth per account and day: download from it, upload to it. */
const GMAIL_BYTES_PER_DAY = { source: 2500 * 1000 * 1000, target: 500 * 1000 * 1000 } as const;

/** Past its daily bandwidth Gmail says BYE for hours; a budget above it (or none) runs into that. */
function gmailBudgetRules(endpoint: EndpointInput, side: 'source' | 'target', location: ReturnType<At>): Diagnostic[] {
  const limit = GMAIL_BYTES_PER_DAY[side];
  const budget = endpoint.maxBytesPerDay ?? null;
  if (budget !== null && budget <= limit) return [];
  const direction = side === 'source' ? 'downloaded from' : 'uploaded to';
  const preset = side === 'source' ? 'ms.presets.gmail' : 'ms.presets.gmailTarget';
  return [
    warning(
      'MANIFEST_RULE',
      `the ${side} is Gmail, which allows about ${limit / 1e6} MB a day ${direction} each account, and maxBytesPerDay is ${budget === null ? 'not set' : `${budget}`}: past that limit Gmail drops the connection with a bandwidth BYE for up to a day`,
      `set ${side}.maxBytesPerDay: ${limit / 1e6} * 1000 * 1000 (${preset} carries it), so that the apply pauses the account instead`,
      location,
    ),
  ];
}

/** Providers that refuse IMAP passwords (or take only app passwords): what a password login meets there. */
const PASSWORDLESS_PROVIDERS = [
  {
    host: /^outlook\.office(365)?\.com$/i,
    name: 'Microsoft 365',
    why: 'Exchange Online has basic authentication turned off, so the login will be refused',
    fix: "use OAuth2: auth: { mechanism: 'XOAUTH2', oauth2: { provider: 'microsoft', … } } (ms.oauth2.microsoft; README \"Microsoft 365\")",
  },
  {
    host: GMAIL_HOST,
    name: 'Gmail',
    why: 'Google takes only an app password there, and Google Workspace may refuse even that',
    fix: "use OAuth2: auth: { mechanism: 'XOAUTH2', oauth2: { provider: 'google', … } } (ms.oauth2.google; README \"Google Workspace\"), or keep an app password",
  },
];

/** Empty age or size windows (min above max) silently select nothing; say so instead. */
function windowRules(manifest: ManifestInput, at: At): Diagnostic[] {
  const found: Diagnostic[] = [];
  const check = (messages: MessageRulesInput, pointer: string, where: string, account?: string) => {
    if (messages.minAgeDays != null && messages.maxAgeDays != null && messages.minAgeDays > messages.maxAgeDays) {
      found.push(
        problem(
          'MANIFEST_RULE',
          `${where}: minAgeDays (${messages.minAgeDays}) is above maxAgeDays (${messages.maxAgeDays}), so no message can match`,
          'minAgeDays is the lower age bound, maxAgeDays the upper one',
          at(pointer, account),
        ),
      );
    }
    if (messages.minSize != null && messages.maxSize != null && messages.minSize > messages.maxSize) {
      found.push(
        problem(
          'MANIFEST_RULE',
          `${where}: minSize (${messages.minSize}) is above maxSize (${messages.maxSize}), so no message can match`,
          'minSize is the lower size bound, maxSize the upper one',
          at(pointer, account),
        ),
      );
    }
  };
  syncPhases(manifest).forEach(({ phase, index }) => {
    check(
      deepMerge<MessageRulesInput>(manifest.messages, phase.messages),
      `/phases/${index}/messages`,
      `phase "${phase.name}"`,
    );
    manifest.accounts.forEach((account, a) => {
      if (account.messages)
        check(
          deepMerge<MessageRulesInput>(manifest.messages, account.messages, phase.messages),
          `/accounts/${a}/messages`,
          `account "${account.id}" in phase "${phase.name}"`,
          account.id,
        );
    });
  });
  return found;
}

/**
 * Two accounts writing into one target mailbox must not delete each other's mail: with the same
 * subfolder any target deletion collides; with one tree inside the other, deleting folders does.
 */
function sharedTargetRules(manifest: ManifestInput, at: At): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const { phase, index } of syncPhases(manifest)) {
    if (!phase.deleteTarget && !phase.deleteTargetFolders) continue;
    const trees = manifest.accounts.map((account) => {
      const target = mergeEndpoint(manifest.defaults?.target, account.target);
      const port = target.port ?? (target.tls === 'implicit' ? 993 : 143);
      const folders = deepMerge<FolderRulesInput>(
        manifest.folders,
        account.folders,
        account.subfolder !== undefined ? { subfolder: account.subfolder } : undefined,
        phase.folders,
      );
      return {
        id: account.id,
        mailbox: `${target.host?.toLowerCase()}:${port}:${target.auth?.authorizeAs ?? target.user}`,
        subfolder: folders.subfolder ?? null,
      };
    });
    trees.forEach((tree, a) => {
      const other = trees
        .slice(0, a)
        .find(
          (earlier) =>
            earlier.mailbox === tree.mailbox &&
            (earlier.subfolder === tree.subfolder ||
              (phase.deleteTargetFolders && nested(earlier.subfolder, tree.subfolder))),
        );
      if (!other) return;
      const what =
        other.subfolder === tree.subfolder ? 'the same target folders' : 'folder trees of which one contains the other';
      found.push(
        problem(
          'MANIFEST_RULE',
          `accounts "${other.id}" and "${tree.id}" write into ${what} of one target mailbox and phase "${phase.name}" deletes on the target: each would delete the other's mail`,
          'give each account its own, separate subfolder, or drop deleteTarget/deleteTargetFolders from that phase',
          at(`/phases/${index}`, tree.id),
        ),
      );
    });
  }
  return found;
}

/** Whether one subfolder tree contains the other (null is the mailbox root, which contains all). */
function nested(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return true;
  const within = (inner: string, outer: string) => inner.startsWith(outer) && /^[./]/.test(inner.slice(outer.length));
  return within(a, b) || within(b, a);
}

function syncPhases(manifest: ManifestInput): Array<{ phase: PhaseInput; index: number }> {
  return manifest.phases.map((phase, index) => ({ phase, index })).filter(({ phase }) => phase.manual === undefined);
}

/** A host name or address that stays on this machine (localhost, 127.0.0.0/8, ::1). */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
