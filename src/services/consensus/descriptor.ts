import { ConsensusStage } from './stage';
import type { ConsensusService } from './service';
import type { ServiceDescriptor } from '../service-descriptor';
import { createDefaultConsensus } from './default-group';

/**
 * Consensus, as the runtime builds it: the group the caller gave, or (the default, where
 * BroadcastChannel exists) other tabs of this origin when 3+ are there, else 4 replicas in this page. It has one path (signatures on the CPU), so no
 * trial.
 */
export const consensusDescriptor: ServiceDescriptor<ConsensusService, ConsensusService | 'local' | false, 'consensus'> = {
  name: 'consensus',
  async prepare(given) {
    if (given === false) return undefined;
    let group: Awaited<ReturnType<typeof createDefaultConsensus>> | undefined;
    return {
      async create(_path, env) {
        if (given && given !== 'local') return given;
        if (typeof BroadcastChannel === 'undefined') return undefined;
        env.progress('starting a PBFT group (other tabs of this origin, else 4 replicas in this page)');
        group = await createDefaultConsensus({ tabs: given !== 'local' });
        return group.proposer;
      },
      stage: (service) => new ConsensusStage(service),
      // A group the caller gave is theirs to close.
      destroy: () => group?.close(),
    };
  },
};
