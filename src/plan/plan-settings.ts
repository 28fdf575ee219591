// What a plan records of the manifest it was made from: the phase's switches, each account's
// folder and message rules, and the endpoints (references, never secrets). The planner writes
// these, and apply compares a plan's copy with the manifest's before it runs anything.
import type { EndpointSettings, SliceSettings, SyncPhase } from '../manifest/settings.ts';
import type { Endpoint } from './types.ts';

/** The phase's switches as the plan's `settings.phase` holds them. */
export function phaseSwitches(phase: SyncPhase) {
  return {
    name: phase.name,
    requires: phase.requires,
    deleteTarget: phase.deleteTarget,
    deleteTargetFolders: phase.deleteTargetFolders,
    deleteSource: phase.deleteSource,
    expungeSource: phase.expungeSource,
    justFolders: phase.justFolders,
  };
}

/** An account's folder and message rules in the phase, as the plan's settings (or the account's `rules`) hold them. */
export function rulesOf(slice: SliceSettings): { folders: unknown; messages: unknown } {
  return { folders: slice.folders, messages: slice.messages };
}

/** An endpoint as the plan shows it: host, port, TLS, user and the secret's reference. */
export function endpointOf(endpoint: EndpointSettings): Endpoint {
  const secret =
    endpoint.credential.mechanism === 'XOAUTH2'
      ? { accessToken: endpoint.credential.accessToken, oauth2: endpoint.credential.oauth2 }
      : { password: endpoint.credential.password };
  const mailbox = endpoint.authorizeAs === undefined ? {} : { authorizeAs: endpoint.authorizeAs };
  return { host: endpoint.host, port: endpoint.port, tls: endpoint.tls, user: endpoint.user, ...mailbox, ...secret };
}
