import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { loadOrCreateIdentity } from '../../../src/services/consensus/identity-store';
import { signRoster, verifyRoster, type Roster } from '../../../src/services/consensus/roster';
import { Ed25519Signer, generateEd25519Identity } from '../../../src/services/consensus/signer';
import { ConsensusConfigError } from '../../../src/services/consensus/errors';

describe('persistent identity (IndexedDB through idb-keyval; fake-indexeddb in Node)', () => {
  it('gives the same non-extractable key back after a reload', async () => {
    const first = await loadOrCreateIdentity('tab-a');
    const again = await loadOrCreateIdentity('tab-a');
    const other = await loadOrCreateIdentity('tab-b');
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.publicKeyHex).toBe(first.publicKeyHex);
    expect(other.publicKeyHex).not.toBe(first.publicKeyHex);
    expect(again.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('pkcs8', again.privateKey)).rejects.toThrow();
    // It still signs as the same member.
    const text = 'aura-pbft/1|0|{}';
    const sig = await new Ed25519Signer(0, again.privateKey).sign(text);
    const { Ed25519Verifier } = await import('../../../src/services/consensus/signer');
    expect(await new Ed25519Verifier([first.publicKeyHex, other.publicKeyHex, other.publicKeyHex, other.publicKeyHex]).verify(0, text, sig)).toBe(true);
  });
});

describe('signed roster', () => {
  it('is valid only when every member signed this exact roster', async () => {
    const ids = await Promise.all([0, 1, 2, 3].map(() => generateEd25519Identity()));
    const roster: Roster = { group: 'tabs', version: 1, members: ids.map((i) => i.publicKeyHex) };
    const signatures = await Promise.all(ids.map((i, id) => signRoster(roster, new Ed25519Signer(id, i.privateKey))));
    await expect(verifyRoster({ roster, signatures })).resolves.toEqual(roster);
    const outsider = await generateEd25519Identity();
    const swapped = { ...roster, members: [outsider.publicKeyHex, ...roster.members.slice(1)] };
    await expect(verifyRoster({ roster: swapped, signatures })).rejects.toBeInstanceOf(ConsensusConfigError);
    await expect(verifyRoster({ roster: { ...roster, version: 2 }, signatures })).rejects.toThrow(/members 0, 1, 2, 3/);
    await expect(verifyRoster({ roster, signatures: signatures.slice(0, 3) })).rejects.toThrow(/every member/);
    await expect(verifyRoster({ roster: { ...roster, members: roster.members.slice(0, 3) }, signatures })).rejects.toThrow(/3f\+1/);
  });
});
