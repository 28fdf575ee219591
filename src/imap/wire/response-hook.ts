import type { ImapFlow } from 'imapflow';
import { usesInternals } from './internals.ts';
import type { Framed } from './response-framer.ts';

// imapflow hands every response it framed to its internal handleResponse(), once, with the
// payload (the line, literal markers included) and the literals. A reader placed in front of it
// sees each response first and may claim it; what it leaves goes on as before.

interface HandlingFlow {
  handleResponse(data: Pick<Framed, 'payload' | 'literals'>): Promise<boolean>;
}

/** Puts `claim` in front of imapflow's handleResponse (true: taken, imapflow never sees it); false where there is none to wrap. */
export function claimFramedResponses(
  flow: ImapFlow,
  claim: (response: Pick<Framed, 'payload' | 'literals'>) => boolean,
): boolean {
  if (!usesInternals(flow)) return false;
  const internal = flow as unknown as HandlingFlow;
  const handleResponse = internal.handleResponse;
  internal.handleResponse = async function (this: HandlingFlow, data) {
    return claim(data) || handleResponse.call(this, data);
  };
  return true;
}
