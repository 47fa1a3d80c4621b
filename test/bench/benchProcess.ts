// The processes a benchmark starts (upstream, forwarder, engine): each is spawned with this
// Node, reports readiness as its first stdout line, and is stopped by PID when the run ends,
// however it ends.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

const children: ChildProcess[] = [];

/** Starts `node …args` and resolves with its first stdout line; rejects if it exits first. */
export function startChild(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve({ child, line }));
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}`)));
  });
}

/** Runs a benchmark's `main`, reports its failure as the exit code, then stops every child. */
export function runBench(main: () => Promise<void>): void {
  main()
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    })
    .finally(() => {
      for (const child of children) child.kill('SIGTERM');
    });
}
