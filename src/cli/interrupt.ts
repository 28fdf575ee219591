// Ctrl-C and SIGTERM. A command that can wind its work down (apply) registers how to ask it to:
// the first signal does, and the command itself returns 130 once its work has settled. Without
// one, or on a second signal, the process exits with 130 at once.
const stops = new Set<() => void>();
let signalled = false;

/** Run `stop` on the first Ctrl-C / SIGTERM instead of exiting; returns a function that unregisters it. */
export function onStopRequest(stop: () => void): () => void {
  stops.add(stop);
  return () => stops.delete(stop);
}

/** The SIGINT / SIGTERM handler the CLI installs, for every such signal. */
export function interrupted(exit: (code: number) => never): void {
  if (signalled || stops.size === 0) exit(130);
  signalled = true;
  for (const stop of stops) stop();
}
