import { spawn } from 'node:child_process';
import { watchServer } from './server-process';

export const NATS_SERVER = process.env.AURA_NATS_SERVER ?? '/usr/sbin/nats-server';

export interface NatsProcess {
  url: string;
  port: number;
  /** SIGTERM, SIGKILL after 3 s; resolves when the server is gone. */
  stop(): Promise<void>;
}

/** Debian's nats-server with JetStream (file storage under `dir`) on a loopback port; the edge's event stream. */
export async function startNats(port: number, dir: string, readyMs = 15_000): Promise<NatsProcess> {
  const child = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const server = watchServer(child, `nats-server on port ${port}`);
  await server.until((output) => output.includes('Server is ready'), readyMs);
  return { url: `nats://127.0.0.1:${port}`, port, stop: () => server.stop() };
}
