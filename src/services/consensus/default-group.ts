import { createConsensus, type ConsensusService } from './service';
import { BroadcastChannelTransport } from './broadcast-transport';
import { loadOrCreateIdentity } from './identity-store';
import { generateEd25519Identity } from './signer';
import { joinTabGroup } from './tab-group';

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
    createConsensus({ id, members, privateKey: identity.privateKey, transport: new BroadcastChannelTransport(id, channel), allInOnePlace: true }),
  );
  return {
    proposer: group[0],
    close: async () => {
      await Promise.all(group.map((replica) => replica.close()));
    },
  };
}

/**
 * The default group: in a page with at least 3 other tabs of this origin running AURA, one replica per
 * tab (its key kept in IndexedDB under a name this tab keeps in sessionStorage, so a reload rejoins as
 * the same replica), which tolerates f faulty tabs; otherwise the in-page group (`inPage`: no fault
 * tolerated, and answers say so).
 */
export async function createDefaultConsensus({ tabs = true } = {}): Promise<{ proposer: ConsensusService; inPage: boolean; close(): Promise<void> }> {
  if (tabs && typeof document !== 'undefined' && typeof indexedDB !== 'undefined' && typeof sessionStorage !== 'undefined') {
    const slot = 'aura-consensus-tab';
    const name = sessionStorage.getItem(slot) ?? `tab-${crypto.randomUUID()}`;
    sessionStorage.setItem(slot, name);
    const identity = await loadOrCreateIdentity(name).catch(() => generateEd25519Identity());
    const tabs = await joinTabGroup({ identity, channel: 'aura-tabs' });
    if (tabs) return { proposer: tabs.service, inPage: false, close: () => tabs.close() };
  }
  const local = await createLocalConsensusGroup();
  return { ...local, inPage: true };
}
