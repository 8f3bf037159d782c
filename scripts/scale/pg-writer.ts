/**
 * `vite-node scripts/scale/pg-writer.ts -- <postgres url> <prefix>`: writes items to the shared store
 * four at a time, forever, printing `ack <key>` once each is acknowledged (durable). The durability
 * test SIGKILLs it mid-write and checks every acknowledged key is in PostgreSQL.
 */
import { PgMemoryStore } from '../../src/edge/pg-memory-store';

const [url, prefix] = process.argv.slice(2).filter((a) => a !== '--');
const store = await PgMemoryStore.open(url, { maxConnections: 4 });
let next = 0;
const writer = async () => {
  for (;;) {
    const key = `${prefix}-${next++}`;
    await store.remember({ key, data: { n: next, text: 'x'.repeat(200) }, embedding: [next, 1, 2, 3], conversation: `${prefix}-conv` }, 'writer');
    process.stdout.write(`ack ${key}\n`);
  }
};
await Promise.all([writer(), writer(), writer(), writer()]);
