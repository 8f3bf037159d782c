import { describe, expect, it } from 'vitest';
import { generateEd25519Identity } from '../../../src/services/consensus/signer';
import { joinTabGroup, type TabGroup } from '../../../src/services/consensus/tab-group';

/** Tabs of one origin (BroadcastChannel, here within one Node process) forming a group from a signed roster. */
describe('joinTabGroup', () => {
  const tabs = (count: number) => Promise.all(Array.from({ length: count }, () => generateEd25519Identity()));

  it('4 tabs agree on one roster and decide together; a reloaded tab rejoins as the same replica', async () => {
    const ids = await tabs(4);
    const channel = `tabs-${crypto.randomUUID()}`;
    const groups = await Promise.all(ids.map((identity) => joinTabGroup({ identity, channel, waitMs: 150 })));
    expect(groups.every((g) => g !== null)).toBe(true);
    const joined = groups as TabGroup[];
    expect(new Set(joined.map((g) => JSON.stringify(g.roster))).size).toBe(1);
    expect(joined.map((g) => g.id).sort()).toEqual([0, 1, 2, 3]);
    const r = await joined[1].service.propose('across tabs', { timeoutMs: 5_000 });
    expect(r.value).toBe('across tabs');
    expect(joined[1].service.status().f).toBe(1);
    expect(joined[1].service.status().faultsTolerated).toBe(1);

    // Reload: the tab closes and comes back with the same key; it gets the adopted roster from the others.
    await joined[2].close();
    const again = await joinTabGroup({ identity: ids[2], channel, waitMs: 150 });
    expect(again?.id).toBe(joined[2].id);
    const after = await joined[0].service.propose('after reload', { timeoutMs: 5_000 });
    expect(after.value).toBe('after reload');
    await Promise.all([...joined.filter((_, k) => k !== 2), again!].map((g) => g.close()));
  }, 30_000);

  it('with 3 tabs no group forms (PBFT needs 4), so the caller falls back to its in-page group', async () => {
    const channel = `tabs-${crypto.randomUUID()}`;
    const groups = await Promise.all((await tabs(3)).map((identity) => joinTabGroup({ identity, channel, waitMs: 100 })));
    expect(groups).toEqual([null, null, null]);
  });

  it('with 5 tabs, the first 4 keys (sorted) form the group and the fifth is left out', async () => {
    const ids = await tabs(5);
    const channel = `tabs-${crypto.randomUUID()}`;
    const groups = await Promise.all(ids.map((identity) => joinTabGroup({ identity, channel, waitMs: 150 })));
    const left = [...ids].sort((a, b) => (a.publicKeyHex < b.publicKeyHex ? -1 : 1))[4];
    groups.forEach((g, k) => expect(g === null).toBe(ids[k] === left));
    await Promise.all(groups.map((g) => g?.close()));
  }, 30_000);
});
