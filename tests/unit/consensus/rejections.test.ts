import { describe, expect, it } from 'vitest';
import { createLocalConsensusGroup } from '../../../src/services/consensus/default-group';
import { watchRejections, type RejectionEntry } from '../../../src/services/consensus/rejections';

describe('watchRejections (the consensus panel feed)', () => {
  it('reports each kind of rejected message, rate-limited, with running totals', async () => {
    const group = await createLocalConsensusGroup();
    let seen: RejectionEntry[] = [];
    const stop = watchRejections(group.proposer, (entries) => { seen = entries; });
    for (let k = 0; k < 50; k++) await group.proposer.deliverRaw('{"not":"pbft"');
    await group.proposer.deliverRaw({ from: 900, body: { t: 'prepare', view: 0, seq: 1, digest: '0'.repeat(64) }, sig: 'ab'.repeat(64) });
    const malformed = seen.find((e) => e.kind === 'malformed');
    // 50 malformed within a second: one notice (the first), not 50 updates.
    expect(malformed?.total).toBe(1);
    expect(malformed?.text).toMatch(/1 rejected: malformed/);
    expect(seen.some((e) => e.kind === 'unknownKey')).toBe(true);
    stop();
    await group.close();
  });
});
