import { spawn } from 'node:child_process';
import { Socket } from 'node:net';

export const REDIS_SERVER = process.env.AURA_REDIS_SERVER ?? '/usr/bin/redis-server';

export interface RedisProcess {
  url: string;
  port: number;
  /** SIGTERM, SIGKILL after 3 s; resolves when the server is gone. */
  stop(): Promise<void>;
}

/**
 * Debian's redis-server on a loopback port, in memory only (no RDB, no AOF), with a memory budget
 * and Redis's own LFU eviction over every key: the shared hot tier of the edge memory.
 */
export async function startRedis(port: number, options: { maxmemory?: string; dir: string; readyMs?: number }): Promise<RedisProcess> {
  const child = spawn(REDIS_SERVER, [
    '--bind', '127.0.0.1', '--port', String(port), '--dir', options.dir,
    '--save', '', '--appendonly', 'no', '--protected-mode', 'yes',
    '--maxmemory', options.maxmemory ?? '64mb', '--maxmemory-policy', 'allkeys-lfu',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started = Date.now();
  while (!(await answers(port))) {
    if (child.exitCode !== null) throw new Error(`redis-server on port ${port} exited (${child.exitCode}):\n${output}`);
    if (Date.now() - started > (options.readyMs ?? 10_000)) {
      child.kill('SIGKILL');
      throw new Error(`redis-server on port ${port} did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.write('PING\r\n');
    });
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}
