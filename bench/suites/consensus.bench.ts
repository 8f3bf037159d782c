import type { BenchContext, BenchSuite } from '../types';
import { BroadcastChannelTransport } from '../../src/services/consensus/broadcast-transport';
import { createConsensus, type ConsensusService } from '../../src/services/consensus/service';
import { Ed25519Signer, Ed25519Verifier, generateEd25519Identity } from '../../src/services/consensus/signer';
import { BroadcastChannelSignaling } from '../../src/services/consensus/signaling';
import type { ConsensusTransport } from '../../src/services/consensus/transport';
import { WebRtcTransport } from '../../src/services/consensus/webrtc-transport';
import { quantile } from '../stats';
import { PairwiseMacs } from '../../src/services/consensus/authenticator';

type Kind = 'broadcast-channel' | 'webrtc';

/**
 * Four replicas in this one process or page, each with its own transport endpoint and Ed25519 key;
 * `macs`: PBFT's MAC authenticators on the hot path (the default), or every message signed.
 */
async function cluster(kind: Kind, group: string, batching: boolean, macs: boolean): Promise<{ services: ConsensusService[]; transports: ConsensusTransport[] }> {
  const ids = await Promise.all([0, 1, 2, 3].map(() => generateEd25519Identity()));
  const members = ids.map((i) => i.publicKeyHex);
  const transports: ConsensusTransport[] = ids.map((_, id) => kind === 'broadcast-channel'
    ? new BroadcastChannelTransport(id, group)
    : new WebRtcTransport({
      self: id, members: [0, 1, 2, 3], signaling: new BroadcastChannelSignaling(group), iceServers: [],
      signer: new Ed25519Signer(id, ids[id].privateKey), verifier: new Ed25519Verifier(members),
    }));
  const config = batching ? { batchMax: 64, pipelineDepth: 2, requestTimeoutMs: 5_000 } : { batchMax: 1, pipelineDepth: 8, requestTimeoutMs: 5_000 };
  const services = ids.map((identity, id) => createConsensus({ id, members, privateKey: identity.privateKey, transport: transports[id], config, macs }));
  if (kind === 'webrtc') {
    const deadline = performance.now() + 30_000;
    while (transports.some((t) => (t.connectedPeers()?.length ?? 0) < 3)) {
      if (performance.now() > deadline) throw new Error('WebRTC mesh did not connect within 30 s');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { services, transports };
}

async function measure(ctx: BenchContext, kind: Kind, batching: boolean, macs = true): Promise<void> {
  const label = `${kind}${batching ? ' batched' : ''}${macs ? '' : ' signatures-only'}`;
  const { services } = await cluster(kind, `bench-${kind}-${batching}-${Math.random()}`, batching, macs);
  try {
    const sequential = ctx.size === 'full' ? 300 : 60;
    const concurrent = ctx.size === 'full' ? 4000 : 400;
    for (let k = 0; k < 5; k++) await services[1].propose(`warm-${k}`);
    const latencies: number[] = [];
    for (let k = 0; k < sequential; k++) latencies.push((await services[1].propose(`seq-${k}`)).timing.ms);
    // Process CPU time (Node only): what a decision costs, less sensitive than wall time to other jobs.
    const cpu = typeof process !== 'undefined' && typeof process.cpuUsage === 'function' ? process.cpuUsage() : null;
    const started = performance.now();
    await Promise.all([...Array(concurrent).keys()].map((k) => services[k % 4].propose(`c-${k}`, { timeoutMs: 60_000 })));
    const seconds = (performance.now() - started) / 1000;
    const cpuUs = cpu ? (({ user, system }) => (user + system) / concurrent)(process.cpuUsage(cpu)) : null;
    const p50 = quantile(latencies, 0.5);
    const p95 = quantile(latencies, 0.95);
    const rate = concurrent / seconds;
    ctx.log(`${label}: latency p50 ${p50.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms (${sequential} one at a time from a backup); ${rate.toFixed(0)} decisions/s (${concurrent} proposed at once from all 4)${cpuUs === null ? '' : `, ${cpuUs.toFixed(0)} µs of CPU per decision`}`);
    if (cpuUs !== null) ctx.record(`${label}.cpuMicrosecondsPerDecision`, cpuUs);
    ctx.record(`${label}.latencyP50Ms`, p50);
    ctx.record(`${label}.latencyP95Ms`, p95);
    ctx.record(`${label}.decisionsPerSecond`, rate);
  } finally {
    await Promise.all(services.map((s) => s.close()));
  }
}

async function signatures(ctx: BenchContext): Promise<void> {
  const identity = await generateEd25519Identity();
  const signer = new Ed25519Signer(0, identity.privateKey);
  const verifier = new Ed25519Verifier([identity.publicKeyHex]);
  const text = `aura-pbft/1|0|{"digest":"${'a'.repeat(64)}","seq":1,"t":"commit","view":0}`;
  const count = ctx.size === 'full' ? 5000 : 1000;
  let t = performance.now();
  const sigs: string[] = [];
  for (let k = 0; k < count; k++) sigs.push(await signer.sign(`${text}${k}`));
  const signsPerSecond = count / ((performance.now() - t) / 1000);
  t = performance.now();
  for (let k = 0; k < count; k++) if (!(await verifier.verify(0, `${text}${k}`, sigs[k]))) throw new Error('a valid signature failed to verify');
  const verifiesPerSecond = count / ((performance.now() - t) / 1000);
  ctx.log(`Ed25519 (WebCrypto): ${signsPerSecond.toFixed(0)} signs/s, ${verifiesPerSecond.toFixed(0)} verifies/s (${count} each, one at a time)`);
  ctx.record('ed25519.signsPerSecond', signsPerSecond);
  ctx.record('ed25519.verifiesPerSecond', verifiesPerSecond);
  // PBFT's authenticator for n = 4 (3 MACs to make, 1 to check per receiver) over the same text.
  const macs = [0, 1].map((id) => new PairwiseMacs(id, 4));
  const key = crypto.getRandomValues(new Uint8Array(32));
  for (let peer = 0; peer < 4; peer++) { macs[0].setKey(peer, key); macs[1].setKey(peer, key); }
  t = performance.now();
  const auths: string[] = [];
  for (let k = 0; k < count; k++) auths.push(macs[0].authenticate(`${text}${k}`));
  const authenticatorsPerSecond = count / ((performance.now() - t) / 1000);
  t = performance.now();
  for (let k = 0; k < count; k++) if (!macs[1].check(0, `${text}${k}`, auths[k])) throw new Error('a valid MAC failed to check');
  const macChecksPerSecond = count / ((performance.now() - t) / 1000);
  ctx.log(`HMAC-SHA-256 authenticators (n = 4, @noble/hashes): ${authenticatorsPerSecond.toFixed(0)} made/s, ${macChecksPerSecond.toFixed(0)} checked/s`);
  ctx.record('authenticator.madePerSecond', authenticatorsPerSecond);
  ctx.record('authenticator.checkedPerSecond', macChecksPerSecond);
}

/**
 * PBFT with 4 replicas in one process/page (MAC authenticators on the hot path, Ed25519 signatures on
 * everything that can be proof; and once with every message signed, for comparison): latency of one
 * decision at a time, decisions/s with many proposals in flight, with and without batching, over
 * BroadcastChannel (Node and Chromium) and WebRTC data channels on loopback (Chromium only), plus
 * WebCrypto Ed25519 signs/s and verifies/s. No GPU involved. Seed target: < 50 ms per decision.
 */
export const suite: BenchSuite = {
  name: 'consensus',
  hosts: ['node', 'browser'],
  async run(ctx) {
    await signatures(ctx);
    const kinds: Kind[] = typeof RTCPeerConnection === 'function' ? ['broadcast-channel', 'webrtc'] : ['broadcast-channel'];
    if (!kinds.includes('webrtc')) ctx.log('WebRTC: not available on this host (no RTCPeerConnection); measured in Chromium');
    for (const kind of kinds) for (const batching of [false, true]) await measure(ctx, kind, batching);
    // The same batched run with every message signed (before issue 21), for the gain from MACs.
    await measure(ctx, 'broadcast-channel', true, false);
  },
};
