import { spawn } from 'node:child_process';
import { Socket } from 'node:net';
import { watchServer } from './server-process';

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
  const server = watchServer(child, `redis-server on port ${port}`);
  await server.until(() => answers(port), options.readyMs ?? 10_000);
  return { url: `redis://127.0.0.1:${port}`, port, stop: () => server.stop() };
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
