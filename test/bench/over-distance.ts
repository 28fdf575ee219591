// Plan + apply over a 40 ms round trip (a delay proxy of 20 ms each way in front of both servers),
// into a target with MULTIAPPEND and into one advertising Office 365's capability list (LITERAL+,
// no MULTIAPPEND): what pipelined APPENDs buy where each answer costs a round trip. The issue's
// target: without MULTIAPPEND at least half the MULTIAPPEND rate (before pipelining: 18.9 s
// against 3.4 s for 1,011 messages).
import { formatBytes } from '../../src/render/sizes.ts';
import { startDelayProxy, type DelayProxy } from '../support/delay-proxy.ts';
import { startDovecot, type DovecotServer } from '../support/dovecot.ts';
import { OFFICE365_CAPABILITIES } from '../support/dovecot-config.ts';
import { measureMailshift } from './measure.ts';
import { benchMigration, seededAccount } from './migration.ts';

const ONE_WAY_MS = 20;

/** The server as a manifest sees it behind a proxy: same server, the proxy's port. */
function behind(server: DovecotServer, proxy: DelayProxy): DovecotServer {
  return { ...server, ports: { ...server.ports, plain: proxy.port } };
}

/** Seeds `messages` on the source, then plans and applies them over the delay into both targets; prints msgs/s for each and the ratio. */
export async function benchOverDistance(
  work: string,
  source: DovecotServer,
  multiappendTarget: DovecotServer,
  messages: number,
): Promise<void> {
  const office = await startDovecot({ layout: 'dot', fsync: true, capabilities: OFFICE365_CAPABILITIES });
  const proxies: DelayProxy[] = [];
  try {
    const { account, seeded } = await seededAccount(source, { seed: 12, messages });
    const delayed = async (server: DovecotServer) => {
      const proxy = await startDelayProxy(server.ports.plain, { delayMs: ONE_WAY_MS });
      proxies.push(proxy);
      return behind(server, proxy);
    };
    const farSource = await delayed(source);
    const rates: Record<string, number> = {};
    for (const [label, target] of [
      ['MULTIAPPEND', multiappendTarget],
      ['Office 365 capabilities (LITERAL+, no MULTIAPPEND)', office],
    ] as const) {
      const migration = await benchMigration(work, farSource, await delayed(target), account);
      const plan = await measureMailshift(migration.planArgs(), migration.env);
      if (plan.code !== 0) throw new Error(`plan failed:\n${plan.stderr}`);
      const apply = await measureMailshift(migration.applyArgs, migration.env);
      if (apply.code !== 0) throw new Error(`apply failed:\n${apply.stdout}${apply.stderr}`);
      const total = plan.seconds + apply.seconds;
      rates[label] = seeded.messages / total;
      console.log(
        `bench ${2 * ONE_WAY_MS} ms round trip, target with ${label}: ${seeded.messages} messages (${formatBytes(seeded.bytes)}) in ${seeded.folders} folders, plan ${plan.seconds.toFixed(2)} s + apply ${apply.seconds.toFixed(2)} s = ${total.toFixed(2)} s: ${rates[label]!.toFixed(0)} messages/s (apply alone ${(seeded.messages / apply.seconds).toFixed(0)} messages/s)`,
      );
    }
    const [withMulti, without] = Object.values(rates) as [number, number];
    console.log(
      `bench ${2 * ONE_WAY_MS} ms round trip: without MULTIAPPEND at ${(without / withMulti).toFixed(2)}× the MULTIAPPEND rate (target: at least 0.5×)`,
    );
  } finally {
    await Promise.all(proxies.map((proxy) => proxy.stop()));
    await office.stop();
  }
}
