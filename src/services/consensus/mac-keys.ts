import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import type { PairwiseMacs } from './authenticator';
import type { MacKeyBody } from './messages';

const X25519 = { name: 'X25519' } as const;

/**
 * Pairwise MAC keys from the members' signed keys: each replica makes an X25519 key pair and sends
 * its public key in a MAC-KEY message signed with its Ed25519 identity (checked like every signed
 * message, so no one can speak for a member); X25519 (WebCrypto) gives each pair a shared secret, and
 * HKDF-SHA-256 over it, bound to both ids and both public keys, gives the pair's MAC key.
 *
 * A restarted replica makes a new pair with a later epoch (time-based, so it grows across reloads);
 * per member only a later epoch replaces a key, so a replayed old MAC-KEY is refused.
 */
export class MacKeyExchange {
  private readonly peers = new Map<number, { epoch: number; key: string }>();
  private readonly pair: Promise<{ privateKey: CryptoKey; publicKeyHex: string }>;

  constructor(readonly macs: PairwiseMacs, readonly epoch = Date.now()) {
    this.pair = (async () => {
      const pair = (await crypto.subtle.generateKey(X25519, false, ['deriveBits'])) as CryptoKeyPair;
      const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
      return { privateKey: pair.privateKey, publicKeyHex: bytesToHex(raw) };
    })();
    // Without X25519 in this WebCrypto the replica never announces a key and keeps signing everything.
    this.pair.catch(() => undefined);
  }

  /** This replica's MAC-KEY body (the node signs it); `ask` requests the receiver's key in return. */
  async offer(ask: boolean): Promise<MacKeyBody> {
    return { t: 'mac-key', key: (await this.pair).publicKeyHex, epoch: this.epoch, ask };
  }

  /**
   * A MAC-KEY whose Ed25519 signature the node has verified: 'new' when it set (or replaced) the
   * pair's key, 'same' when it repeats the key in use, 'stale' when an older epoch (or another key at
   * the same epoch) is refused, 'invalid' when the key is not an X25519 point WebCrypto accepts.
   */
  async accept(from: number, body: MacKeyBody): Promise<'new' | 'same' | 'stale' | 'invalid' | 'unsupported'> {
    const known = this.peers.get(from);
    if (known && (body.epoch < known.epoch || (body.epoch === known.epoch && body.key !== known.key))) return 'stale';
    if (known && body.epoch === known.epoch) return 'same';
    let secret: Uint8Array;
    const own = await this.pair.catch(() => null);
    if (!own) return 'unsupported';
    try {
      const peer = await crypto.subtle.importKey('raw', hexToBytes(body.key), X25519, false, []);
      secret = new Uint8Array(await crypto.subtle.deriveBits({ name: 'X25519', public: peer }, own.privateKey, 256));
    } catch {
      return 'invalid';
    }
    // A later accept for this peer may have finished first (two offers in flight): keep the latest.
    const now = this.peers.get(from);
    if (now && now.epoch >= body.epoch) return now.key === body.key ? 'same' : 'stale';
    const self = this.macs.self;
    const [lo, hi] = self < from ? [[self, own.publicKeyHex], [from, body.key]] : [[from, body.key], [self, own.publicKeyHex]];
    const info = utf8ToBytes(`aura-pbft-mac/1|${lo[0]}:${lo[1]}|${hi[0]}:${hi[1]}`);
    this.macs.setKey(from, hkdf(sha256, secret, utf8ToBytes('aura-pbft-mac/1'), info, 32));
    this.peers.set(from, { epoch: body.epoch, key: body.key });
    return 'new';
  }
}
