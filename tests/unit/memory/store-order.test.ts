import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { MemoryService } from '../../../src/services/memory/index';

/** Ties go to the earlier-stored item, before and after a reload: a strictly increasing store order, kept in IndexedDB. */
describe('store order', () => {
  it('equal scores keep the order items were stored in, within a batch and across batches, after a reload too', async () => {
    const name = `order-${process.pid}`;
    const m = await MemoryService.open({ name, dimension: 2, backend: 'cpu' });
    await m.storeMany([
      { key: 'zeta', data: 1, vector: [1, 0] },
      { key: 'alpha', data: 2, vector: [1, 0] },
      { key: 'mid', data: 3, vector: [1, 0] },
    ]);
    await m.store({ key: 'beta', data: 4, vector: [1, 0] });
    const order = ['zeta', 'alpha', 'mid', 'beta'];
    expect((await m.query([1, 0], 4)).map((r) => r.key)).toEqual(order);
    await m.close();
    const again = await MemoryService.open({ name, dimension: 2, backend: 'cpu' });
    expect((await again.query([1, 0], 4)).map((r) => r.key)).toEqual(order);
    expect(again.keys()).toEqual(order);
    // The order goes on increasing after the reload.
    await again.store({ key: 'aaa', data: 5, vector: [1, 0] });
    expect((await again.query([1, 0], 5)).map((r) => r.key)).toEqual([...order, 'aaa']);
    await again.close();
  });
});
