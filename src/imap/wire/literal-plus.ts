import type { ImapFlow } from 'imapflow';
import { literalPlusCommand } from './command-bytes.ts';
import type { Token } from './exec.ts';

// imapflow writes a literal non-synchronizing ({n+}) only up to 4096 bytes, even where the server
// has LITERAL+ (RFC 7888), and waits for the server's "+" before each larger one: in a MULTIAPPEND
// of mostly larger messages, a round trip per message. A command sent with the `literalPlus` exec option is written here instead, in one go,
// every literal non-synchronizing; every other command takes imapflow's own path. This stands in
// for imapflow's internal send(), which compiles a command, writes its first part, and leaves the
// rest in commandParts for the "+" answers: with every literal {n+} there is no rest. The bytes are
// the compiler's own, from a serializer that does not copy the messages (command-bytes.ts).

interface Sending {
  tag: string;
  command: string;
  attributes: Token[] | false;
  options?: { literalPlus?: boolean };
}

interface SendingFlow {
  send(data: Sending): Promise<void>;
  write(chunk: Buffer): void;
  writeSocket: { cork(): void; uncork(): void } | false | null;
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
    // A write per part, so that no message is copied into one buffer for the whole command;
    // write() ends the last part with the CRLF, as it sees no parts left. Corked, the parts leave
    // in one writev rather than a system call each.
    this.commandParts = literalPlusCommand(data.tag, data.command, data.attributes || []);
    const socket = this.writeSocket;
    if (socket) socket.cork();
    try {
      while (this.commandParts.length > 0) this.write(this.commandParts.shift()!);
    } finally {
      if (socket) socket.uncork();
    }
    // The tagged answer may settle only a command that is on the wire (imapflow's invariant).
    if (this.currentRequest && this.currentRequest.tag === data.tag) this.currentRequest.sent = true;
  };
}
