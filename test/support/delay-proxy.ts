// A TCP proxy on loopback that delays each direction by a fixed time: a server far away (20 ms
// each way is a 40 ms round trip). Bytes keep their order and stream through as they come: each
// chunk leaves `delayMs` after it arrived, so a pipelined client gains what it would on a real
// network and a client that waits for each answer loses a round trip each time. Optional
// observers see each chunk as it arrives (for tests that count what was sent before an answer).
import { connect, createServer, type Socket } from 'node:net';
import { listenOnLoopback } from './ports.ts';

export interface DelayProxy {
  readonly port: number;
  /** Closes the listener and every connection; call it in `finally`. */
  stop(): Promise<void>;
}

export interface DelayOptions {
  /** Delay of each direction, in milliseconds. */
  delayMs: number;
  /** Sees each chunk the client sends, as it arrives. */
  onClientChunk?: (chunk: Buffer) => void;
  /** Sees each chunk the server sends, as it arrives. */
  onServerChunk?: (chunk: Buffer) => void;
}

/** Starts a proxy on a free loopback port that relays to 127.0.0.1:`upstreamPort`, each way `delayMs` late. */
export async function startDelayProxy(upstreamPort: number, options: DelayOptions): Promise<DelayProxy> {
  const sockets = new Set<Socket>();
  const listener = createServer({ pauseOnConnect: true }, (client) => {
    const server = connect({ host: '127.0.0.1', port: upstreamPort });
    for (const socket of [client, server]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.once('close', () => {
        sockets.delete(socket);
        // The other way still delivers what it holds, then closes.
        setTimeout(() => (socket === client ? server : client).destroy(), options.delayMs + 5).unref();
      });
    }
    delayed(client, server, options.delayMs, options.onClientChunk);
    delayed(server, client, options.delayMs, options.onServerChunk);
    client.resume();
  });
  const port = await listenOnLoopback(listener);
  return {
    port,
    stop() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => listener.close(() => resolve()));
    },
  };
}

/**
 * Relays from → to, each chunk `delayMs` after it arrived. Timers of equal delay fire in the order
 * set, so order holds; while more than a few MB wait, reading pauses (bounded memory, as a
 * network's window bounds what is in flight).
 */
function delayed(from: Socket, to: Socket, delayMs: number, observe?: (chunk: Buffer) => void): void {
  const HIGH_WATER = 8 * 1024 * 1024;
  let waiting = 0;
  from.on('data', (chunk: Buffer) => {
    observe?.(chunk);
    waiting += chunk.length;
    if (waiting > HIGH_WATER) from.pause();
    setTimeout(() => {
      waiting -= chunk.length;
      if (!to.destroyed) to.write(chunk);
      if (waiting <= HIGH_WATER && from.isPaused()) from.resume();
    }, delayMs);
  });
  from.once('end', () => setTimeout(() => to.end(), delayMs));
}
