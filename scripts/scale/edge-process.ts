import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** An edge node running as its own process (`src/edge/main.ts` under vite-node), as `npm run edge` starts it. */
export interface EdgeProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything the node printed so far. */
  log(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL at once: a crash. */
  kill(): Promise<void>;
}

const ROOT = join(import.meta.dirname, '..', '..');

/** Starts `npm run edge -- <args>` without the system check (tests run it once) and waits for "edge node on". */
export async function startEdgeProcess(port: number, args: readonly string[], options: { readyMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<EdgeProcess> {
  const child = spawn(join(ROOT, 'node_modules/.bin/vite-node'), ['src/edge/main.ts', '--', '--port', String(port), '--signaling-port', 'off', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const stop = async (graceMs = 5000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  const readyMs = options.readyMs ?? 90_000;
  const started = Date.now();
  while (!output.includes('edge node on')) {
    if (child.exitCode !== null) throw new Error(`the edge node on port ${port} exited (${child.exitCode}):\n${output}`);
    if (Date.now() - started > readyMs) {
      await stop(0);
      throw new Error(`the edge node on port ${port} did not start within ${readyMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    log: () => output,
    stop,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}
