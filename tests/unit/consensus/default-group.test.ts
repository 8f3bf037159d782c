import { describe, expect, it } from 'vitest';
import { createLocalConsensusGroup } from '../../../src/services/consensus/default-group';

describe('the in-page consensus group', () => {
  it('says it tolerates no fault (all four replicas share this process), though n = 4 gives f = 1', async () => {
    const group = await createLocalConsensusGroup();
    try {
      const status = group.proposer.status();
      expect(status.replicas).toBe(4);
      expect(status.f).toBe(1);
      expect(status.faultsTolerated).toBe(0);
    } finally {
      await group.close();
    }
  });
});
