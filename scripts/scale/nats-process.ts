import { spawn } from 'node:child_process';

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
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started = Date.now();
  while (!output.includes('Server is ready')) {
    if (child.exitCode !== null) throw new Error(`nats-server on port ${port} exited (${child.exitCode}):\n${output}`);
    if (Date.now() - started > readyMs) {
      child.kill('SIGKILL');
      throw new Error(`nats-server on port ${port} did not start within ${readyMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `nats://127.0.0.1:${port}`,
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
