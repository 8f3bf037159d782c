import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { HmacDigestKey } from './hmac-digest';

/**
 * PBFT's authenticators (Castro & Liskov, TOCS 2002, section 3.2): a vector of MACs, one per
 * replica, each over the message digest with the key the sender shares with that replica. A receiver
 * checks only its own entry. HMAC-SHA-256 truncated to 128 bits (as RFC 4868's HMAC-SHA-256-128).
 *
 * A MAC convinces its receiver only (either end of the pair could have made it), so a MAC'd message
 * is never handed on as proof: see node.ts for which messages are MAC'd and which stay signed.
 */
export const MAC_HEX = 32;

/** Message types that carry an authenticator on the hot path; the rest are only ever signed. */
export const MAC_TYPES: ReadonlySet<string> = new Set(['request', 'pre-prepare', 'prepare', 'commit']);

/** The pairwise MAC keys of one replica: peer id → key (32 bytes), set up by mac-keys.ts. */
export class PairwiseMacs {
  /** Per peer (this replica included), its key ready for MACs. */
  private readonly keys = new Map<number, HmacDigestKey>();
  /** MACs made and checked (for tests and metrics). */
  readonly work = { made: 0, checked: 0 };

  /**
   * The own entry is a MAC under a key only this replica holds, so it can check its own requests when
   * a primary hands them back inside a pre-prepare.
   */
  constructor(readonly self: number, readonly n: number, ownKey: Uint8Array = crypto.getRandomValues(new Uint8Array(32))) {
    this.keys.set(self, new HmacDigestKey(ownKey));
  }

  /** Hex length of an authenticator for this group. */
  get length(): number {
    return this.n * MAC_HEX;
  }

  setKey(peer: number, key: Uint8Array): void {
    if (peer < 0 || peer >= this.n || peer === this.self) return;
    this.keys.set(peer, new HmacDigestKey(key));
  }

  has(peer: number): boolean {
    return this.keys.has(peer);
  }

  /** A key with every other member: only then can this replica authenticate a message to all. */
  ready(): boolean {
    return this.keys.size === this.n;
  }

  /** The authenticator of `text` sent by this replica: one entry per replica. */
  authenticate(text: string): string {
    const digest = sha256(utf8ToBytes(text));
    let out = '';
    for (let to = 0; to < this.n; to++) out += this.entry(this.self, to, to, digest);
    return out;
  }

  /** Whether this replica's entry of `auth` is the MAC of `text` from `from`. */
  check(from: number, text: string, auth: string): boolean {
    if (auth.length !== this.length || !this.keys.has(from)) return false;
    this.work.checked++;
    const expected = this.entry(from, this.self, from, sha256(utf8ToBytes(text)));
    return constantTimeEqual(expected, auth.slice(this.self * MAC_HEX, (this.self + 1) * MAC_HEX));
  }

  /** The MAC binds the direction (from, to) as well as the digest, so an entry cannot be reflected back. */
  private entry(from: number, to: number, peer: number, digest: Uint8Array): string {
    this.work.made++;
    const key = this.keys.get(peer);
    return key ? key.mac128(from, to, digest) : '0'.repeat(MAC_HEX);
  }
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * The simulator's pairwise keys, derived from the scenario seed (as SimulatedSigner's secrets are):
 * the MACs themselves are real HMAC-SHA-256; only the key setup (mac-keys.ts, tested on its own) is skipped.
 */
export function simulatedMacs(self: number, n: number, seed: string): PairwiseMacs {
  const macs = new PairwiseMacs(self, n, simulatedPairKey(seed, self, self));
  for (let peer = 0; peer < n; peer++) if (peer !== self) macs.setKey(peer, simulatedPairKey(seed, self, peer));
  return macs;
}

/** The simulator's key of the pair (a, b). */
export function simulatedPairKey(seed: string, a: number, b: number): Uint8Array {
  return sha256(utf8ToBytes(`sim-mac|${seed}|${Math.min(a, b)}|${Math.max(a, b)}`));
}
