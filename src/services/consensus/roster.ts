import { canonicalJson } from './codec';
import { ConsensusConfigError } from './errors';
import { Ed25519Verifier, type ConsensusSigner } from './signer';

/**
 * A signed roster: how tabs of one origin, or remote peers, agree on a group's membership. The roster
 * names the group, a version and the members' Ed25519 public keys in replica-id order; it is valid only
 * when EVERY member listed has signed it, so no member can be added or swapped without the consent of
 * each key in it. Peers exchange rosters over any channel (BroadcastChannel, signaling, a URL) and start
 * `createConsensus({ members: roster.members, ... })` from a verified one; the highest valid version
 * wins.
 */
export interface Roster { group: string; version: number; members: string[] }
export interface SignedRoster { roster: Roster; signatures: string[] }

export function rosterSigningText(roster: Roster): string {
  return `aura-roster/1|${canonicalJson({ group: roster.group, version: roster.version, members: roster.members })}`;
}

/** This member's signature on the roster (its signer's id is its index in members). */
export function signRoster(roster: Roster, signer: ConsensusSigner): Promise<string> {
  if (signer.id < 0 || signer.id >= roster.members.length) throw new ConsensusConfigError(`signer ${signer.id} is not in the roster`, 'sign with the key at that index of members');
  return signer.sign(rosterSigningText(roster));
}

/** Checks shape (n = 3f+1, distinct keys) and every member's signature; throws a typed error if not valid. */
export async function verifyRoster(signed: SignedRoster): Promise<Roster> {
  const { roster, signatures } = signed;
  const n = roster.members.length;
  if (!/^[\w.:-]{1,64}$/.test(roster.group) || !Number.isSafeInteger(roster.version) || roster.version < 0) {
    throw new ConsensusConfigError('roster group or version is invalid', 'group: 1-64 word characters; version: a non-negative integer');
  }
  if (n < 4 || (n - 1) % 3 !== 0 || new Set(roster.members).size !== n) {
    throw new ConsensusConfigError(`roster has ${n} members (or repeats one)`, 'a roster lists n = 3f+1 distinct public keys');
  }
  if (signatures.length !== n) throw new ConsensusConfigError(`roster has ${signatures.length} signatures for ${n} members`, 'every member signs the roster');
  const verifier = new Ed25519Verifier(roster.members);
  const text = rosterSigningText(roster);
  const ok = await Promise.all(signatures.map((sig, id) => verifier.verify(id, text, sig)));
  const missing = ok.flatMap((good, id) => (good ? [] : [id]));
  if (missing.length) throw new ConsensusConfigError(`roster signatures of members ${missing.join(', ')} do not verify`, "collect each member's signRoster() of this exact roster");
  return roster;
}
