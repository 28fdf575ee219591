import { MailshiftError, problem } from '../errors.ts';

/**
 * The wall clock an apply's daily byte budgets count on (epoch ms). MAILSHIFT_NOW, an ISO UTC
 * time, is for tests only: the clock starts there and runs on, so that a test can apply "a day
 * later" without waiting one. Read here and nowhere else.
 */
export function wallClock(env: NodeJS.ProcessEnv): () => number {
  const given = env.MAILSHIFT_NOW;
  if (given === undefined || given === '') return Date.now;
  const start = Date.parse(given);
  if (!Number.isFinite(start))
    throw new MailshiftError(
      problem('USAGE', `MAILSHIFT_NOW=${given} is not an ISO time`, 'it is for tests only: unset it'),
    );
  const offset = start - Date.now();
  return () => Date.now() + offset;
}
