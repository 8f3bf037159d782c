import type { Json } from './codec';
import type { Envelope } from './messages';
import { BYZANTINE_STRATEGIES, ByzantineMember, MAC_STRATEGIES, type ByzantineStrategy } from './byzantine';
import { PbftNode } from './node';
import { ProofAudit } from './proof-audit';
import { PbftReplica, type ClientResult, type Decision, type ReplicaConfig, type TimerKey } from './replica';
import { SimulatedSigner, SimulatedVerifier } from './signer';
import { simulatedMacs } from './authenticator';

/**
 * A seeded, deterministic network simulator for PBFT (the same PbftReplica and PbftNode the browser
 * runs). Virtual clock; message drop, delay, reordering and duplication; partitions; crash and
 * recovery; twins: two endpoints holding one replica's key, which equivocate when they see different
 * inputs (the Twins method, Bano et al. 2022). Afterwards it checks safety and liveness.
 *
 * Signatures use SimulatedSigner (fast, insecure, same interface); Ed25519 has its own tests.
 */

/** Mulberry32: a small seeded PRNG, so a scenario is reproduced from its seed alone. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Scenario {
  seed: number;
  n: number;
  /** Requests submitted by honest replicas: [time, replica, value]. */
  requests: Array<{ at: number; client: number; value: Json }>;
  /** Until this virtual time the network misbehaves; after it every message arrives within a few ms. */
  healAt: number;
  dropRate: number;
  duplicateRate: number;
  maxDelayMs: number;
  partitions: Array<{ from: number; to: number; groups: number[] }>;
  /** The faulty replica (at most f of them): crashed (maybe recovering) or twinned. */
  faulty: Array<
    | { id: number; kind: 'crash'; at: number; recoverAt: number | null }
    | { id: number; kind: 'twin' }
    | { id: number; kind: 'byzantine'; strategies: ByzantineStrategy[] }
  >;
  /** Outsider messages: garbage, unknown keys and forged signatures injected during the chaos. */
  forgeries: number;
  config: Partial<ReplicaConfig>;
}

export interface ScenarioResult {
  seed: number;
  safety: boolean;
  liveness: boolean;
  violations: string[];
  committed: number;
  requests: number;
  messages: number;
  endTime: number;
  rejected: Record<string, number>;
  /** Highest stable checkpoint reached by every honest replica (the log below it was truncated). */
  stableCheckpoint: number;
  /** Highest view any honest replica reached. */
  maxView: number;
}

/** Draws a random scenario with at most f faulty replicas. */
export function randomScenario(seed: number, overrides: Partial<Scenario> = {}): Scenario {
  const rnd = seededRandom(seed);
  // Draws added later (MAC attacks) come from their own PRNG, so earlier seeds keep their scenarios.
  const macRnd = seededRandom(seed ^ 0x5bd1e995);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const n = overrides.n ?? (rnd() < 0.85 ? 4 : 7);
  const f = Math.floor((n - 1) / 3);
  const healAt = 200 + Math.floor(rnd() * 1500);
  const faulty: Scenario['faulty'] = [];
  const ids = [...Array(n).keys()];
  for (let k = 0; k < f; k++) {
    if (rnd() < 0.3) continue;
    const id = ids.splice(Math.floor(rnd() * ids.length), 1)[0];
    const kind = rnd();
    if (kind < 0.3) faulty.push({ id, kind: 'twin' });
    else if (kind < 0.65) {
      const strategies: ByzantineStrategy[] = BYZANTINE_STRATEGIES.filter(() => rnd() < 0.4);
      if (strategies.length === 0) strategies.push(pick([...BYZANTINE_STRATEGIES]));
      if (macRnd() < 0.4) strategies.push(...MAC_STRATEGIES);
      faulty.push({ id, kind: 'byzantine', strategies });
    } else {
      const at = Math.floor(rnd() * healAt);
      faulty.push({ id, kind: 'crash', at, recoverAt: rnd() < 0.5 ? at + Math.floor(rnd() * 2000) : null });
    }
  }
  const honest = [...Array(n).keys()].filter((i) => !faulty.some((x) => x.id === i));
  const endpoints = n + faulty.filter((x) => x.kind === 'twin').length;
  const partitions: Scenario['partitions'] = [];
  const parts = Math.floor(rnd() * 4);
  for (let k = 0; k < parts; k++) {
    const from = Math.floor(rnd() * healAt);
    partitions.push({ from, to: from + Math.floor(rnd() * (healAt - from)), groups: Array.from({ length: endpoints }, () => (rnd() < 0.5 ? 0 : 1)) });
  }
  const count = 1 + Math.floor(rnd() * 8);
  const requests = Array.from({ length: count }, (_, k) => ({ at: Math.floor(rnd() * healAt * 1.2), client: pick(honest), value: `s${seed}-r${k}` as Json }));
  return {
    seed, n, requests, healAt, faulty, partitions,
    dropRate: pick([0, 0.05, 0.2, 0.4]),
    duplicateRate: pick([0, 0.05, 0.2]),
    maxDelayMs: pick([2, 20, 100]),
    forgeries: rnd() < 0.3 ? 5 : 0,
    config: { checkpointInterval: pick([2, 4, 8]), batchMax: pick([1, 1, 3]), requestTimeoutMs: 150 },
    ...overrides,
  };
}

interface Endpoint {
  index: number;
  id: number;
  node: PbftNode;
  replica: PbftReplica;
  honest: boolean;
  crashedAt: number | null;
  recoverAt: number | null;
  timers: Map<TimerKey, number>;
  decisions: Map<string, string>;
  results: Map<number, ClientResult>;
}

type Event = { at: number; order: number; run: () => Promise<void> | void };

/** Runs one scenario to the end and checks it. */
/** `audit: false` leaves only the outcome checks (divergence, duplicates, wrong results, liveness). */
/** `macs: false` signs every message (no MAC authenticators), as before issue 21. */
export async function runScenario(s: Scenario, options: { maxEvents?: number; settleMs?: number; audit?: boolean; macs?: boolean } = {}): Promise<ScenarioResult> {
  const limits = { maxEvents: 200_000, settleMs: 20_000, audit: true, macs: true, ...options };
  const rnd = seededRandom(s.seed ^ 0x9e3779b9);
  const secrets = Array.from({ length: s.n }, (_, i) => `sim-${s.seed}-${i}`);
  const verifier = new SimulatedVerifier(secrets);
  const queue: Event[] = [];
  let now = 0;
  let order = 0;
  let messages = 0;
  const schedule = (at: number, run: Event['run']) => {
    const ev = { at, order: order++, run };
    let lo = 0;
    let hi = queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const q = queue[mid];
      if (q.at < at || (q.at === at && q.order < ev.order)) lo = mid + 1;
      else hi = mid;
    }
    queue.splice(lo, 0, ev);
  };

  const endpoints: Endpoint[] = [];
  // Proofs that honest replicas hand on, checked by an outside observer with PBFT's thresholds.
  const audit = new ProofAudit(s.n);
  const unsound: string[] = [];
  const vouch = (ep: Endpoint, wrong: string | null) => {
    if (wrong && ep.honest && limits.audit && unsound.length < 8) unsound.push(`safety: honest replica ${ep.index} ${wrong}`);
  };
  const adversaries = new Map<Endpoint, ByzantineMember>();
  const makeEndpoint = (id: number, honest: boolean, session: number): Endpoint => {
    const index = endpoints.length;
    const replica = new PbftReplica({ n: s.n, id, session, ...s.config });
    const ep: Endpoint = {
      index, id, replica, honest, crashedAt: null, recoverAt: null, timers: new Map(), decisions: new Map(), results: new Map(),
      node: undefined as unknown as PbftNode,
    };
    const fault = s.faulty.find((x) => x.id === id);
    if (fault?.kind === 'byzantine') {
      const macs = limits.macs ? simulatedMacs(id, s.n, `sim-${s.seed}`) : undefined;
      adversaries.set(ep, new ByzantineMember(id, s.n, new SimulatedSigner(id, secrets[id]), rnd, new Set(fault.strategies), (to, env) => transmit(ep, to, env), macs));
    }
    ep.node = new PbftNode(replica, new SimulatedSigner(id, secrets[id]), verifier, {
      send: (to, env) => {
        const adversary = adversaries.get(ep);
        if (adversary) schedule(now, () => adversary.send(to, env));
        else transmit(ep, to, env);
      },
      setTimer: (key, ms) => {
        const gen = (ep.timers.get(key) ?? 0) + 1;
        ep.timers.set(key, gen);
        if (ms !== null) schedule(now + ms, () => fireTimer(ep, key, gen));
      },
      decided: (d: Decision) => {
        vouch(ep, audit.certificate(d.seq, null, d.certificate));
        ep.decisions.set(`${d.seq}:${d.index}`, `${d.client}:${d.session}:${d.reqId}:${JSON.stringify(d.value)}`);
      },
      resolved: (r: ClientResult) => ep.results.set(r.reqId, r),
    }, limits.macs ? { macs: simulatedMacs(id, s.n, `sim-${s.seed}`) } : undefined);
    endpoints.push(ep);
    return ep;
  };
  const fireTimer = async (ep: Endpoint, key: TimerKey, gen: number): Promise<void> => {
    if (ep.timers.get(key) !== gen) return;
    if (ep.crashedAt !== null) {
      if (ep.recoverAt !== null) schedule(ep.recoverAt + 1, () => fireTimer(ep, key, gen));
      return;
    }
    await ep.node.timeout(key);
  };
  const partitioned = (a: Endpoint, b: Endpoint, at: number): boolean =>
    s.partitions.some((p) => at >= p.from && at < p.to && p.groups[a.index] !== p.groups[b.index]);
  const transmit = (from: Endpoint, to: number | 'all', env: Envelope): void => {
    // Its own messages, and a new view it relays to a replica that missed it (it vouches for that too).
    if (env.from === from.id || env.body.t === 'new-view') vouch(from, audit.message(env));
    for (const ep of endpoints) {
      if (ep === from || (to !== 'all' && ep.id !== to)) continue;
      const chaos = now < s.healAt;
      if (chaos && (rnd() < s.dropRate || partitioned(from, ep, now))) continue;
      const copies = chaos && rnd() < s.duplicateRate ? 2 : 1;
      for (let c = 0; c < copies; c++) {
        const delay = 1 + Math.floor(rnd() * (chaos ? s.maxDelayMs : 3));
        messages++;
        schedule(now + delay, () => {
          if (ep.crashedAt !== null) return undefined;
          adversaries.get(ep)?.observe(env);
          return ep.node.deliver(env);
        });
      }
    }
  };

  for (let id = 0; id < s.n; id++) {
    const fault = s.faulty.find((x) => x.id === id);
    const ep = makeEndpoint(id, !fault, 1);
    if (fault?.kind === 'crash') {
      schedule(fault.at, () => { ep.crashedAt = fault.at; ep.recoverAt = fault.recoverAt; });
      if (fault.recoverAt !== null) schedule(fault.recoverAt, () => { ep.crashedAt = null; });
    }
  }
  for (const fault of s.faulty) if (fault.kind === 'twin') makeEndpoint(fault.id, false, 1);

  for (const r of s.requests) schedule(r.at, async () => { await endpoints[r.client].node.submit(r.value); });
  for (let k = 0; k < s.forgeries; k++) {
    schedule(Math.floor(rnd() * s.healAt), async () => {
      const target = endpoints[Math.floor(rnd() * endpoints.length)];
      const sig = 'ab'.repeat(32);
      await target.node.deliver('{"not":"pbft"');
      await target.node.deliver({ from: 900, body: { t: 'prepare', view: 0, seq: 1, digest: '0'.repeat(64) }, sig });
      await target.node.deliver({ from: 0, body: { t: 'commit', view: 0, seq: 1, digest: '1'.repeat(64) }, sig });
    });
  }

  const honest = endpoints.filter((e) => e.honest);
  const expected = s.requests.length;
  const done = () => s.requests.every((r) => [...endpoints[r.client].results.values()].some((x) => x.value === r.value));
  const deadline = Math.max(s.healAt, ...s.requests.map((r) => r.at), ...s.faulty.map((x) => (x.kind === 'crash' ? x.recoverAt ?? 0 : 0))) + limits.settleMs;
  let events = 0;
  while (queue.length > 0 && events < limits.maxEvents) {
    const ev = queue.shift()!;
    if (ev.at > deadline) break;
    now = ev.at;
    events++;
    await ev.run();
    if (now > s.healAt && done() && events % 64 === 0) break;
  }

  const violations: string[] = [...unsound];
  const positions = new Map<string, { value: string; at: number }>();
  const placeOf = new Map<string, string>();
  for (const ep of honest) {
    for (const [pos, value] of ep.decisions) {
      const prior = positions.get(pos);
      if (prior && prior.value !== value) violations.push(`safety: replicas ${prior.at} and ${ep.index} committed different values at ${pos}`);
      else positions.set(pos, { value, at: ep.index });
      const where = placeOf.get(value);
      if (where && where !== pos) violations.push(`safety: ${value} committed at ${where} and at ${pos}`);
      else placeOf.set(value, pos);
    }
    for (const r of ep.results.values()) {
      const pos = `${r.seq}:${r.index}`;
      const at = positions.get(pos);
      if (at && !at.value.endsWith(`:${JSON.stringify(r.value)}`)) violations.push(`safety: client ${ep.index} was told ${pos} holds ${JSON.stringify(r.value)}, replicas hold ${at.value}`);
    }
  }
  const safety = violations.length === 0;
  const liveness = done();
  if (!liveness) violations.push(`liveness: ${s.requests.filter((r) => ![...endpoints[r.client].results.values()].some((x) => x.value === r.value)).length} of ${expected} requests never committed`);
  const rejected: Record<string, number> = {};
  for (const ep of honest) for (const [k, v] of Object.entries(ep.replica.faults)) rejected[k] = (rejected[k] ?? 0) + v;
  const committed = s.requests.filter((r) => [...endpoints[r.client].results.values()].some((x) => x.value === r.value)).length;
  const stableCheckpoint = Math.min(...honest.map((e) => e.replica.stableSeq));
  const maxView = Math.max(...honest.map((e) => e.replica.view));
  return { seed: s.seed, safety, liveness, violations, committed, requests: expected, messages, endTime: now, rejected, stableCheckpoint, maxView };
}
