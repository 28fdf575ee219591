import { connect as connectTcp, createServer, type Server, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';

/** Listens on a loopback port the kernel picks (port 0: it is ours at once, no probe-then-bind race); resolves with it. */
export function listenOnLoopback(listener: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(0, '127.0.0.1', () => {
      const address = listener.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
}

/** Asks the kernel for a loopback port that is free right now (it may be taken again later). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  const port = await listenOnLoopback(probe);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Resolves with the first line the IMAP server sends, or rejects on error or after timeoutMs. */
export function readGreeting(port: number, ca: string | undefined, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket: Socket =
      ca === undefined
        ? connectTcp({ host: '127.0.0.1', port })
        : connectTls({ host: '127.0.0.1', port, ca, servername: 'localhost' });
    let received = '';
    const finish = (error: Error | undefined, line?: string): void => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(line ?? '');
    };
    const timer = setTimeout(() => finish(new Error(`no greeting on port ${port} within ${timeoutMs} ms`)), timeoutMs);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      const end = received.indexOf('\r\n');
      if (end >= 0) finish(undefined, received.slice(0, end));
    });
    socket.once('error', (error) => finish(error));
    socket.once('end', () => finish(new Error(`port ${port} closed before greeting`)));
  });
}

/** Polls until the port answers with an IMAP `* OK` greeting; gives up when aborted() turns true. */
export async function waitForGreeting(
  port: number,
  ca: string | undefined,
  timeoutMs: number,
  aborted: () => boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline && !aborted()) {
    try {
      const line = await readGreeting(port, ca, Math.max(100, deadline - Date.now()));
      if (line.startsWith('* OK')) return;
      lastError = new Error(`unexpected greeting on port ${port}: ${line}`);
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const reason = lastError instanceof Error ? lastError.message : 'aborted';
  throw new Error(`port ${port} never greeted: ${reason}`);
}
