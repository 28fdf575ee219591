import { MailshiftError, problem } from '../errors.ts';
import type { Settings, SliceSettings, SyncPhase } from '../manifest/settings.ts';
import type { UidMaps } from '../plan/snapshot.ts';
import type { StateStore } from '../state/store.ts';
import { closest } from '../manifest/suggest.ts';

/**
 * The sync phase a command works on; an unknown name gets a suggestion, and a manual gate the
 * command's own explanation of why there is nothing to do (`manualHint`).
 */
export function findSyncPhase(settings: Settings, name: string, doing: string, manualHint: string): SyncPhase {
  const phase = settings.phases.find((p) => p.name === name);
  const names = settings.phases.map((p) => p.name);
  if (!phase) {
    const suggestion = closest(name, names);
    throw new MailshiftError(
      problem(
        'USAGE',
        `the manifest has no phase "${name}"`,
        suggestion ? `did you mean --phase ${suggestion}?` : `its phases are: ${names.join(', ')}`,
      ),
    );
  }
  if (phase.kind === 'manual')
    throw new MailshiftError(
      problem('USAGE', `phase "${name}" is a manual gate: there is nothing to ${doing}`, manualHint),
    );
  return phase;
}

/** The account's UID maps when the slice matches by UID (identity 'uid'); headers matching needs none. */
export async function uidMapsFor(slice: SliceSettings, state: Pick<StateStore, 'uidMaps'>): Promise<UidMaps> {
  return slice.messages.identity === 'uid' ? state.uidMaps(slice.account.id) : {};
}
