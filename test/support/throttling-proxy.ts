// Throttling as providers answer it, for a TcpProxy in front of a harness server (its answerCommand
// option): a schedule says which command, at its how-manieth occurrence, gets which answer instead
// of the server's. The answers are the providers' own words (IMAP-NOTES.md):
//   Office 365  `<tag> NO Request is throttled. Suggested Backoff Time: N milliseconds`, then a disconnect
//               (or, `stay: true`, the session goes on: Office 365 does not always drop it);
//   Gmail       `<tag> NO [THROTTLED] …` (the session goes on), `<tag> OK [THROTTLED] …` (the command
//               was done: the server's own OK, with the code added), and on its bandwidth limit
//               `* BYE [UNAVAILABLE] … Account exceeded command or bandwidth limits`, then a disconnect.
// Steps fire in order, one at a time, counted from when the schedule is armed (so that a plan made
// through the proxy first is not throttled); `fired` says when each was answered.

export type ThrottleAnswer =
  | { kind: 'office365'; waitMs: number; stay?: boolean }
  | { kind: 'gmail-no' }
  | { kind: 'gmail-ok' }
  | { kind: 'gmail-bye' };

export interface ThrottleStep {
  /** The command as the client sends it after the tag, e.g. /^UID FETCH .*BODY\.PEEK\[\]/ or /^EXAMINE /. */
  command: RegExp;
  /** Answer its nth occurrence (1: the first after the step before fired). */
  nth: number;
  answer: ThrottleAnswer;
}

export interface ThrottleSchedule {
  /** Pass both to startTcpProxy's options. */
  answerCommand: (line: string) => { reply: string; close: boolean } | null;
  rewriteServerLine: (line: string) => string;
  /** Start counting: until then every command goes to the server. */
  arm(): void;
  /** When each step was answered (Date.now()), in order. */
  readonly fired: number[];
  /** When the client sent each command after the first step fired, with its text: what came after a throttle. */
  readonly after: Array<{ at: number; command: string }>;
}

/** A schedule of throttling answers, each step in turn. */
export function throttleSchedule(steps: ThrottleStep[]): ThrottleSchedule {
  const pending = [...steps];
  const fired: number[] = [];
  const after: Array<{ at: number; command: string }> = [];
  let armed = false;
  let seen = 0;
  // The tag of a command forwarded whose OK gets [THROTTLED].
  let okTag: string | null = null;
  return {
    fired,
    after,
    rewriteServerLine(line) {
      if (okTag === null || !line.startsWith(`${okTag} OK `)) return line;
      const rest = line.slice(okTag.length + 4);
      const rewritten = `${okTag} OK [THROTTLED] ${rest.replace(/^\[[^\]]*\]\s*/, '')}`;
      okTag = null;
      return rewritten;
    },
    arm() {
      armed = true;
    },
    answerCommand(line) {
      if (!armed) return null;
      const match = /^(\S+) (.*)\r\n$/.exec(line);
      if (!match) return null;
      const [, tag, command] = match as unknown as [string, string, string];
      if (fired.length > 0) after.push({ at: Date.now(), command });
      const step = pending[0];
      if (!step || !step.command.test(command) || ++seen < step.nth) return null;
      pending.shift();
      seen = 0;
      fired.push(Date.now());
      if (step.answer.kind === 'gmail-ok') {
        okTag = tag;
        return null;
      }
      return answerOf(step.answer, tag);
    },
  };
}

function answerOf(
  answer: Exclude<ThrottleAnswer, { kind: 'gmail-ok' }>,
  tag: string,
): { reply: string; close: boolean } {
  switch (answer.kind) {
    case 'office365':
      return {
        reply: `${tag} NO Request is throttled. Suggested Backoff Time: ${answer.waitMs} milliseconds\r\n`,
        close: answer.stay !== true,
      };
    case 'gmail-no':
      return { reply: `${tag} NO [THROTTLED] Too many simultaneous commands, slow down\r\n`, close: false };
    case 'gmail-bye':
      return {
        reply: '* BYE [UNAVAILABLE] Temporary System Problem. Account exceeded command or bandwidth limits\r\n',
        close: true,
      };
  }
}
