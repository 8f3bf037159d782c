import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateKeyFile } from '../../../src/edge/consensus-key';
import { startConsensusPeer, type ConsensusPeer } from '../../../src/edge/consensus-peer';
import { readRosterFile, signRosterFile, writeUnsignedRoster } from '../../../src/edge/roster-file';
import { startSignalingServer, type SignalingServer } from '../../../src/edge/signaling';
import {
  ConsensusConfigError, Ed25519Signer, Ed25519Verifier, WebRtcTransport, WebSocketSignaling, consensusSigningText, generateEd25519Identity,
  type ConsensusMessageBody, type Ed25519Identity, type SignedRoster,
} from '../../../src/services/consensus/index';

// Edge consensus peers in one Node process: werift data channels over loopback, the ws relay, real Ed25519.
const dir = mkdtempSync(join(tmpdir(), 'aura-edge-peer-'));
let server: SignalingServer;
let keys: (Ed25519Identity & { created: boolean })[];
let signed: SignedRoster;
const peers: ConsensusPeer[] = [];

beforeAll(async () => {
  server = await startSignalingServer({ port: 5382 });
  keys = await Promise.all([0, 1, 2, 3].map((k) => loadOrCreateKeyFile(join(dir, `key-${k}.json`))));
  // The roster file as `edge:roster -- init` and `sign` make it: unsigned, then each member in turn.
  writeUnsignedRoster(join(dir, 'roster.json'), 'edge-unit', keys.map((k) => k.publicKeyHex));
  for (const k of keys) await signRosterFile(join(dir, 'roster.json'), k);
  signed = readRosterFile(join(dir, 'roster.json'));
});
afterAll(async () => {
  await Promise.all(peers.map((p) => p.close()));
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('edge consensus peer (werift WebRTC in Node)', () => {
  it('keeps its key in a 0600 file and gets the same key back; a file whose public key is not its own is refused', async () => {
    expect(keys.every((k) => k.created)).toBe(true);
    expect(statSync(join(dir, 'key-0.json')).mode & 0o777).toBe(0o600);
    const again = await loadOrCreateKeyFile(join(dir, 'key-0.json'));
    expect(again).toMatchObject({ created: false, publicKeyHex: keys[0].publicKeyHex });
    const swapped = JSON.parse(readFileSync(join(dir, 'key-0.json'), 'utf8'));
    swapped.publicKeyHex = keys[1].publicKeyHex;
    writeFileSync(join(dir, 'swapped.json'), JSON.stringify(swapped));
    await expect(loadOrCreateKeyFile(join(dir, 'swapped.json'))).rejects.toThrow(/not the private key's/);
  });

  it('makes the roster file step by step; joins only from a roster every member signed, and only if its key is in it', async () => {
    const steps = join(dir, 'steps.json');
    writeUnsignedRoster(steps, 'edge-unit', keys.map((k) => k.publicKeyHex));
    expect(() => writeUnsignedRoster(steps, 'edge-unit', keys.map((k) => k.publicKeyHex))).toThrow();
    expect(() => writeUnsignedRoster(join(dir, 'three.json'), 'g', keys.slice(0, 3).map((k) => k.publicKeyHex))).toThrow(/3 keys/);
    expect(await signRosterFile(steps, keys[2])).toEqual({ id: 2, signed: 1, valid: false });
    for (const k of [0, 1]) await signRosterFile(steps, keys[k]);
    expect(await signRosterFile(steps, keys[3])).toEqual({ id: 3, signed: 4, valid: true });
    expect(readRosterFile(steps)).toEqual(signed);
    await expect(signRosterFile(steps, await generateEd25519Identity())).rejects.toThrow(/not a member/);
    writeFileSync(join(dir, 'junk.json'), '{"roster":{"group":"g","version":1,"members":[1]},"signatures":[]}');
    expect(() => readRosterFile(join(dir, 'junk.json'))).toThrow(/not a signed roster/);
    const unsigned = { ...signed, signatures: [...signed.signatures.slice(0, 3), ''] };
    await expect(startConsensusPeer({ identity: keys[0], signed: unsigned, signalingUrl: server.url })).rejects.toBeInstanceOf(ConsensusConfigError);
    const outsider = await generateEd25519Identity();
    await expect(startConsensusPeer({ identity: outsider, signed, signalingUrl: server.url })).rejects.toThrow(/not in the roster/);
  });

  it('three peers decide while an impostor signs as member 3; the real member 3 joins later and decides with them', async () => {
    for (const id of [0, 1, 2]) peers.push(await startConsensusPeer({ identity: keys[id], signed, signalingUrl: server.url, config: { requestTimeoutMs: 1_000 } }));
    // An impostor connects as peer 3 with a key of its own: its signaling never verifies, so no link forms.
    const impostor = await generateEd25519Identity();
    const members = [...signed.roster.members];
    members[3] = impostor.publicKeyHex;
    const fake = new WebRtcTransport({
      self: 3, members: [0, 1, 2, 3], iceServers: [], signaling: new WebSocketSignaling(server.url, 'edge-unit', 3),
      signer: new Ed25519Signer(3, impostor.privateKey), verifier: new Ed25519Verifier(members),
    });
    await expect.poll(() => peers.map((p) => p.status().connectedPeers!.length), { timeout: 30_000 }).toEqual([2, 2, 2]);
    const results = await Promise.all(peers.map((p, k) => p.service.propose(`edge-${k}`, { timeoutMs: 30_000 })));
    expect(results.map((r) => r.value).sort()).toEqual(['edge-0', 'edge-1', 'edge-2']);
    await expect.poll(() => peers.every((p) => p.status().rejectedSignals > 0)).toBe(true);
    expect(peers.some((p) => p.status().connectedPeers!.includes(3))).toBe(false);
    fake.close();

    peers.push(await startConsensusPeer({ identity: keys[3], signed, signalingUrl: server.url, config: { requestTimeoutMs: 1_000 } }));
    await expect.poll(() => peers.map((p) => p.status().connectedPeers!.length), { timeout: 30_000 }).toEqual([3, 3, 3, 3]);
    const late = await peers[3].service.propose('from-member-3', { timeoutMs: 30_000 });
    expect(late.value).toBe('from-member-3');
    const logs = peers.map((p) => p.decisions());
    for (const log of logs.slice(0, 3)) expect(log).toEqual(logs[0]);
    expect(logs[0]).toHaveLength(4);
    expect(logs[3].at(-1)).toBe(logs[0].at(-1));
  });

  it("refuses what tabs refuse: oversized, malformed, unknown sender, forged signature (counted per kind)", async () => {
    const p = peers[1];
    const before = p.status().faults;
    await p.service.deliverRaw('x'.repeat(4 * 1024 * 1024 + 1));
    await p.service.deliverRaw('{"from":0,');
    const outsider = await generateEd25519Identity();
    const body: ConsensusMessageBody = { t: 'commit', view: 0, seq: 1, digest: 'f'.repeat(64) };
    await p.service.deliverRaw({ from: 9, body, sig: await new Ed25519Signer(9, outsider.privateKey).sign(consensusSigningText(9, body)) });
    await p.service.deliverRaw({ from: 2, body, sig: await new Ed25519Signer(2, outsider.privateKey).sign(consensusSigningText(2, body)) });
    const after = p.status().faults;
    expect(after.malformed - before.malformed).toBe(2);
    expect(after.unknownKey - before.unknownKey).toBe(1);
    expect(after.badSignature - before.badSignature).toBe(1);
    const still = await peers[0].service.propose('after-hostile', { timeoutMs: 30_000 });
    expect(still.value).toBe('after-hostile');
  });
});
