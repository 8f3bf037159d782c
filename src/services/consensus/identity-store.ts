import { createStore, get, set, type UseStore } from 'idb-keyval';
import { generateEd25519Identity, type Ed25519Identity } from './signer';

/**
 * A replica's Ed25519 identity kept in IndexedDB (idb-keyval): the private key is a non-extractable
 * CryptoKey, stored as such (structured clone), so page script can sign with it but never read it.
 * A reloaded tab gets the same key back, so it rejoins as the same replica and catches up by state
 * transfer; it starts a new client session, which the replicas' session limits absorb.
 */
let store: UseStore | null = null;
const keysStore = (): UseStore => (store ??= createStore('aura-consensus', 'identities'));

interface StoredIdentity { privateKey: CryptoKey; publicKeyHex: string }

export async function loadOrCreateIdentity(name = 'default'): Promise<Ed25519Identity & { created: boolean }> {
  const stored = await get<StoredIdentity>(name, keysStore());
  if (stored && typeof stored.publicKeyHex === 'string' && stored.privateKey?.type === 'private' && !stored.privateKey.extractable) {
    return { privateKey: stored.privateKey, publicKeyHex: stored.publicKeyHex, created: false };
  }
  const fresh = await generateEd25519Identity(false);
  await set(name, { privateKey: fresh.privateKey, publicKeyHex: fresh.publicKeyHex } satisfies StoredIdentity, keysStore());
  return { ...fresh, created: true };
}
