import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { watchServer } from './server-process';
import { userInfo } from 'node:os';

export const PG_BIN = process.env.AURA_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PostgresProcess {
  /** postgres://aura@127.0.0.1:<port>/aura */
  url: string;
  port: number;
  /** Fast shutdown (SIGINT), SIGKILL after 5 s. */
  stop(): Promise<void>;
}

/**
 * Debian's PostgreSQL 15 in its own cluster under `dir` (initdb, trust on loopback), on a loopback
 * port, with the database `aura`. PostgreSQL refuses to run as root: as root it runs as the
 * `postgres` user the package made. fsync stays on: an acknowledged commit is on disk.
 */
export async function startPostgres(port: number, dir: string, readyMs = 30_000): Promise<PostgresProcess> {
  const asUser = userInfo().uid === 0 ? pgUser() : undefined;
  mkdirSync(dir, { recursive: true });
  if (asUser) {
    chownSync(dir, asUser.uid, asUser.gid);
    chmodSync(dirname(dir), 0o711); // the postgres user passes through the (0700) test folder to its own
  }
  const init = spawnSync(`${PG_BIN}/initdb`, ['-D', dir, '-U', 'aura', '-A', 'trust', '--no-instructions', '-E', 'UTF8'], { ...asUser, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed:\n${init.stdout}${init.stderr}`);
  const child = spawn(`${PG_BIN}/postgres`, ['-D', dir, '-h', '127.0.0.1', '-p', String(port), '-k', dir, '-c', 'max_connections=50'], { ...asUser, stdio: ['ignore', 'pipe', 'pipe'] });
  const server = watchServer(child, `postgres on port ${port}`);
  await server.until((output) => output.includes('ready to accept connections'), readyMs, 100);
  const created = spawnSync(`${PG_BIN}/createdb`, ['-h', '127.0.0.1', '-p', String(port), '-U', 'aura', 'aura'], { encoding: 'utf8' });
  if (created.status !== 0) throw new Error(`createdb failed: ${created.stderr}`);
  return {
    url: `postgres://aura@127.0.0.1:${port}/aura`,
    port,
    stop: () => server.stop('SIGINT', 5000),
  };
}

function pgUser(): { uid: number; gid: number } {
  const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (id.status !== 0) throw new Error('running as root and there is no postgres user: install postgresql-15 (scripts/ensure-system.sh)');
  return { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
}
