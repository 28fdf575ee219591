import { isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ImapFlow } from 'imapflow';

// A plaintext client on an implicit-TLS port (993) deadlocks politely: the client waits for the
// IMAP greeting, the server for a TLS ClientHello, until the greeting timeout. Shortening that
// timeout would also fail slow but healthy servers (a Dovecot whose login processes are all busy
// accepts the TCP connection and greets only when one frees up), so nothing is failed on silence
// alone: a few seconds of it only prompt a second, separate connection that tries a TLS handshake
// on the same port. Only a server that answers it in TLS ends the wait early, with the diagnosis.

/**
 * How long after the TCP handshake a plaintext connection may stay silent before the probe. A
 * healthy server greets one round trip after it (under a second even across continents or over
 * satellite links); 3 s is many round trips, and waiting longer only delays the diagnosis.
 */
export const PROBE_AFTER_SECONDS = 3;
/** Budget of the probe's handshake; a probe that gets no answer in it leaves the greeting wait alone. */
const PROBE_BUDGET_MS = 5000;

// A server that refuses our handshake with a TLS alert (no shared cipher or version) speaks TLS too.
const TLS_ALERT = /^ERR_SSL_(SSLV3|TLSV1|TLSV13)_ALERT_/;

// Answers per host:port, in flight or definite, so a pool of connections to one slow server probes it once.
const answers = new Map<string, Promise<boolean | null>>();

/** Silence on a plaintext connection, watched until stop(): `tlsPort` resolves only if the port turns out to speak TLS. */
export interface GreetingWatch {
  tlsPort: Promise<true>;
  /** The probe's answer: whether the port speaks TLS; null when it got none; undefined before it ran. */
  readonly answersTls: boolean | null | undefined;
  stop(): void;
}

/** Watches a connecting plaintext (or STARTTLS) client for a greeting that does not come because the port is an implicit-TLS one. */
export function watchGreeting(flow: ImapFlow, host: string, port: number): GreetingWatch {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let answered: boolean | null | undefined;
  const silent = () => !stopped && flow.greeting === undefined && !flow.authenticated;
  const tlsPort = new Promise<true>((resolve) => {
    const check = () => {
      if (!silent()) return;
      // The clock starts at the TCP handshake: a slow connect is the connect timeout's business.
      const waited = flow.connectedAt === null ? 0 : Date.now() - flow.connectedAt;
      if (flow.connectedAt === null || waited < PROBE_AFTER_SECONDS * 1000) {
        timer = setTimeout(check, PROBE_AFTER_SECONDS * 1000 - waited);
        return;
      }
      void answersTls(host, port).then((tls) => {
        answered = tls;
        if (tls && silent()) resolve(true);
      });
    };
    timer = setTimeout(check, PROBE_AFTER_SECONDS * 1000);
  });
  return {
    tlsPort,
    get answersTls() {
      return answered;
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** Whether host:port completes (or refuses with an alert) a TLS handshake, null without an answer; the certificate is not the question here. */
async function answersTls(host: string, port: number): Promise<boolean | null> {
  const key = `${host}:${port}`;
  const known = answers.get(key);
  if (known !== undefined) return known;
  const answer = handshake(host, port);
  answers.set(key, answer);
  // No answer is no verdict: a later connection may ask again.
  if ((await answer) === null) answers.delete(key);
  return answer;
}

function handshake(host: string, port: number): Promise<boolean | null> {
  return new Promise((resolve) => {
    const socket = tlsConnect({
      host,
      port,
      rejectUnauthorized: false,
      ...(isIP(host) === 0 ? { servername: host } : {}),
    });
    const done = (answer: boolean | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(null), PROBE_BUDGET_MS);
    // The connection it serves keeps the process alive; a probe outliving it must not.
    timer.unref();
    socket.unref();
    socket.once('secureConnect', () => done(true));
    // An OpenSSL error is an answer ("* OK" is no TLS record); a reset or a refusal says nothing.
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done(error.code?.startsWith('ERR_SSL_') ? TLS_ALERT.test(error.code) : null),
    );
    socket.once('close', () => done(null));
  });
}
