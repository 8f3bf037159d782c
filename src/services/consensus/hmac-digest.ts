import { _SHA256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';

/**
 * HMAC-SHA-256 (RFC 2104) of one short, fixed-layout input: the domain tag, the sender and receiver
 * ids (2 bytes each) and a 32-byte digest, 51 bytes in all. After the key's two padded blocks, which
 * are absorbed once per key, that is exactly two SHA-256 compressions (one inner block, one outer),
 * run through @noble/hashes' own compression function with no allocation: a general HMAC object costs
 * several times that per MAC, and an authenticator makes n of them. Checked against node:crypto's
 * HMAC in tests/unit/consensus/macs.test.ts.
 */
const TAG = utf8ToBytes('aura-pbft-mac/1');
const INPUT_BYTES = TAG.length + 4 + 32;

/** noble's SHA-256 with its (protected) compression function reachable: state words in, block in, state out. */
class Compressor extends _SHA256 {
  initial(): number[] {
    return new Compressor().get();
  }
  compress(state: number[], block: DataView): number[] {
    this.set(state[0], state[1], state[2], state[3], state[4], state[5], state[6], state[7]);
    this.process(block, 0);
    return this.get();
  }
}

export class HmacDigestKey {
  private static readonly core = new Compressor();
  private readonly inner: number[];
  private readonly outer: number[];
  private readonly innerBlock = new Uint8Array(64);
  private readonly outerBlock = new Uint8Array(64);
  private readonly innerView = new DataView(this.innerBlock.buffer);
  private readonly outerView = new DataView(this.outerBlock.buffer);

  constructor(key: Uint8Array) {
    if (key.length > 64) throw new RangeError('HMAC key longer than one block');
    const core = HmacDigestKey.core;
    const pad = new Uint8Array(64);
    pad.set(key);
    const xor = (byte: number) => new DataView(pad.map((b) => b ^ byte).buffer);
    this.inner = core.compress(core.initial(), xor(0x36));
    this.outer = core.compress(core.initial(), xor(0x5c));
    // Fixed parts of the two final blocks: the tag, SHA-256 padding and the message lengths in bits.
    this.innerBlock.set(TAG);
    this.innerBlock[INPUT_BYTES] = 0x80;
    this.innerView.setUint32(60, (64 + INPUT_BYTES) * 8);
    this.outerBlock[32] = 0x80;
    this.outerView.setUint32(60, (64 + 32) * 8);
  }

  /** The first 16 bytes of HMAC-SHA-256(key, tag ‖ from ‖ to ‖ digest), as 32 hex digits. */
  mac128(from: number, to: number, digest: Uint8Array): string {
    const core = HmacDigestKey.core;
    this.innerView.setUint16(TAG.length, from);
    this.innerView.setUint16(TAG.length + 2, to);
    this.innerBlock.set(digest, TAG.length + 4);
    const inner = core.compress(this.inner, this.innerView);
    for (let i = 0; i < 8; i++) this.outerView.setUint32(4 * i, inner[i]);
    const mac = core.compress(this.outer, this.outerView);
    let hex = '';
    for (let i = 0; i < 4; i++) hex += (mac[i] >>> 0).toString(16).padStart(8, '0');
    return hex;
  }
}
