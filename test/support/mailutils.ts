// GNU mailutils imap4d 3.15 on loopback (unpacked by .ci/install-servers under
// /opt/srv/mailutils-imap4d). Users come from a virtual-domain passwd file in the temp dir, so
// logins are "user@mu.test"; each user's INBOX is the maildir $home/INBOX, folders under $home/Maildir.
import { execFile } from 'node:child_process';
import { appendFile, chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { logTail, requireBinaries, startDaemon, type ImapTestServer } from './imap-server.ts';
import { freePort, waitForGreeting } from './ports.ts';
import { systemAccount } from './system-account.ts';

const run = promisify(execFile);

const IMAP4D = process.env.MAILUTILS_IMAP4D ?? '/opt/srv/mailutils-imap4d/usr/sbin/imap4d';
const DOMAIN = 'mu.test';

/** Starts an imap4d instance; resolves once it greets. */
export async function startMailutils(): Promise<ImapTestServer> {
  requireBinaries('GNU mailutils imap4d', [IMAP4D, '/usr/bin/maildirmake', '/usr/bin/openssl']);
  const owner = systemAccount('courmail', true);
  const dir = await mkdtemp(join(tmpdir(), 'mailshift-mailutils-'));
  try {
    await chmod(dir, 0o755);
    await mkdir(join(dir, 'passwd'), { mode: 0o755 });
    await mkdir(join(dir, 'home'), { mode: 0o755 });
    await writeFile(join(dir, 'passwd', DOMAIN), '', { mode: 0o644 });
    const port = await freePort();
    await writeFile(join(dir, 'imap4d.conf'), config(dir, port));
    await run(IMAP4D, [`--config-file=${dir}/imap4d.conf`, '--config-lint']);
    const daemon = startDaemon(dir, `exec ${IMAP4D} --config-file=${dir}/imap4d.conf`);
    try {
      await waitForGreeting(port, undefined, 15_000, daemon.gone);
    } catch (error) {
      await daemon.stop();
      throw new Error(
        `mailutils imap4d did not start in ${dir}: ${(error as Error).message}\n${logTail(dir, ['stderr.log'])}`,
      );
    }
    return {
      name: 'mailutils',
      dir,
      host: '127.0.0.1',
      ports: { plain: port },
      delimiter: '/',
      prefix: '',
      loginSuffix: `@${DOMAIN}`,
      async addUser(user, password) {
        if (!/^[a-z0-9_-]+$/i.test(user) || /[\r\n]/.test(password))
          throw new Error(`unusable test credentials for "${user}"`);
        const home = join(dir, 'home', user);
        await mkdir(join(home, 'Maildir'), { recursive: true, mode: 0o755 });
        await run('/usr/bin/maildirmake', [join(home, 'INBOX')]);
        await run('chown', ['-R', `${owner.uid}:${owner.gid}`, home]);
        const hashing = run('/usr/bin/openssl', ['passwd', '-1', '-stdin']); // stdin: no password in ps
        hashing.child.stdin?.end(`${password}\n`);
        const hash = (await hashing).stdout;
        await appendFile(
          join(dir, 'passwd', DOMAIN),
          `${user}:${hash.trim()}:${owner.uid}:${owner.gid}::${home}:/bin/sh\n`,
        );
      },
      stop: () => daemon.stop(),
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

let lazy: Promise<ImapTestServer> | undefined;

/** The per-process imap4d, started on first use. */
export function mailutilsServer(): Promise<ImapTestServer> {
  lazy ??= startMailutils();
  lazy.catch(() => {
    lazy = undefined;
  });
  return lazy;
}

// Logs go to stderr (dir/stderr.log) rather than a syslog the container does not have.
function config(dir: string, port: number): string {
  return `mode daemon;
foreground yes;
server 127.0.0.1:${port} { };
auth { authorization virtdomain; authentication generic; };
virtdomain { passwd-dir "${dir}/passwd"; };
mailbox { mailbox-type maildir; mailbox-pattern "maildir://\${home}/Maildir"; };
namespace personal { prefix "" { directory "\${home}/Maildir"; delimiter "/"; mailbox-type maildir; }; };
logging { syslog no; };
`;
}
