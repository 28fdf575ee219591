// Run the mailshift CLI on a pseudo-terminal, as an operator at a prompt does: util-linux
// `script` gives the child a terminal for stdin and stdout; the test types once the output shows
// what it waits for (Ctrl-C is "\u0003", Enter is "\r"). Output comes back as the terminal got
// it: echoed input included, line ends as "\r\n".
import { execFileSync, spawn } from 'node:child_process';
import { BIN, REPO, type CliResult } from './cli.ts';

/** Whether `script` (util-linux) is on the machine. */
export function hasScript(): boolean {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Spawn `mailshift ...args` on a terminal; `type` is written once the output matches `when`. Rejects after `timeoutMs`. */
export function runOnTerminal(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; when: RegExp | string; type: string; timeoutMs?: number },
): Promise<CliResult> {
  const command = [process.execPath, BIN, ...args].map(shellQuote).join(' ');
  return new Promise((resolve, reject) => {
    // -e: script exits with the command's exit code; /dev/null: no typescript file.
    const child = spawn('script', ['-q', '-e', '-c', `stty cols 200; exec ${command}`, '/dev/null'], {
      cwd: REPO,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    let typed = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no exit within ${options.timeoutMs ?? 60_000} ms; output so far:\n${output}`));
    }, options.timeoutMs ?? 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const seen = typeof options.when === 'string' ? output.includes(options.when) : options.when.test(output);
      if (!typed && seen) {
        typed = true;
        child.stdin.write(options.type);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: output, stderr: '', output });
    });
  });
}
