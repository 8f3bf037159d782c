import { afterEach, describe, expect, it } from 'vitest';
import { BroadcastChannelTransport } from '../../../src/services/consensus/broadcast-transport';
import { createConsensus, type ConsensusService } from '../../../src/services/consensus/service';
import { generateEd25519Identity, Ed25519Signer } from '../../../src/services/consensus/signer';
import { signingText } from '../../../src/services/consensus/node';
import { ConsensusConfigError, ConsensusTimeoutError } from '../../../src/services/consensus/errors';
import type { Decision } from '../../../src/services/consensus/replica';

// Real Ed25519 (WebCrypto in Node) and real BroadcastChannels between four replicas in one process.
let services: ConsensusService[] = [];
afterEach(async () => {
  await Promise.all(services.map((s) => s.close()));
  services = [];
});

async function cluster(group: string, config = {}) {
  const ids = await Promise.all([0, 1, 2, 3].map(() => generateEd25519Identity()));
  const members = ids.map((i) => i.publicKeyHex);
  const log: Decision[][] = [[], [], [], []];
  services = ids.map((identity, id) => {
    const s = createConsensus({ id, members, privateKey: identity.privateKey, transport: new BroadcastChannelTransport(id, group), config: { requestTimeoutMs: 1000, ...config } });
    s.onDecision((d) => log[id].push(d));
    return s;
  });
  return { ids, members, log };
}
const order = (ds: Decision[]) => ds.map((d) => `${d.seq}:${d.index}:${JSON.stringify(d.value)}`);

describe('consensus service over BroadcastChannel with Ed25519', () => {
  it('commits values from every replica in one order, with a 2f+1 commit certificate', async () => {
    const { log } = await cluster('svc-order');
    const results = await Promise.all([...Array(20).keys()].map((k) => services[k % 4].propose(`v${k}`, { timeoutMs: 20_000 })));
    for (const r of results) {
      expect(r.certificate.length).toBeGreaterThanOrEqual(3);
      expect(r.timing.ms).toBeGreaterThan(0);
    }
    await expect.poll(() => log.map((l) => l.length), { timeout: 10_000 }).toEqual([20, 20, 20, 20]);
    expect(order(log[1])).toEqual(order(log[0]));
    expect(order(log[2])).toEqual(order(log[0]));
    expect(order(log[3])).toEqual(order(log[0]));
    expect(new Set(log[0].map((d) => d.value)).size).toBe(20);
    // A view change may happen on a loaded machine; the leader always follows the view.
    const st = services[0].status();
    expect(st).toMatchObject({ replicas: 4, f: 1, transport: 'broadcast-channel', lastExecuted: st.lastExecuted });
    expect(st.leader).toBe(st.view % 4);
  });

  it('batches requests when batching is on', async () => {
    const { log } = await cluster('svc-batch', { batchMax: 16, pipelineDepth: 1 });
    await Promise.all([...Array(24).keys()].map((k) => services[1 + (k % 3)].propose(k, { timeoutMs: 20_000 })));
    await expect.poll(() => log[0].length, { timeout: 10_000 }).toBe(24);
    expect(Math.max(...log[0].map((d) => d.index))).toBeGreaterThan(0);
    expect(order(log[2])).toEqual(order(log[0]));
  });

  it('rejects malformed messages, unknown keys, bad signatures and replays without disturbing honest replicas', async () => {
    const { log } = await cluster('svc-hostile');
    const spy = new BroadcastChannel('svc-hostile');
    const frames: string[] = [];
    spy.onmessage = (e) => frames.push(e.data as string);
    await services[1].propose('first', { timeoutMs: 20_000 });
    const target = services[2];
    const captured = frames.map((f) => f.slice(f.indexOf('|') + 1)).find((f) => f.includes('"commit"'))!;
    expect(captured).toBeDefined();
    const before = target.status().faults;

    await target.deliverRaw('{"from":1,');
    await target.deliverRaw({ from: 1, body: { t: 'prepare', view: 'x' }, sig: 'aa' });
    const outsider = await generateEd25519Identity();
    const forgedBody = { t: 'commit' as const, view: 0, seq: 1, digest: 'f'.repeat(64) };
    const outsiderSig = await new Ed25519Signer(9, outsider.privateKey).sign(signingText(9, forgedBody));
    await target.deliverRaw({ from: 9, body: forgedBody, sig: outsiderSig });
    const wrongKeySig = await new Ed25519Signer(3, outsider.privateKey).sign(signingText(3, forgedBody));
    await target.deliverRaw({ from: 3, body: forgedBody, sig: wrongKeySig });
    const tampered = JSON.parse(captured);
    tampered.body.seq += 1;
    await target.deliverRaw(tampered);
    await target.deliverRaw(captured);

    const after = target.status().faults;
    expect(after.malformed - before.malformed).toBe(2);
    expect(after.unknownKey - before.unknownKey).toBe(1);
    expect(after.badSignature - before.badSignature).toBe(2);
    expect(after.replay - before.replay).toBeGreaterThanOrEqual(1);

    await Promise.all(['a', 'b', 'c'].map((v, k) => services[k + 1].propose(v, { timeoutMs: 20_000 })));
    await expect.poll(() => log.map((l) => l.length), { timeout: 10_000 }).toEqual([4, 4, 4, 4]);
    expect(order(log[2])).toEqual(order(log[0]));
    spy.close();
  });

  it('counts decisions and rejected messages by kind in the runtime metrics, with rate-limited notices', async () => {
    const { MetricsRegistry } = await import('../../../src/metrics/registry');
    const { countConsensus } = await import('../../../src/runtime/consensus-metrics');
    await cluster('svc-metrics');
    const metrics = new MetricsRegistry();
    countConsensus(services[2], metrics);
    const notices: string[] = [];
    services[2].onEvent((e) => { if (e.type === 'rejected') notices.push(`${e.kind}:${e.count}`); });
    for (let k = 0; k < 50; k++) await services[2].deliverRaw(`{"broken":${k}`);
    await services[1].propose('counted', { timeoutMs: 20_000 });
    await expect.poll(() => metrics.expose()).toMatch(/aura_consensus_decisions_total 1/);
    const text = metrics.expose();
    expect(text).toMatch(/aura_consensus_faults_total\{kind="malformed"\} 50/);
    expect(text).toMatch(/# TYPE aura_consensus_view_changes_total counter/);
    expect(notices).toEqual(['malformed:1']); // one notice for the burst, not fifty
  });

  it('changes view when the leader leaves, and progress resumes', async () => {
    const { log } = await cluster('svc-leader', { requestTimeoutMs: 300 });
    await services[1].propose('before', { timeoutMs: 20_000 });
    await services[0].close();
    const live = services.slice(1);
    const r = await live[0].propose('after', { timeoutMs: 30_000 });
    expect(r.view).toBeGreaterThanOrEqual(1);
    await live[1].propose('again', { timeoutMs: 30_000 });
    await expect.poll(() => [log[1].length, log[2].length, log[3].length], { timeout: 10_000 }).toEqual([3, 3, 3]);
    expect(order(log[2])).toEqual(order(log[1]));
    expect(live[1].status().leader).not.toBe(0);
  });

  it('times out with a typed error when no quorum is reachable, and validates its inputs', async () => {
    await cluster('svc-timeout');
    await Promise.all([services[1].close(), services[2].close()]);
    await expect(services[3].propose('alone', { timeoutMs: 500 })).rejects.toBeInstanceOf(ConsensusTimeoutError);
    await expect(services[3].propose(Number.NaN as unknown as string)).rejects.toThrow(/finite/);
    expect(() => createConsensus({ id: 0, members: ['00'], privateKey: null as unknown as CryptoKey, transport: new BroadcastChannelTransport(0, 'x') })).toThrow(ConsensusConfigError);
  });
});
