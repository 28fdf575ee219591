// The bench's own Dovecot pair: like the tests' pair (source '/' layout, target '.' under INBOX.),
// but with Dovecot's default mail_fsync, so appends cost what they cost on a real server.
import { closeSync, fdatasyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { startDovecot, type DovecotServer } from '../support/dovecot.ts';

export interface BenchServers {
  source: DovecotServer;
  target: DovecotServer;
  stop(): Promise<void>;
}

/** Starts both servers with fsync on; if one fails, the other is stopped again. */
export async function startBenchServers(): Promise<BenchServers> {
  const [source, target] = await Promise.allSettled([
    startDovecot({ layout: 'slash', fsync: true }),
    startDovecot({ layout: 'dot', fsync: true }),
  ]);
  if (source.status === 'fulfilled' && target.status === 'fulfilled') {
    return {
      source: source.value,
      target: target.value,
      stop: async () => {
        await Promise.all([source.value.stop(), target.value.stop()]);
      },
    };
  }
  await Promise.all(
    [source, target].map((started) => (started.status === 'fulfilled' ? started.value.stop() : undefined)),
  );
  throw source.status === 'rejected' ? source.reason : (target as PromiseRejectedResult).reason;
}

/** Median time of a 4 KB write + fdatasync in dir: what each message stored with fsync costs at least. */
export function fsyncMilliseconds(dir: string, samples = 21): number {
  const file = join(dir, 'bench-fsync-probe');
  const fd = openSync(file, 'w');
  const times: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const started = process.hrtime.bigint();
      writeSync(fd, Buffer.alloc(4096, 120));
      fdatasyncSync(fd);
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
  return times.sort((a, b) => a - b)[Math.floor(samples / 2)]!;
}
