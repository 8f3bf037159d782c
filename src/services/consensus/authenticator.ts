import { hmac, type _HMAC } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

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
  /** Per peer, an HMAC state with the key already absorbed (cloned per MAC: two compressions saved). */
  private readonly states = new Map<number, _HMAC<ReturnType<typeof sha256.create>>>();
  /** Per direction, the MAC input: the header's bytes, then room for the digest. */
  private readonly inputs = new Map<string, { bytes: Uint8Array; at: number }>();
  private scratch: _HMAC<ReturnType<typeof sha256.create>> | undefined;
  private readonly out = new Uint8Array(32);
    /** MACs made and checked (for tests and metrics). */
  readonly work = { made: 0, checked: 0 };

  /**
   * The own entry is a MAC under a key only this replica holds, so it can check its own requests when
   * a primary hands them back inside a pre-prepare.
   */
  constructor(readonly self: number, readonly n: number, ownKey: Uint8Array = crypto.getRandomValues(new Uint8Array(32))) {
    this.states.set(self, hmac.create(sha256, ownKey) as _HMAC<ReturnType<typeof sha256.create>>);
  }

  /** Hex length of an authenticator for this group. */
  get length(): number {
    return this.n * MAC_HEX;
  }

  setKey(peer: number, key: Uint8Array): void {
    if (peer < 0 || peer >= this.n || peer === this.self) return;
    this.states.set(peer, hmac.create(sha256, key) as _HMAC<ReturnType<typeof sha256.create>>);
  }

  has(peer: number): boolean {
    return this.states.has(peer);
  }

  /** A key with every other member: only then can this replica authenticate a message to all. */
  ready(): boolean {
    return this.states.size === this.n;
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
    if (auth.length !== this.length || !this.states.has(from)) return false;
    this.work.checked++;
    const expected = this.entry(from, this.self, from, sha256(utf8ToBytes(text)));
    return constantTimeEqual(expected, auth.slice(this.self * MAC_HEX, (this.self + 1) * MAC_HEX));
  }

  /** The MAC binds the direction (from, to) as well as the digest, so an entry cannot be reflected back. */
  private entry(from: number, to: number, peer: number, digest: Uint8Array): string {
    this.work.made++;
    const state = this.states.get(peer);
    if (!state) return '0'.repeat(MAC_HEX);
    const key = `${from}|${to}`;
    let input = this.inputs.get(key);
    if (!input) {
      const header = utf8ToBytes(`aura-pbft-mac/1|${key}|`);
      input = { bytes: new Uint8Array(header.length + 32), at: header.length };
      input.bytes.set(header);
      this.inputs.set(key, input);
    }
    input.bytes.set(digest, input.at);
    // The keyed state is copied into one scratch object (no allocation per MAC), then finished.
    this.scratch = state._cloneInto(this.scratch);
    this.scratch.update(input.bytes).digestInto(this.out);
    return bytesToHex(this.out.subarray(0, MAC_HEX / 2));
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
