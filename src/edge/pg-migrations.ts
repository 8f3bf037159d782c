import type { Pool } from 'pg';

/**
 * The shared store's schema, one migration per step, applied in order and recorded in
 * aura_migrations. Every node runs them at start; an advisory lock makes the first one apply them
 * and the others wait, and a step already recorded is skipped. Never edit a shipped step: add one.
 */
export const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'memory items, embeddings, shape signatures, plans',
    sql: `
      CREATE TABLE memory_items (
        key          text PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 512),
        data         jsonb NOT NULL,
        embedding    real[],
        shape_signature real[],
        conversation text,
        node         text NOT NULL,
        stored_at    timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX memory_items_conversation ON memory_items (conversation, stored_at) WHERE conversation IS NOT NULL;
      CREATE TABLE backend_plans (
        adapter    text NOT NULL,
        model      text NOT NULL,
        plan       jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (adapter, model)
      );`,
  },
  {
    version: 2,
    name: 'typed edges between memories',
    sql: `
      CREATE TYPE memory_edge_kind AS ENUM ('stored_after', 'similar_embedding', 'similar_shape', 'same_conversation');
      CREATE TABLE memory_edges (
        src    text NOT NULL REFERENCES memory_items (key) ON DELETE CASCADE,
        dst    text NOT NULL REFERENCES memory_items (key) ON DELETE CASCADE,
        kind   memory_edge_kind NOT NULL,
        weight real NOT NULL DEFAULT 1,
        PRIMARY KEY (src, dst, kind),
        CHECK (src <> dst)
      );
      CREATE INDEX memory_edges_dst ON memory_edges (dst);`,
  },
];

const LOCK_ID = 0x41555241; // 'AURA'

/** Applies the migrations not yet recorded; returns the versions it applied. */
export async function migrate(pool: Pool): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_ID]);
    await client.query('CREATE TABLE IF NOT EXISTS aura_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM aura_migrations')).rows.map((r) => r.version));
    const applied: number[] = [];
    for (const step of MIGRATIONS) {
      if (done.has(step.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(step.sql);
        await client.query('INSERT INTO aura_migrations (version, name) VALUES ($1, $2)', [step.version, step.name]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      applied.push(step.version);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_ID]).catch(() => {});
    client.release();
  }
}
