// What of a session's lines may go into a trace. Credentials travel in two commands: LOGIN (the
// password, as a quoted string, an atom or a literal) and AUTHENTICATE (the SASL initial response
// on the command line with SASL-IR, then every line the client sends after the server's "+":
// PLAIN's base64 user and password, XOAUTH2's token, the LOGIN mechanism's user and password).
// These are cut by their shape, whatever the secret; on top of that, any line holding one of the
// session's secrets verbatim (a server echoing a command back) has it replaced.

export const REDACTED = '<redacted>';

/** A secret shorter than this is not searched for in every line (it would blank out ordinary words). */
const MIN_SCRUBBED_LENGTH = 4;

/** One session's redaction state: the command a continued line belongs to, an AUTHENTICATE exchange in progress. */
export class TraceRedaction {
  private command = '';
  private authenticating: string | null = null;

  constructor(private readonly secrets: readonly string[] = []) {}

  /** The client's line as the trace may show it; `continued`: it goes on the previous line's command (after a synchronizing literal). */
  client(text: string, continued: boolean): string {
    if (continued) return this.scrub(this.command === 'LOGIN' || this.command === 'AUTHENTICATE' ? REDACTED : text);
    if (this.authenticating !== null) return text === '' || text === '*' ? text : REDACTED;
    const words = /^(\S+) (\S+)(?: |$)/.exec(text);
    this.command = words ? words[2]!.toUpperCase() : '';
    if (this.command === 'LOGIN') return this.scrub(`${words![0]}${userOf(text.slice(words![0].length))}`.trimEnd());
    if (this.command === 'AUTHENTICATE') {
      this.authenticating = words![1]!;
      const [mechanism = '', ...initial] = text.slice(words![0].length).split(' ');
      return `${words![0]}${mechanism}${initial.length > 0 ? ` ${REDACTED}` : ''}`;
    }
    return this.scrub(text);
  }

  /** The server's line as the trace may show it; its tagged answer ends an AUTHENTICATE exchange. */
  server(text: string): string {
    if (this.authenticating !== null && text.startsWith(`${this.authenticating} `)) this.authenticating = null;
    return this.scrub(text);
  }

  private scrub(text: string): string {
    let scrubbed = text;
    for (const secret of this.secrets)
      if (secret.length >= MIN_SCRUBBED_LENGTH) scrubbed = scrubbed.split(secret).join(REDACTED);
    return scrubbed;
  }
}

/** LOGIN's arguments: the user when it is an atom or a quoted string, then the rest redacted. */
function userOf(args: string): string {
  if (args === '') return '';
  const user = /^(?:"(?:[^"\\]|\\.)*"|[^\s"{]+)(?= |$)/.exec(args);
  return user ? `${user[0]} ${REDACTED}` : REDACTED;
}
