import type { ChildProcess } from 'node:child_process';

/** A server process a test started: its output so far, a wait until it is ready, and a bounded stop. */
export function watchServer(child: ChildProcess, name: string) {
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  let spawnError: Error | undefined;
  child.once('error', (e) => (spawnError = e));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    output: () => output,
    /** Polls `ready` until it holds; throws with the server's output if it cannot start, exits, or `readyMs` passes. */
    async until(ready: (output: string) => boolean | Promise<boolean>, readyMs: number, pollMs = 50): Promise<void> {
      const started = Date.now();
      while (!(await ready(output))) {
        if (spawnError) throw new Error(`${name} did not start (${spawnError.message}): run npm run setup:system`);
        if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}):\n${output}`);
        if (Date.now() - started > readyMs) {
          child.kill('SIGKILL');
          throw new Error(`${name} was not ready within ${readyMs} ms:\n${output}`);
        }
        await new Promise((r) => setTimeout(r, pollMs));
      }
    },
    /** `signal`, then SIGKILL after `graceMs`; resolves when the process is gone. */
    async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 3000): Promise<void> {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
