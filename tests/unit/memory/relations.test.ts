import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { indexedDbRelationStore, inMemoryRelationStore, MAX_RELATIONS_PER_ITEM, MemoryRelations, type RelationStore } from '../../../src/services/memory/relations';

let n = 0;
const stores: Array<[string, () => RelationStore]> = [
  ['IndexedDB', () => indexedDbRelationStore(`relations-test-${Date.now()}-${n++}`)],
  ['in memory', () => inMemoryRelationStore()],
];

describe.each(stores)('relations between memories (%s)', (_name, makeStore) => {
  it('neighbours to depth 2 follow typed edges both ways, each item once at its shortest depth (as the edge\'s PostgreSQL query)', async () => {
    // c1 → c2 → c3 stored one after another; x similar to c3 by embedding; y similar to x by shape; z unrelated.
    const r = new MemoryRelations(makeStore());
    await r.link([{ src: 'c2', dst: 'c1', kind: 'stored_after' }, { src: 'c3', dst: 'c2', kind: 'stored_after' }]);
    await r.link([{ src: 'x', dst: 'c3', kind: 'similar_embedding', weight: 0.93 }, { src: 'y', dst: 'x', kind: 'similar_shape', weight: 0.8 }]);
    const near = await r.neighbours('c3', 2);
    expect(near.map((m) => [m.key, m.depth])).toEqual([['c2', 1], ['x', 1], ['c1', 2], ['y', 2]]);
    expect(near.find((m) => m.key === 'y')!.via).toEqual(['similar_embedding', 'similar_shape']);
    expect((await r.neighbours('c2', 1, ['stored_after'])).map((m) => m.key)).toEqual(['c1', 'c3']);
    expect(await r.neighbours('c1', 1, ['similar_shape'])).toEqual([]);
    expect(await r.neighbours('z', 2)).toEqual([]);
  });

  it('refuses bad input with typed errors', async () => {
    const r = new MemoryRelations(makeStore());
    expect(() => r.link([{ src: 'a', dst: 'a', kind: 'stored_after' }])).toThrow(/to itself/);
    expect(() => r.link([{ src: 'a', dst: 'b', kind: 'likes' as 'stored_after' }])).toThrow(/unknown relation kind/);
    expect(() => r.link([{ src: 'a', dst: 'b', kind: 'similar_shape', weight: Number.NaN }])).toThrow(/weight/);
    expect(() => r.link([{ src: '', dst: 'b', kind: 'similar_shape' }])).toThrow();
    for (const depth of [0, 5, 1.5]) await expect(r.neighbours('a', depth)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('a link again replaces its weight; an item keeps its heaviest edges only', async () => {
    const r = new MemoryRelations(makeStore());
    await r.link([{ src: 'a', dst: 'b', kind: 'similar_embedding', weight: 0.5 }]);
    await r.link([{ src: 'b', dst: 'a', kind: 'similar_embedding', weight: 0.9 }]);
    expect(await r.neighbours('a', 1)).toEqual([{ key: 'b', depth: 1, via: ['similar_embedding'] }]);
    const many = Array.from({ length: MAX_RELATIONS_PER_ITEM + 8 }, (_, i) => ({ src: 'hub', dst: `k${String(i).padStart(2, '0')}`, kind: 'similar_embedding' as const, weight: i }));
    await r.link(many);
    const kept = (await r.neighbours('hub', 1)).map((m) => m.key).sort();
    expect(kept).toEqual(many.slice(8).map((e) => e.dst).sort());
  });

  it('concurrent links that touch one item all land; forget removes both ends', async () => {
    const r = new MemoryRelations(makeStore());
    await Promise.all(Array.from({ length: 20 }, (_, i) => r.link([{ src: `n${i}`, dst: 'hub', kind: 'same_conversation' }])));
    expect((await r.neighbours('hub', 1)).length).toBe(20);
    await r.forget(['hub']);
    expect(await r.neighbours('hub', 1)).toEqual([]);
    expect(await r.neighbours('n3', 1)).toEqual([]);
  });
});

it('relations in IndexedDB outlive the object that wrote them (a reload)', async () => {
  const name = `relations-reload-${Date.now()}`;
  await new MemoryRelations(indexedDbRelationStore(name)).link([{ src: 'a', dst: 'b', kind: 'stored_after' }]);
  expect(await new MemoryRelations(indexedDbRelationStore(name)).neighbours('b', 1)).toEqual([{ key: 'a', depth: 1, via: ['stored_after'] }]);
});
