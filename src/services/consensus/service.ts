import { requireJson, type Json } from './codec';
import { ConsensusClosedError, ConsensusConfigError, ConsensusTimeoutError } from './errors';
import { RejectedNotices, type ConsensusEvent } from './events';
import { MESSAGE_LIMITS, type Envelope } from './messages';
import { PbftNode } from './node';
import { PbftReplica, type ClientResult, type Decision, type FaultKind, type ReplicaConfig, type TimerKey } from './replica';
import { Ed25519Signer, Ed25519Verifier, type ConsensusSigner, type ConsensusVerifier } from './signer';
import type { ConsensusTransport } from './transport';
import { PairwiseMacs } from './authenticator';
import { MacKeyExchange } from './mac-keys';

/** WebCrypto is there (X25519 itself is checked when the key pair is made: a failure leaves signatures). */
const x25519Likely = (): boolean => typeof crypto !== 'undefined' && typeof crypto.subtle?.generateKey === 'function';

export interface ConsensusOptions {
  /** This replica's index in `members`. */
  id: number;
  /** The membership list: Ed25519 public keys (hex), one per replica, n = 3f+1. */
  members: string[];
  /** This replica's Ed25519 private key (WebCrypto). */
  privateKey: CryptoKey;
  transport: ConsensusTransport;
  /** Every replica of the group runs in this page or process, so one crash takes them all: no fault is tolerated. */
  allInOnePlace?: boolean;
  /** PBFT tuning (batching, checkpoints, timeouts); quorum is fixed at 2f+1 here. */
  config?: Omit<ReplicaConfig, 'n' | 'id' | 'quorum'>;
  /**
   * MAC authenticators on the hot path (PBFT): pairwise keys set up from signed X25519 keys; default
   * true. false: every message Ed25519-signed and verified (as before issue 21).
   */
  macs?: boolean;
  /** Overrides for tests: a different signer/verifier (same interface). */
  signer?: ConsensusSigner;
  verifier?: ConsensusVerifier;
}

export interface ProposeResult {
  value: Json;
  view: number;
  seq: number;
  index: number;
  /** 2f+1 signed commits (own execution) or f+1 signed replies: the proof the value is committed. */
  certificate: Envelope[];
  timing: { ms: number; source: ClientResult['source'] };
}

export interface ConsensusStatus {
  id: number;
  view: number;
  leader: number;
  active: boolean;
  replicas: number;
  f: number;
  /** Every replica runs in this page or process (the option of that name). */
  allInOnePlace: boolean;
  /** f, or 0 when every replica runs in one place: one crash takes them all. */
  faultsTolerated: number;
  lastExecuted: number;
  stableCheckpoint: number;
  pending: number;
  transport: ConsensusTransport['kind'];
  connectedPeers: number[] | null;
  faults: Record<FaultKind, number>;
}

/**
 * PBFT consensus among tabs or peers: one replica here, its peers over the transport. Real timers
 * and the network live here; the protocol lives in PbftReplica.
 */
export class ConsensusService {
  private readonly replica: PbftReplica;
  private readonly node: PbftNode;
  private readonly timers = new Map<TimerKey, ReturnType<typeof setTimeout>>();
  private readonly waiting = new Map<number, (r: ClientResult) => void>();
  private readonly early = new Map<number, ClientResult>();
  private readonly listeners = new Set<(d: Decision) => void>();
  private readonly eventListeners = new Set<(e: ConsensusEvent) => void>();
  private readonly notices = new RejectedNotices();
  private readonly seenCounters = { viewChanges: 0, stateTransfers: 0 };
  private closed = false;

  constructor(private readonly options: ConsensusOptions) {
    const n = options.members.length;
    if (n < 4 || (n - 1) % 3 !== 0) {
      throw new ConsensusConfigError(`members has ${n} keys`, 'PBFT needs n = 3f+1 replicas: 4, 7, 10, ...');
    }
    if (!Number.isInteger(options.id) || options.id < 0 || options.id >= n) {
      throw new ConsensusConfigError(`id is ${options.id}`, `id must be this replica's index in members, 0 to ${n - 1}`);
    }
    this.replica = new PbftReplica({ ...options.config, n, id: options.id, session: options.config?.session ?? Date.now() });
    const signer = options.signer ?? new Ed25519Signer(options.id, options.privateKey);
    const verifier = options.verifier ?? new Ed25519Verifier(options.members);
    const macs = new PairwiseMacs(options.id, n);
    const auth = options.macs === false || !x25519Likely() ? undefined : { macs, exchange: new MacKeyExchange(macs) };
    this.node = new PbftNode(this.replica, signer, verifier, {
      send: (to, env) => options.transport.send(to, JSON.stringify(env)),
      setTimer: (key, ms) => this.setTimer(key, ms),
      decided: (d) => {
        this.listeners.forEach((l) => l(d));
        this.emitEvent({ type: 'decision', seq: d.seq });
      },
      rejected: (kind) => {
        this.emitEvent({ type: 'fault', kind });
        const notice = this.notices.note(kind);
        if (notice) this.emitEvent(notice);
      },
      resolved: (r) => {
        const w = this.waiting.get(r.reqId);
        if (w) w(r);
        else this.early.set(r.reqId, r);
      },
    }, auth);
    options.transport.onMessage((data) => void this.node.deliver(data).then(() => this.emitCounters()));
    // A reloaded tab rejoins with an empty log: it fetches the group's state before it proposes.
    void this.node.catchUp().then(() => this.emitCounters());
    // Until it holds a MAC key with every member, this replica signs everything (still valid everywhere).
    void this.node.announceKey().catch(() => undefined);
  }

  /** Orders `value` among all replicas; resolves once it is committed (2f+1) and executed. */
  async propose(value: Json, { timeoutMs = 10_000 }: { timeoutMs?: number } = {}): Promise<ProposeResult> {
    if (this.closed) throw new ConsensusClosedError('propose() after close()');
    requireJson('value', value, MESSAGE_LIMITS.maxValueBytes);
    const started = performance.now();
    const reqId = await this.node.submit(value);
    const result = await new Promise<ClientResult>((resolve, reject) => {
      const done = this.early.get(reqId);
      if (done) {
        this.early.delete(reqId);
        return resolve(done);
      }
      const timer = setTimeout(() => {
        this.waiting.delete(reqId);
        reject(new ConsensusTimeoutError(`request ${reqId} did not commit within ${timeoutMs} ms (view ${this.replica.view})`));
      }, timeoutMs);
      this.waiting.set(reqId, (r) => {
        clearTimeout(timer);
        this.waiting.delete(reqId);
        resolve(r);
      });
    });
    return {
      value: result.value, view: result.view, seq: result.seq, index: result.index, certificate: result.certificate,
      timing: { ms: performance.now() - started, source: result.source },
    };
  }

  /** Every value this replica executes, in order. Returns an unsubscribe function. */
  onDecision(listener: (d: Decision) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Decisions, view changes, state transfers and rejected messages as they happen (for metrics and
   * the app's consensus panel). Returns an unsubscribe function.
   */
  onEvent(listener: (e: ConsensusEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  private emitEvent(e: ConsensusEvent): void {
    for (const l of this.eventListeners) l(e);
  }

  /** View changes and state transfers are counted by the replica; report the new ones. */
  private emitCounters(): void {
    const c = this.replica.counters;
    for (; this.seenCounters.viewChanges < c.viewChanges; this.seenCounters.viewChanges++) this.emitEvent({ type: 'view-change', view: this.replica.view });
    for (; this.seenCounters.stateTransfers < c.stateTransfers; this.seenCounters.stateTransfers++) this.emitEvent({ type: 'state-transfer', lastExecuted: this.replica.lastExecuted });
  }

  status(): ConsensusStatus {
    const r = this.replica;
    return {
      id: r.id, view: r.view, leader: r.primary, active: r.active, replicas: r.n, f: r.f, allInOnePlace: this.options.allInOnePlace ?? false, faultsTolerated: this.options.allInOnePlace ? 0 : r.f,
      lastExecuted: r.lastExecuted, stableCheckpoint: r.stableSeq, pending: r.pendingCount,
      transport: this.options.transport.kind, connectedPeers: this.options.transport.connectedPeers(),
      faults: { ...r.faults },
    };
  }

  /** Hands a raw message to this replica as if it came from the network (tests of hostile input). */
  deliverRaw(data: unknown): Promise<void> {
    return this.node.deliver(data).then(() => this.emitCounters());
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await this.node.close();
    this.options.transport.close();
  }

  private setTimer(key: TimerKey, ms: number | null): void {
    const old = this.timers.get(key);
    if (old !== undefined) clearTimeout(old);
    this.timers.delete(key);
    if (ms === null || this.closed) return;
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      void this.node.timeout(key).then(() => this.emitCounters());
    }, ms));
  }
}

export function createConsensus(options: ConsensusOptions): ConsensusService {
  return new ConsensusService(options);
}
