import { readFileSync, writeFileSync } from 'node:fs';
import { InvalidInputError } from '../errors';
import { Ed25519Signer, signRoster, verifyRoster, type Ed25519Identity, type SignedRoster } from '../services/consensus/index';

/**
 * The signed roster as a file, `{ roster: { group, version, members }, signatures }`, for edge nodes
 * and the `edge:roster` command: made unsigned (one empty signature per member), signed by each member
 * in turn, valid once every member signed (verifyRoster).
 */
export function readRosterFile(path: string): SignedRoster {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InvalidInputError(`roster file ${path} cannot be read as JSON (${(error as Error).message})`, 'pass the signed roster: { "roster": { "group", "version", "members" }, "signatures": [...] }');
  }
  const o = parsed as { roster?: { group?: unknown; version?: unknown; members?: unknown }; signatures?: unknown };
  const strings = (x: unknown): x is string[] => Array.isArray(x) && x.length <= 1024 && x.every((s) => typeof s === 'string' && s.length <= 256);
  if (!o?.roster || typeof o.roster.group !== 'string' || typeof o.roster.version !== 'number' || !strings(o.roster.members) || !strings(o.signatures)) {
    throw new InvalidInputError(`roster file ${path} is not a signed roster`, 'it holds { "roster": { "group": string, "version": number, "members": [hex keys] }, "signatures": [hex, one per member] }');
  }
  return { roster: { group: o.roster.group, version: o.roster.version, members: o.roster.members }, signatures: o.signatures };
}

/** Writes a roster nobody signed yet; refuses a file that exists (a roster is not silently replaced). */
export function writeUnsignedRoster(path: string, group: string, members: string[], version = 1): SignedRoster {
  const n = members.length;
  if (n < 4 || (n - 1) % 3 !== 0 || new Set(members).size !== n || !members.every((k) => /^[0-9a-f]{64}$/.test(k))) {
    throw new InvalidInputError(`members lists ${n} keys (or repeats one, or one is not a 32-byte hex key)`, 'list n = 3f+1 distinct public keys (4, 7, …), in replica-id order, as `edge:roster -- key` prints them');
  }
  if (!/^[\w.:-]{1,64}$/.test(group)) throw new InvalidInputError(`group is '${group}'`, 'a group is 1-64 word characters (letters, digits, _ . : -)');
  const signed: SignedRoster = { roster: { group, version, members }, signatures: members.map(() => '') };
  writeFileSync(path, `${JSON.stringify(signed, null, 2)}\n`, { flag: 'wx' });
  return signed;
}

/** Adds this member's signature to the roster file; says which member it signed as and whether the roster is now valid. */
export async function signRosterFile(path: string, me: Ed25519Identity): Promise<{ id: number; signed: number; valid: boolean }> {
  const file = readRosterFile(path);
  const id = file.roster.members.indexOf(me.publicKeyHex);
  if (id < 0) throw new InvalidInputError(`${me.publicKeyHex} is not a member of ${path}`, 'sign with the key of one of its members (--key FILE)');
  const signatures = file.roster.members.map((_, k) => file.signatures[k] ?? '');
  signatures[id] = await signRoster(file.roster, new Ed25519Signer(id, me.privateKey));
  writeFileSync(path, `${JSON.stringify({ roster: file.roster, signatures }, null, 2)}\n`);
  const valid = await verifyRoster({ roster: file.roster, signatures }).then(() => true, () => false);
  return { id, signed: signatures.filter(Boolean).length, valid };
}
