import { describe, expect, it } from 'vitest';
import { PairwiseMacs, simulatedMacs, simulatedPairKey } from '../../../src/services/consensus/authenticator';
import { MacKeyExchange } from '../../../src/services/consensus/mac-keys';
import { PbftNode, signingText } from '../../../src/services/consensus/node';
import { PbftReplica } from '../../../src/services/consensus/replica';
import { Ed25519Signer, Ed25519Verifier, generateEd25519Identity } from '../../../src/services/consensus/signer';
import type { Envelope, MacKeyBody, PrepareBody, RequestBody, ViewChangeBody } from '../../../src/services/consensus/messages';
import { harness } from './harness';

const copy = <T>(x: T): T => JSON.parse(JSON.stringify(x));
/** Flips one hex digit of `hex` at `at`. */
const flip = (hex: string, at: number) => hex.slice(0, at) + (hex[at] === '0' ? '1' : '0') + hex.slice(at + 1);

describe('PBFT MAC authenticators on the hot path', () => {
  it('orders a request with MAC-only requests and MAC + signature votes; each receiver checks its own entry', async () => {
    const h = harness();
    await h.nodes[2].submit('hello');
    await h.pump();
    for (const d of h.decisions) expect(d.map((x) => x.value)).toEqual(['hello']);
    const request = h.sent.find((s) => s.env.body.t === 'request')!.env;
    expect(request.sig).toBe('');
    expect(request.auth).toHaveLength(4 * 32);
    for (const t of ['pre-prepare', 'prepare', 'commit']) {
      const env = h.sent.find((s) => s.env.body.t === t)!.env;
      expect(env.auth, t).toHaveLength(4 * 32);
      expect(env.sig.length, t).toBeGreaterThan(0); // they may end up in a certificate
    }
    // Checkpoints are signed only (they are proof).
    const signedOnly = h.sent.filter((s) => !['request', 'pre-prepare', 'prepare', 'commit'].includes(s.env.body.t));
    for (const s of signedOnly) expect(s.env.auth).toBeUndefined();
    // No Ed25519-style verification of requests: replica 0 checked every request and vote by MAC first.
    expect(h.nodes[0].work.macChecks).toBeGreaterThan(0);
  });

  it('refuses a bad MAC: a flipped entry, a tampered body, an authenticator of the wrong length', async () => {
    const h = harness();
    await h.nodes[1].submit('first');
    await h.pump();
    const target = h.nodes[2];
    const request = copy(h.sent.find((s) => s.env.body.t === 'request' && s.from === 1)!.env) as Envelope<RequestBody>;
    const prepare = copy(h.sent.find((s) => s.env.body.t === 'prepare' && s.from === 3)!.env) as Envelope<PrepareBody>;
    const before = target.replica.faults.badSignature;

    // Replica 2's own entry flipped: refused (another replica's entry flipped would not concern it).
    await target.deliver({ ...request, body: { ...request.body, reqId: 99 }, auth: request.auth });
    await target.deliver({ ...request, body: { ...request.body, reqId: 98 }, auth: flip(request.auth!, 2 * 32 + 5) });
    const votes = { ...prepare, body: { ...prepare.body, seq: 2 } };
    await target.deliver(votes); // tampered body: the MAC no longer matches
    await target.deliver({ ...prepare, auth: flip(prepare.auth!, 2 * 32) });
    // A vote for a slot not yet prepared here, with a valid MAC and a signature of another text: refused.
    const fresh = { ...prepare.body, seq: 3 };
    await target.deliver({ from: 3, body: fresh, sig: prepare.sig, auth: simulatedMacs(3, 4, 'harness').authenticate(signingText(3, fresh)) });
    expect(target.replica.faults.badSignature - before).toBe(5);
    await target.deliver({ ...request, auth: request.auth!.slice(0, 96) });
    expect(target.replica.faults.malformed).toBe(1); // the wrong length is caught by the parser
    expect(target.replica.pendingCount).toBe(0);
    // A MAC'd request cannot drop its MAC and pass unauthenticated.
    await target.deliver({ from: request.from, body: { ...request.body, reqId: 97 }, sig: '' });
    expect(target.replica.faults.malformed).toBe(2);
    // The genuine messages still pass afterwards (a refused copy does not poison them) and replays count.
    await target.deliver(request);
    expect(target.replica.faults.replay).toBeGreaterThan(0);
  });

  it('a member cannot forge a MAC for another pair: keys it shares with the sender or the receiver do not verify', async () => {
    const h = harness();
    const body: RequestBody = { t: 'request', client: 1, session: 1, reqId: 7, value: 'forged' };
    const text = signingText(1, body);
    // Member 3 holds keys with 1 and with 2, never the key of the pair (1, 2): it tries both, and a fresh one.
    const forge = (key: Uint8Array) => {
      const asIfFrom1 = new PairwiseMacs(1, 4);
      asIfFrom1.setKey(2, key);
      return asIfFrom1;
    };
    const withKey13 = forge(simulatedPairKey('harness', 1, 3)).authenticate(text);
    const withKey23 = forge(simulatedPairKey('harness', 2, 3)).authenticate(text);
    const before = h.nodes[2].replica.faults.badSignature;
    await h.nodes[2].deliver({ from: 1, body, sig: '', auth: withKey13 });
    await h.nodes[2].deliver({ from: 1, body: { ...body, reqId: 8 }, sig: '', auth: new PairwiseMacs(1, 4).authenticate(signingText(1, { ...body, reqId: 8 })) });
    await h.nodes[2].deliver({ from: 1, body: { ...body, reqId: 9 }, sig: '', auth: withKey23 });
    expect(h.nodes[2].replica.faults.badSignature - before).toBe(3);
    expect(h.nodes[2].replica.pendingCount).toBe(0);
    // The honest pair's key works, so the refusals above are about the key, not the format.
    const honest = simulatedMacs(1, 4, 'harness');
    await h.nodes[2].deliver({ from: 1, body: { ...body, reqId: 10 }, sig: '', auth: honest.authenticate(signingText(1, { ...body, reqId: 10 })) });
    expect(h.nodes[2].replica.pendingCount).toBe(1);
  });

  it('a view change after MAC\'d prepares carries signed prepared certificates that the others accept', async () => {
    const h = harness();
    // Deliver everything but commits: the batch prepares everywhere, commits nowhere.
    await h.nodes[1].submit('prepared-only');
    for (let k = 0; k < 10_000 && h.inbox.length; k++) {
      const { to, env } = h.inbox.shift()!;
      if (env.body.t !== 'commit') await h.nodes[to].deliver(copy(env));
    }
    for (const n of h.nodes) expect(n.replica.lastExecuted).toBe(0);
    const prepares = h.sent.filter((s) => s.env.body.t === 'prepare');
    expect(prepares.length).toBeGreaterThan(0);
    for (const p of prepares) expect(p.env.auth).toBeDefined();

    // The primary leaves; the others time out and change view.
    h.cut.add(0);
    for (const id of [1, 2, 3]) await h.nodes[id].timeout('progress');
    await h.pump();
    const viewChanges = h.sent.filter((s) => s.env.body.t === 'view-change' && s.from !== 0).map((s) => s.env as Envelope<ViewChangeBody>);
    expect(viewChanges.length).toBeGreaterThanOrEqual(3);
    for (const vc of viewChanges) {
      expect(vc.auth).toBeUndefined();
      for (const cert of vc.body.prepared) for (const p of cert.prepares) expect(p.sig.length).toBeGreaterThan(0);
    }
    expect(viewChanges.some((vc) => vc.body.prepared.length > 0)).toBe(true);
    for (const id of [1, 2, 3]) {
      expect(h.nodes[id].replica.view).toBe(1);
      expect(h.nodes[id].replica.active).toBe(true);
      expect(h.decisions[id].map((d) => [d.view, d.seq, d.value])).toEqual([[1, 1, 'prepared-only']]);
      expect(h.nodes[id].replica.faults.invalidProof + h.nodes[id].replica.faults.badSignature).toBe(0);
    }

    // A certificate whose prepares carry a valid MAC but a bad signature is no proof.
    const vc = copy(viewChanges.find((v) => v.body.prepared.length > 0 && v.from === 3)!);
    const forged: ViewChangeBody = { ...vc.body, view: 2, prepared: vc.body.prepared.map((c) => ({ ...c, prepares: c.prepares.map((p) => ({ ...p, sig: flip(p.sig, 0) })) })) };
    const signed = await h.signAs(3, forged);
    const before = h.nodes[1].replica.faults.badSignature;
    await h.nodes[1].deliver(copy(signed));
    expect(h.nodes[1].replica.faults.badSignature - before).toBe(1);
    expect(h.nodes[1].replica.footprint().viewChanges).toBe(0);
  });
});

describe('authenticator entries', () => {
  it('are HMAC-SHA-256 (RFC 2104, checked against node:crypto) truncated to 128 bits, over the tag, the ids and the SHA-256 of the text', async () => {
    const { createHash, createHmac } = await import('node:crypto');
    const keys = [1, 2, 3].map((k) => new Uint8Array(32).fill(k));
    const macs = new PairwiseMacs(0, 4);
    keys.forEach((key, k) => macs.setKey(k + 1, key));
    for (const text of ['aura-pbft/1|0|{}', `aura-pbft/1|0|${'x'.repeat(5000)}`]) {
      const auth = macs.authenticate(text);
      const digest = createHash('sha256').update(text).digest();
      for (let to = 1; to < 4; to++) {
        const ids = Buffer.from([0, 0, 0, to]); // from, to: 2 bytes each, big-endian
        const expected = createHmac('sha256', keys[to - 1]).update('aura-pbft-mac/1').update(ids).update(digest).digest('hex').slice(0, 32);
        expect(auth.slice(to * 32, to * 32 + 32)).toBe(expected);
      }
    }
    // Ids above 255 and keys of any bytes (here 0xff, so both pads flip every bit) follow the same layout.
    const wide = new PairwiseMacs(700, 1000);
    const key = new Uint8Array(32).fill(0xff);
    wide.setKey(999, key);
    const text = 'aura-pbft/1|700|{"t":"commit"}';
    const entry = wide.authenticate(text).slice(999 * 32, 1000 * 32);
    const ids = Buffer.from([700 >> 8, 700 & 255, 999 >> 8, 999 & 255]);
    expect(entry).toBe(createHmac('sha256', key).update('aura-pbft-mac/1').update(ids).update(createHash('sha256').update(text).digest()).digest('hex').slice(0, 32));
  });
});

describe('pairwise MAC keys from Ed25519-signed X25519 keys', () => {
  async function member(id: number, ids: Awaited<ReturnType<typeof generateEd25519Identity>>[], sent: Array<{ to: number | 'all'; env: Envelope }>) {
    const macs = new PairwiseMacs(id, 4);
    const exchange = new MacKeyExchange(macs);
    const node = new PbftNode(new PbftReplica({ n: 4, id, session: 1 }), new Ed25519Signer(id, ids[id].privateKey), new Ed25519Verifier(ids.map((i) => i.publicKeyHex)), {
      send: (to, env) => sent.push({ to, env }),
      setTimer: () => undefined,
    }, { macs, exchange });
    return { node, macs, exchange };
  }

  it('two members derive the same pair key; a key offer with a bad signature, an old epoch or a bad point is refused', async () => {
    const ids = await Promise.all([0, 1, 2, 3].map(() => generateEd25519Identity()));
    const sent0: Array<{ to: number | 'all'; env: Envelope }> = [];
    const sent1: Array<{ to: number | 'all'; env: Envelope }> = [];
    const a = await member(0, ids, sent0);
    const b = await member(1, ids, sent1);
    await a.node.announceKey();
    await b.node.announceKey();
    const offerA = sent0.find((s) => s.env.body.t === 'mac-key')!.env as Envelope<MacKeyBody>;
    const offerB = sent1.find((s) => s.env.body.t === 'mac-key')!.env as Envelope<MacKeyBody>;

    // An outsider's signature on member 1's offer, and member 1's signature on an altered offer: refused.
    const outsider = await generateEd25519Identity();
    const outsiderSig = await new Ed25519Signer(1, outsider.privateKey).sign(signingText(1, offerB.body));
    await a.node.deliver(copy({ ...offerB, sig: outsiderSig }));
    const swapped: MacKeyBody = { ...offerB.body, key: (await new MacKeyExchange(new PairwiseMacs(5, 8)).offer(false)).key };
    await a.node.deliver(copy({ ...offerB, body: swapped }));
    expect(a.node.replica.faults.badSignature).toBe(2);
    expect(a.macs.has(1)).toBe(false);

    // The genuine offers: each side sets the key and answers with its own (new to it).
    await a.node.deliver(copy(offerB));
    await b.node.deliver(copy(offerA));
    expect(a.macs.has(1) && b.macs.has(0)).toBe(true);
    expect(sent0.some((s) => s.to === 1 && s.env.body.t === 'mac-key')).toBe(true);
    const text = signingText(0, { t: 'prepare', view: 0, seq: 1, digest: 'a'.repeat(64) });
    expect(b.macs.check(0, text, a.macs.authenticate(text))).toBe(true);
    // The direction is bound too: 0's entry for 1, reflected back to 0 as if 1 had sent it, fails.
    const fromA = a.macs.authenticate(text);
    const reflected = fromA.slice(32, 64) + fromA.slice(32);
    expect(a.macs.check(1, text, reflected)).toBe(false);
    expect(a.macs.check(1, text, b.macs.authenticate(text))).toBe(true);

    // An older epoch signed by member 1 (a replayed offer of an earlier run) does not replace the key.
    const old = { ...offerB.body, epoch: offerB.body.epoch - 1000, key: swapped.key };
    await a.node.deliver(copy({ from: 1, body: old, sig: await new Ed25519Signer(1, ids[1].privateKey).sign(signingText(1, old)) }));
    expect(a.node.replica.faults.stale).toBe(1);
    expect(b.macs.check(0, text, a.macs.authenticate(text))).toBe(true);

    // A signed offer whose key is a small-order X25519 point (all zeros) derives nothing.
    const zero = { t: 'mac-key' as const, key: '0'.repeat(64), epoch: Date.now() + 1, ask: false };
    const c = await member(2, ids, []);
    await c.node.deliver(copy({ from: 3, body: zero, sig: await new Ed25519Signer(3, ids[3].privateKey).sign(signingText(3, zero)) }));
    expect(c.macs.has(3)).toBe(false);
    expect(c.node.replica.faults.malformed).toBe(1);
  });
});
