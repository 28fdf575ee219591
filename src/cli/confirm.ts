import { createInterface } from 'node:readline/promises';
import { onStopRequest } from './interrupt.ts';

/** What the operator did at the prompt: typed a line, pressed Ctrl-C, or ended the input (Ctrl-D). */
export type PromptReply = { answer: string } | 'interrupted' | 'closed';

/**
 * Asks one question on the terminal. Ctrl-C is an answer here, not a crash: readline reports it
 * (in raw mode the key never becomes a signal) or, where the terminal does send SIGINT, the CLI's
 * handler does (interrupt.ts); either way the question is abandoned and 'interrupted' returned.
 */
export async function askAtTerminal(question: string): Promise<PromptReply> {
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  const abandoned = new AbortController();
  let reply: 'interrupted' | 'closed' | null = null;
  const abandon = (why: 'interrupted' | 'closed') => {
    reply ??= why;
    abandoned.abort();
  };
  prompt.on('SIGINT', () => abandon('interrupted'));
  prompt.on('close', () => abandon('closed'));
  const unregister = onStopRequest(() => abandon('interrupted'));
  try {
    return { answer: await prompt.question(question, { signal: abandoned.signal }) };
  } catch (error) {
    if (reply !== null) return reply;
    throw error;
  } finally {
    unregister();
    prompt.close();
  }
}
