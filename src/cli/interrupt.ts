// Ctrl-C: commands that hold resources (a lock, an open audit) register how to let go of them;
// the process exits with 130 once they have, or after a few seconds regardless.
const handlers = new Set<() => Promise<unknown>>();

/** Run `release` on Ctrl-C before the process exits; returns a function that unregisters it. */
export function onInterrupt(release: () => Promise<unknown>): () => void {
  handlers.add(release);
  return () => handlers.delete(release);
}

/** The SIGINT handler the CLI installs. */
export async function interrupted(exit: (code: number) => never): Promise<void> {
  const timeout = new Promise((resolve) => setTimeout(resolve, 5000).unref());
  await Promise.race([Promise.allSettled([...handlers].map((release) => release())), timeout]);
  exit(130);
}
