import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { nginxConfig, type NginxConfig } from './nginx-config';

export const NGINX = process.env.AURA_NGINX ?? '/usr/sbin/nginx';
/** deploy/nginx/blob-put.js, the njs handler that checks a blob's hash before storing it. */
export const BLOB_PUT_JS = join(import.meta.dirname, '..', '..', 'deploy', 'nginx', 'blob-put.js');

export interface NginxProcess {
  configText: string;
  log(): string;
  stop(): Promise<void>;
}

/** Starts Debian's nginx in the foreground with `config` (written under config.prefix) and waits until its ports accept connections. */
export async function startNginx(config: Omit<NginxConfig, 'njsScript' | 'workerUser'>, readyMs = 10_000): Promise<NginxProcess> {
  mkdirSync(config.prefix, { recursive: true });
  if (config.blobStore) mkdirSync(config.blobStore.root, { recursive: true });
  const text = nginxConfig({ ...config, njsScript: BLOB_PUT_JS, workerUser: process.getuid?.() === 0 ? 'root' : undefined });
  const file = join(config.prefix, 'nginx.conf');
  writeFileSync(file, text);
  const child = spawn(NGINX, ['-p', config.prefix, '-c', file, '-e', 'stderr'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const listens = [config.blobStore?.listen, config.balancer?.listen].filter((l): l is string => !!l);
  const started = Date.now();
  for (const listen of listens) {
    while (!(await accepts(listen))) {
      const failed = await Promise.race([spawnError, new Promise<null>((r) => setTimeout(() => r(null), 50))]);
      if (failed) throw new Error(`${NGINX} did not start (${failed.message}): run npm run setup:system`);
      if (child.exitCode !== null || Date.now() - started > readyMs) {
        child.kill('SIGKILL');
        throw new Error(`nginx did not come up on ${listen}:\n${output}`);
      }
    }
  }
  return {
    configText: text,
    log: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGQUIT'); // graceful: finishes the requests in flight
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function accepts(listen: string): Promise<boolean> {
  const [host, port] = listen.split(':');
  return new Promise((resolve) => {
    const socket = connect(Number(port), host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
