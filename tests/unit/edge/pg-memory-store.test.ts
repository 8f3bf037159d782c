import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresProcess } from '../../../scripts/scale/postgres-process';
import { MIGRATIONS, migrate } from '../../../src/edge/pg-migrations';
import { PgMemoryStore } from '../../../src/edge/pg-memory-store';

const PG_PORT = 41820;
const ROOT = join(import.meta.dirname, '..', '..', '..');

describe('PostgreSQL as the shared durable store of the edge memory', () => {
  const root = mkdtempSync(join(tmpdir(), 'aura-pg-'));
  let postgres: PostgresProcess;
  let store: PgMemoryStore;
  beforeAll(async () => {
    postgres = await startPostgres(PG_PORT, join(root, 'cluster'));
    store = await PgMemoryStore.open(postgres.url);
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await postgres?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('applies its migrations once, recorded in aura_migrations; a second node applies none', async () => {
    const pool = new pg.Pool({ connectionString: postgres.url, max: 1 });
    expect(await migrate(pool)).toEqual([]);
    const { rows } = await pool.query('SELECT version FROM aura_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    const tables = (await pool.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).rows.map((r) => r.tablename);
    expect(tables).toEqual(['aura_migrations', 'backend_plans', 'memory_edges', 'memory_items']);
    await pool.end();
  });

  it('round-trips an item with its embedding and shape signature', async () => {
    await store.remember({ key: 'a', data: { text: 'hello' }, embedding: [0.5, -1, 2], shapeSignature: [1, 0.25] }, 'node-0');
    expect(await store.get('a')).toEqual({ key: 'a', data: { text: 'hello' }, embedding: [0.5, -1, 2], shapeSignature: [1, 0.25], conversation: undefined });
    expect(await store.get('nothing')).toBeUndefined();
  });

  it('backend plans are shared by the nodes through backend_plans; a stored value that is not a plan is ignored', async () => {
    const key = 'dawn|google|swiftshader|||fallback#lnn#cfc-64';
    const plan = { path: 'cpu' as const, why: 'measured' as const, gpuMs: 4.5, cpuMs: 1.25 };
    await store.planStore().save(key, plan);
    const other = await PgMemoryStore.open(postgres.url);
    try {
      expect(await other.planStore().load(key)).toEqual(plan);
      expect(await other.planStore().load(key.replace('lnn', 'snn'))).toBeUndefined();
      const pool = new pg.Pool({ connectionString: postgres.url, max: 1 });
      await pool.query("UPDATE backend_plans SET plan = '{\"path\": \"quantum\"}' WHERE model = 'lnn#cfc-64'");
      await pool.end();
      expect(await other.planStore().load(key)).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('neighbours to depth 2 follow typed edges both ways, each item once at its shortest depth', async () => {
    // c1 → c2 → c3 in one conversation; x similar to c3 by embedding; y similar to x by shape; z unrelated.
    for (const key of ['c1', 'c2', 'c3']) await store.remember({ key, data: key, conversation: 'talk' }, 'node-0');
    for (const key of ['x', 'y', 'z']) await store.remember({ key, data: key }, 'node-1');
    await store.link([{ src: 'x', dst: 'c3', kind: 'similar_embedding', weight: 0.93 }, { src: 'y', dst: 'x', kind: 'similar_shape', weight: 0.8 }]);
    const near = await store.neighbours('c3', 2);
    expect(near.map((n) => [n.key, n.depth])).toEqual([['c1', 1], ['c2', 1], ['x', 1], ['y', 2]]);
    expect(near.find((n) => n.key === 'x')!.via).toEqual(['similar_embedding']);
    expect(near.find((n) => n.key === 'y')!.via).toEqual(['similar_embedding', 'similar_shape']);
    const c2 = await store.neighbours('c2', 1, ['stored_after']);
    expect(c2.map((n) => n.key)).toEqual(['c1', 'c3']);
    expect((await store.neighbours('z', 2)).length).toBe(0);
    await expect(store.neighbours('c3', 9)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(store.link([{ src: 'x', dst: 'y', kind: 'likes' as 'similar_shape' }])).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('a writer SIGKILLed mid-write loses no acknowledged item', async () => {
    const child = spawn(join(ROOT, 'node_modules/.bin/vite-node'), ['scripts/scale/pg-writer.ts', '--', postgres.url, 'w'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: string[] = [];
    let err = '';
    let buffered = '';
    child.stdout!.on('data', (d) => {
      buffered += d;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) if (line.startsWith('ack ')) acked.push(line.slice(4));
    });
    child.stderr!.on('data', (d) => (err += d));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const started = Date.now();
    while (acked.length < 200) {
      if (child.exitCode !== null) throw new Error(`the writer exited: ${err}`);
      if (Date.now() - started > 60_000) throw new Error(`the writer acknowledged only ${acked.length} in 60 s: ${err}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await exited;
    const stored = new Set(await store.keys());
    const lost = acked.filter((key) => !stored.has(key));
    console.log(`writer killed after ${acked.length} acknowledged writes; ${[...stored].filter((k) => k.startsWith('w-')).length} w-items stored; lost ${lost.length}`);
    expect(lost).toEqual([]);
  }, 90_000);
});
