// A TCP proxy on loopback in front of a harness server's plain port, for fault tests: it relays
// both ways until a trigger cuts every live connection. Triggers fire on byte counts or on what
// the server answers, never on a timer, so a test hits the same point of the protocol every run.
import { connect, createServer, type Socket } from 'node:net';
import { listenOnLoopback } from './ports.ts';

export interface TcpProxy {
  readonly port: number;
  /** Bytes relayed towards the server so far, all connections together. */
  readonly bytesToServer: number;
  /** How many times a trigger (or cutAll) cut the live connections. */
  readonly cuts: number;
  /** Connections accepted so far (refused ones included). */
  readonly connections: number;
  /** Connections refused on arrival so far. */
  readonly refused: number;
  /** Connections on which the client turned on COMPRESS=DEFLATE (the command goes in clear). */
  readonly compressed: number;
  /**
   * Arms a cut: once `bytes` more have gone towards the server (all connections together), the
   * server gets exactly that many and every live connection is cut; then the next `thenRefuse`
   * new connections are cut as they arrive (Infinity: until heal()). Cuts armed one after
   * another fire in turn, each counting from when the one before fired.
   */
  cutAfterBytesToServer(bytes: number, options?: { thenRefuse?: number }): void;
  /** Arms a cut: when an answer of the server matches, it is not relayed and every live connection is cut. */
  cutOnServerReply(pattern: RegExp, options?: { thenRefuse?: number }): void;
  /** Cut every live connection now. */
  cutAll(): void;
  /** From now on the server's answers are not relayed (it still gets everything): a server that stops answering mid-command. */
  holdAnswers(): void;
  /** holdAnswers() once `bytes` more have gone towards the server: a command is then surely in flight. */
  holdAnswersAfterBytesToServer(bytes: number): void;
  /** Whether the server's answers are held now. */
  readonly holding: boolean;
  /** A plain relay again: armed cuts, pending refusals and held answers dropped. */
  heal(): void;
  /** Closes the listener and every connection; call it in `finally`. */
  stop(): Promise<void>;
}

export interface ProxyOptions {
  /**
   * Capabilities the client must not see (e.g. 'COMPRESS=DEFLATE', so the stream stays readable
   * for cutOnServerReply). Assumes, as holds for Dovecot on loopback, that a capability list
   * arrives in one read.
   */
  hideCapabilities?: string[];
  /** Hold the first connection's greeting this long (later connections greet at once): a slow but healthy server. */
  firstGreetingDelayMs?: number;
  /**
   * Rewrite each line of the server's answers (a server with another dialect: mailutils' unquoted
   * STATUS names). Assumes, as holds for Dovecot on loopback, that such a line arrives in one read.
   */
  rewriteServerLine?: (line: string) => string;
  /**
   * Answer a command in the server's place (throttling-proxy.ts schedules these): called with each
   * read from the client that holds exactly one command line (a literal never comes that way);
   * a reply means the server never sees the command, and `close` ends the connection after it.
   */
  answerCommand?: (line: string) => { reply: string; close: boolean } | null;
}

interface Link {
  client: Socket;
  server: Socket;
  /** The end of the server's answers so far, so a pattern split across reads still matches. */
  tail: string;
  /** Cut after a byte count: the server side is left to read what it was sent, then closes. */
  draining: boolean;
}

type Trigger = { thenRefuse: number } & ({ bytesLeft: number } | { pattern: RegExp });

const TAIL = 256;

/** Starts a proxy on a free loopback port that relays to 127.0.0.1:`upstreamPort`. */
export async function startTcpProxy(upstreamPort: number, options: ProxyOptions = {}): Promise<TcpProxy> {
  const links = new Set<Link>();
  // Every socket still open, draining ones included, for stop().
  const sockets = new Set<Socket>();
  const triggers: Trigger[] = [];
  let refuseLeft = 0;
  let bytesToServer = 0;
  let cuts = 0;
  let refused = 0;
  let compressed = 0;
  let holding = false;
  let holdAt = Number.POSITIVE_INFINITY;
  let connections = 0;

  const cutAll = (thenRefuse = 0) => {
    refuseLeft = thenRefuse;
    cuts += 1;
    for (const link of links) cut(link);
    links.clear();
  };
  const fire = (trigger: Trigger) => {
    triggers.shift();
    cutAll(trigger.thenRefuse);
  };

  const listener = createServer({ pauseOnConnect: true }, (client) => {
    connections += 1;
    client.on('error', () => undefined);
    if (refuseLeft > 0) {
      refuseLeft -= 1;
      refused += 1;
      client.resetAndDestroy();
      return;
    }
    const server = connect({ host: '127.0.0.1', port: upstreamPort });
    server.on('error', () => undefined);
    const link: Link = { client, server, tail: '', draining: false };
    links.add(link);
    for (const socket of [client, server]) {
      sockets.add(socket);
      socket.once('close', () => {
        sockets.delete(socket);
        links.delete(link);
        client.destroy();
        if (!link.draining) server.destroy();
      });
    }
    let askedToCompress = false;
    client.on('data', (chunk: Buffer) => {
      if (!askedToCompress && / COMPRESS DEFLATE\r\n/i.test(chunk.toString('latin1'))) {
        askedToCompress = true;
        compressed++;
      }
      const text = chunk.toString('latin1');
      const scripted = options.answerCommand && /^[^\r\n]*\r\n$/.test(text) ? options.answerCommand(text) : null;
      if (scripted) {
        if (scripted.close) {
          links.delete(link);
          server.destroy();
          client.end(scripted.reply, 'latin1');
        } else client.write(scripted.reply, 'latin1');
        return;
      }
      const trigger = triggers[0];
      if (trigger && 'bytesLeft' in trigger) {
        if (chunk.length >= trigger.bytesLeft) {
          bytesToServer += trigger.bytesLeft;
          // end(): the server reads exactly the bytes before the cut, then the connection closes.
          server.end(chunk.subarray(0, trigger.bytesLeft));
          link.draining = true;
          links.delete(link);
          client.resetAndDestroy();
          fire(trigger);
          return;
        }
        trigger.bytesLeft -= chunk.length;
      }
      bytesToServer += chunk.length;
      if (bytesToServer >= holdAt) holding = true;
      relay(client, server, chunk);
    });
    let greeted = !options.firstGreetingDelayMs || connections > 1;
    server.on('data', (chunk: Buffer) => {
      if (holding) return;
      if (!greeted) {
        greeted = true;
        server.pause();
        const held = setTimeout(() => {
          relay(server, client, chunk);
          server.resume();
        }, options.firstGreetingDelayMs);
        server.once('close', () => clearTimeout(held));
        return;
      }
      const seen = link.tail + chunk.toString('latin1');
      link.tail = seen.slice(-TAIL);
      const trigger = triggers[0];
      if (trigger && 'pattern' in trigger && trigger.pattern.test(seen)) {
        fire(trigger);
        return;
      }
      relay(server, client, rewrite(hide(chunk, options.hideCapabilities ?? []), options.rewriteServerLine));
    });
    client.resume();
  });
  const port = await listenOnLoopback(listener);

  return {
    port,
    get bytesToServer() {
      return bytesToServer;
    },
    get cuts() {
      return cuts;
    },
    get connections() {
      return connections;
    },
    get refused() {
      return refused;
    },
    get compressed() {
      return compressed;
    },
    cutAfterBytesToServer(bytes, { thenRefuse = 0 } = {}) {
      triggers.push({ bytesLeft: bytes, thenRefuse });
    },
    cutOnServerReply(pattern, { thenRefuse = 0 } = {}) {
      triggers.push({ pattern, thenRefuse });
    },
    cutAll: () => cutAll(),
    holdAnswers() {
      holding = true;
    },
    holdAnswersAfterBytesToServer(bytes) {
      holdAt = bytesToServer + bytes;
    },
    get holding() {
      return holding;
    },
    heal() {
      triggers.length = 0;
      refuseLeft = 0;
      holding = false;
      holdAt = Number.POSITIVE_INFINITY;
    },
    stop() {
      triggers.length = 0;
      links.clear();
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => listener.close(() => resolve()));
    },
  };
}

/** The chunk with the hidden capabilities taken out of any capability list in it (the lines hold no literal, so lengths may change). */
function hide(chunk: Buffer, capabilities: readonly string[]): Buffer {
  if (capabilities.length === 0) return chunk;
  const text = chunk.toString('latin1');
  if (!/CAPABILITY/i.test(text)) return chunk;
  const shown = text.replace(/^.*CAPABILITY.*$/gim, (line) =>
    capabilities.reduce((kept, name) => kept.split(` ${name}`).join(''), line),
  );
  return Buffer.from(shown, 'latin1');
}

function rewrite(chunk: Buffer, line: ((line: string) => string) | undefined): Buffer {
  if (!line) return chunk;
  return Buffer.from(chunk.toString('latin1').split('\r\n').map(line).join('\r\n'), 'latin1');
}

/** Writes with backpressure: a reader that outpaces its writer waits for it to drain. */
function relay(from: Socket, to: Socket, chunk: Buffer): void {
  if (!to.write(chunk)) {
    from.pause();
    to.once('drain', () => from.resume());
  }
}

/** A network failure as the client sees one: its connection reset, the server's simply gone. */
function cut({ client, server }: Link): void {
  client.resetAndDestroy();
  server.destroy();
}
