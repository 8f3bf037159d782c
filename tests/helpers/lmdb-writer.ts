/**
 * A writer process for the kill test: stores items one batch at a time in an LMDB-backed memory and
 * prints `ack <key>` after each batch's promise resolves, until it is killed.
 * vite-node tests/helpers/lmdb-writer.ts -- <dir> <name>
 */
import { lmdbStore } from '../../src/edge/lmdb-tier';
import { MemoryService } from '../../src/services/memory/memory-service';

const [dir, name] = process.argv.slice(2).filter((a) => a !== '--');
const memory = await MemoryService.open({ name, dimension: 2, backend: 'cpu', l2Store: lmdbStore(dir) });
for (let i = 0; ; i++) {
  const batch = [0, 1, 2].map((j) => ({ key: `k-${i}-${j}`, data: new Uint8Array(2048).fill((i + j) & 255), vector: [i, j] }));
  await memory.storeMany(batch);
  process.stdout.write(`ack ${i}\n`);
}
