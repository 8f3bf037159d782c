import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { sha256Hex } from './codec';
import { ConsensusConfigError } from './errors';

/** Signs the canonical text of a message as one replica. */
export interface ConsensusSigner {
  readonly id: number;
  sign(text: string): Promise<string>;
}

/** Checks signatures against a membership list: replica id → public key. */
export interface ConsensusVerifier {
  /** Whether `id` is a member (a message from anyone else is rejected as an unknown key). */
  knows(id: number): boolean;
  verify(id: number, text: string, sig: string): Promise<boolean>;
  /** Hex length of a signature, so malformed ones are rejected before verification. */
  readonly sigLength: number;
}

const ED25519 = { name: 'Ed25519' } as const;

/** An Ed25519 key pair made by WebCrypto (Node 20 and Chromium), with the raw public key as hex. */
export interface Ed25519Identity { privateKey: CryptoKey; publicKeyHex: string }

/** A fresh key pair; `extractable` lets exportEd25519Identity copy the private key (tests of twins). */
export async function generateEd25519Identity(extractable = false): Promise<Ed25519Identity> {
  const pair = (await crypto.subtle.generateKey(ED25519, extractable, ['sign', 'verify'])) as CryptoKeyPair;
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  return { privateKey: pair.privateKey, publicKeyHex: bytesToHex(raw) };
}

/** Signs with an Ed25519 private key through WebCrypto. */
export class Ed25519Signer implements ConsensusSigner {
  constructor(readonly id: number, private readonly privateKey: CryptoKey) {}
  async sign(text: string): Promise<string> {
    return bytesToHex(new Uint8Array(await crypto.subtle.sign(ED25519, this.privateKey, utf8ToBytes(text))));
  }
}

/** Verifies Ed25519 signatures against the membership list of raw public keys (hex, 32 bytes). */
export class Ed25519Verifier implements ConsensusVerifier {
  readonly sigLength = 128;
  private readonly keys = new Map<number, Promise<CryptoKey>>();

  constructor(members: readonly string[]) {
    members.forEach((hex, id) => {
      if (!/^[0-9a-f]{64}$/.test(hex)) {
        throw new ConsensusConfigError(`members[${id}] is not a 32-byte Ed25519 public key in hex`, 'pass publicKeyHex from generateEd25519Identity()');
      }
      this.keys.set(id, crypto.subtle.importKey('raw', hexToBytes(hex), ED25519, false, ['verify']));
    });
  }
  knows(id: number): boolean {
    return this.keys.has(id);
  }
  async verify(id: number, text: string, sig: string): Promise<boolean> {
    const key = this.keys.get(id);
    if (!key || sig.length !== this.sigLength) return false;
    return crypto.subtle.verify(ED25519, await key, hexToBytes(sig), utf8ToBytes(text));
  }
}

/**
 * A FAST, INSECURE signer for the simulator only: the "signature" is SHA-256 of a per-replica secret and
 * the text, and the verifier holds every secret. It has the same interface and the same failure
 * behaviour as Ed25519 (unknown member, wrong signature), so the simulator runs thousands of scenarios
 * in seconds; real Ed25519 is covered by its own tests and by the browser tests.
 */
export class SimulatedSigner implements ConsensusSigner {
  constructor(readonly id: number, private readonly secret: string) {}
  async sign(text: string): Promise<string> {
    return simulatedSignature(this.secret, text);
  }
}

export class SimulatedVerifier implements ConsensusVerifier {
  readonly sigLength = 64;
  constructor(private readonly secrets: readonly string[]) {}
  knows(id: number): boolean {
    return id >= 0 && id < this.secrets.length;
  }
  async verify(id: number, text: string, sig: string): Promise<boolean> {
    return this.knows(id) && simulatedSignature(this.secrets[id], text) === sig;
  }
}

function simulatedSignature(secret: string, text: string): string {
  return sha256Hex(`${secret}\u0000${text}`);
}

/** Exports an identity (PKCS#8 private key, hex) so another process can hold the same key. */
export async function exportEd25519Identity(identity: Ed25519Identity): Promise<{ privateKeyHex: string; publicKeyHex: string }> {
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', identity.privateKey));
  return { privateKeyHex: bytesToHex(pkcs8), publicKeyHex: identity.publicKeyHex };
}

export async function importEd25519Identity(exported: { privateKeyHex: string; publicKeyHex: string }): Promise<Ed25519Identity> {
  const privateKey = await crypto.subtle.importKey('pkcs8', hexToBytes(exported.privateKeyHex), ED25519, true, ['sign']);
  return { privateKey, publicKeyHex: exported.publicKeyHex };
}
