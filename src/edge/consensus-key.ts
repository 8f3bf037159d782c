import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { hexToBytes } from '@noble/hashes/utils.js';
import { InvalidInputError } from '../errors';
import { exportEd25519Identity, generateEd25519Identity, importEd25519Identity, type Ed25519Identity } from '../services/consensus/index';

/**
 * An edge node's consensus identity: an Ed25519 key pair kept in a file readable by its owner only
 * (0600), made on first use, so a restarted node rejoins as the same replica. The file holds the
 * PKCS#8 private key and the raw public key, hex (exportEd25519Identity's shape).
 */
export async function loadOrCreateKeyFile(path: string): Promise<Ed25519Identity & { created: boolean }> {
  if (existsSync(path)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      throw new InvalidInputError(`consensus key file ${path} is not JSON`, 'delete it to make a new key (the node then needs a new roster) or restore the file');
    }
    const o = parsed as Record<string, unknown>;
    if (typeof o?.privateKeyHex !== 'string' || !/^[0-9a-f]{64,256}$/.test(o.privateKeyHex) || typeof o.publicKeyHex !== 'string' || !/^[0-9a-f]{64}$/.test(o.publicKeyHex)) {
      throw new InvalidInputError(`consensus key file ${path} lacks privateKeyHex/publicKeyHex`, 'the file is { "privateKeyHex": <PKCS#8 hex>, "publicKeyHex": <32-byte hex> }, as `roster-main key` writes it');
    }
    const identity = await importEd25519Identity({ privateKeyHex: o.privateKeyHex, publicKeyHex: o.publicKeyHex });
    // The public key in the file must belong to the private key, or the node would sign as someone else.
    const probe = new TextEncoder().encode('aura-key-check');
    const sig = await crypto.subtle.sign({ name: 'Ed25519' }, identity.privateKey, probe);
    const pub = await crypto.subtle.importKey('raw', hexToBytes(o.publicKeyHex), { name: 'Ed25519' }, false, ['verify']);
    if (!(await crypto.subtle.verify({ name: 'Ed25519' }, pub, sig, probe))) {
      throw new InvalidInputError(`consensus key file ${path}: publicKeyHex is not the private key's`, 'restore the file as it was written, or delete it to make a new key');
    }
    return { ...identity, created: false };
  }
  const fresh = await generateEd25519Identity(true);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(await exportEd25519Identity(fresh))}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return { ...fresh, created: true };
}

