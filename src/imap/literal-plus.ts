import type { ImapFlow } from 'imapflow';
import compiler from 'imapflow/lib/handler/imap-compiler.js';

// imapflow writes a literal non-synchronizing ({n+}) only up to 4096 bytes, even where the server
// has LITERAL+ (RFC 7888), and waits for the server's "+" before each larger one. In a MULTIAPPEND
// of mostly larger messages that is a round trip per message: a third of the throughput on
// loopback, and on a real network a MULTIAPPEND of 100 messages would wait out about 100 round
// trips. A command sent with the `literalPlus` exec option is written here instead, in one go,
// every literal non-synchronizing; every other command takes imapflow's own path. This stands in
// for imapflow's internal send(), which compiles a command, writes its first part, and leaves the
// rest in commandParts for the "+" answers: with every literal {n+} there is no rest.

interface Sending {
  tag: string;
  command: string;
  attributes: unknown;
  options?: { literalPlus?: boolean };
}

interface SendingFlow {
  send(data: Sending): Promise<void>;
  write(chunk: Buffer): void;
  state: unknown;
  states: { LOGOUT: unknown };
  commandParts: Buffer[];
  rawSensitiveCommand: boolean;
  currentRequest: false | { tag: string; sent?: boolean };
}

const installed = new WeakSet<ImapFlow>();

/** Lets commands on this client be sent with every literal non-synchronizing (only for a server with LITERAL+). */
export function allowLiteralPlus(flow: ImapFlow): void {
  if (installed.has(flow)) return;
  installed.add(flow);
  const internal = flow as unknown as SendingFlow;
  const send = internal.send;
  internal.send = async function (this: SendingFlow, data: Sending): Promise<void> {
    // After LOGOUT imapflow's own send() fails the command the way its queue expects.
    if (!data.options?.literalPlus || this.state === this.states.LOGOUT) return send.call(this, data);
    this.rawSensitiveCommand = false;
    this.commandParts = compiler(data as Parameters<typeof compiler>[0], { asArray: true, literalPlus: true });
    this.write(this.commandParts.shift()!);
    // The tagged answer may settle only a command that is on the wire (imapflow's invariant).
    if (this.currentRequest && this.currentRequest.tag === data.tag) this.currentRequest.sent = true;
  };
}
