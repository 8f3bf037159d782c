import { createConsensus, type ConsensusService } from '../services/consensus/service';
import { BroadcastChannelTransport } from '../services/consensus/broadcast-transport';
import { generateEd25519Identity } from '../services/consensus/signer';

/**
 * A PBFT group of n = 3f+1 replicas inside this page or process, over a BroadcastChannel of its own
 * and with fresh Ed25519 keys: real agreement and real signatures, for a runtime that has no tabs
 * or peers to agree with. Replica 0 is the one the pipeline proposes through.
 */
export async function createLocalConsensusGroup(replicas = 4): Promise<{ proposer: ConsensusService; close(): Promise<void> }> {
  const identities = await Promise.all(Array.from({ length: replicas }, () => generateEd25519Identity()));
  const members = identities.map((id) => id.publicKeyHex);
  const channel = `aura-local-consensus-${crypto.randomUUID()}`;
  const group = identities.map((identity, id) =>
    createConsensus({ id, members, privateKey: identity.privateKey, transport: new BroadcastChannelTransport(id, channel) }),
  );
  return {
    proposer: group[0],
    close: async () => {
      await Promise.all(group.map((replica) => replica.close()));
    },
  };
}
