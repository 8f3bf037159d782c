import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { watchServer } from './server-process';

export const NATS_SERVER = process.env.AURA_NATS_SERVER ?? '/usr/sbin/nats-server';

export interface NatsProcess {
  url: string;
  port: number;
  /** SIGTERM, SIGKILL after 3 s; resolves when the server is gone. */
  stop(): Promise<void>;
}

export interface NatsOptions {
  /** Also listen for browsers (NATS over WebSocket, plain ws://) on this loopback port. */
  websocketPort?: number;
  readyMs?: number;
}

/**
 * Debian's nats-server with JetStream (file storage under `dir`) on a loopback port; the edge's event
 * stream. The WebSocket listener has no command-line flag, so the whole setting goes in a config file.
 */
export async function startNats(port: number, dir: string, options: NatsOptions = {}): Promise<NatsProcess> {
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'nats.conf');
  const websocket = options.websocketPort ? `websocket { host: "127.0.0.1", port: ${options.websocketPort}, no_tls: true }` : '';
  writeFileSync(config, `host: "127.0.0.1"\nport: ${port}\njetstream { store_dir: ${JSON.stringify(dir)} }\n${websocket}\n`);
  const child = spawn(NATS_SERVER, ['-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  const server = watchServer(child, `nats-server on port ${port}`);
  await server.until((output) => output.includes('Server is ready'), options.readyMs ?? 15_000);
  return { url: `nats://127.0.0.1:${port}`, port, stop: () => server.stop() };
}
