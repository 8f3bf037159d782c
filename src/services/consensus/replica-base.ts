import type { Body, CheckpointBody, Envelope, NewViewBody, PrePrepareBody, PreparedProof, ReplyBody, RequestBody, Snapshot, ViewChangeBody } from './messages';
import type { PlantedBug } from './planted-bugs';
import { SessionTable } from './sessions';
import { GENESIS, type Membership } from './view-change';
import { REPLICA_LIMITS, VOTE_BYTES, approximateBytes, type ReplicaConfig, type TimerKey, type FaultKind, type Outbox, type Slot, type Votes } from './replica-types';

/**
 * The replica's state and plumbing: configuration, logs and votes, the bounds on what others make it
 * hold, timers and the outbox. The protocol's steps live in the classes above it (replica.ts).
 */
export abstract class ReplicaBase {
  readonly n: number;
  readonly f: number;
  readonly id: number;
  readonly quorum: number;
  readonly K: number;
  readonly L: number;
  protected readonly batchMax: number;
  protected readonly depth: number;
  protected readonly timeoutMs: number;
  readonly session: number;
  view = 0;
  active = true;
  lastExecuted = 0;
  stableSeq = 0;
  protected stableDigest = GENESIS;
  protected stableProof: Envelope<CheckpointBody>[] = [];
  protected chain = GENESIS;
  protected nextSeq = 0;
  protected vcAttempts = 0;
  protected newViewSent = -1;
  protected plan = new Map<number, string>();

  /** Own view changes not yet answered by a new view: re-sent until one is (lossy networks). */
  protected readonly myViewChanges = new Map<number, ViewChangeBody>();
  protected acceptedNewView: Envelope<NewViewBody> | null = null;
  protected progressArmed = false;
  protected fetchNonce = 0;

  /** Fetches asked for the gap after lastExecuted `at`. */
  protected gapFetches = { at: -1, count: 0 };
  protected readonly slots = new Map<number, Slot>();
  protected readonly votes = new Map<string, Votes>();
  protected readonly prepared = new Map<number, PreparedProof>();
  protected readonly checkpoints = new Map<number, Map<number, Envelope<CheckpointBody>>>();
  protected readonly snapshots = new Map<number, Snapshot>();

  /** One view change per sender: its highest. */
  protected readonly viewChanges = new Map<number, Envelope<ViewChangeBody>>();
  protected readonly futurePrePrepares = new Map<string, Envelope<PrePrepareBody>>();

  /** Bytes each sender has stored for views this replica has not entered. */
  protected readonly aheadBytes = new Map<number, number>();
  protected readonly relays = new Map<number, { view: number; count: number }>();
  protected readonly pending = new Map<string, Envelope<RequestBody>>();
  protected readonly pendingByClient = new Map<number, number>();
  protected lastServed = -1;
  protected readonly assigned = new Set<string>();
  protected readonly sessions: SessionTable;
  protected readonly bug: PlantedBug | undefined;
  protected readonly m: Membership;
  protected readonly own = new Map<number, RequestBody>();
  protected readonly replies = new Map<string, Map<number, Envelope<ReplyBody>>>();
  protected nextReqId = 0;
  readonly faults: Record<FaultKind, number> = {
    malformed: 0, unknownKey: 0, badSignature: 0, replay: 0, wrongView: 0, stale: 0, wrongSender: 0, equivocation: 0, invalidProof: 0, overBudget: 0,
  };

  /** View changes entered, decisions executed, state transfers adopted: for metrics. */
  readonly counters = { viewChanges: 0, decisions: 0, stateTransfers: 0 };
  protected out: Outbox = ReplicaBase.emptyOutbox();

  /** Snapshots kept for the stable checkpoint after truncation (for state transfer). */
  protected readonly stableSnapshots = new Map<number, Snapshot>();

  constructor(config: ReplicaConfig) {
    this.n = config.n;
    this.f = Math.floor((config.n - 1) / 3);
    this.id = config.id;
    this.bug = config.plantedBug;
    this.quorum = config.quorum ?? (this.bug === 'quorum-2f' ? 2 * this.f : 2 * this.f + 1);
    this.K = config.checkpointInterval ?? 16;
    this.L = config.window ?? 4 * this.K;
    this.batchMax = config.batchMax ?? 1;
    this.depth = config.pipelineDepth ?? 8;
    this.timeoutMs = config.requestTimeoutMs ?? 1000;
    this.session = config.session ?? 0;
    this.sessions = new SessionTable();
    this.m = { n: this.n, quorum: this.quorum, L: this.L, bug: this.bug };
  }

  static emptyOutbox(): Outbox {
    return { send: [], relay: [], timers: [], decisions: [], results: [], faults: [] };
  }

  primaryOf(view: number): number {
    return view % this.n;
  }

  get primary(): number {
    return this.primaryOf(this.view);
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** What this replica holds that others sent it (bytes about), bounded by REPLICA_LIMITS; for tests and metrics. */
  footprint(): { bytes: number; votes: number; futurePrePrepares: number; viewChanges: number; pending: number; sessions: number } {
    let bytes = 0;
    let votes = 0;
    for (const v of this.votes.values()) votes += v.prepares.size + v.commits.size;
    bytes += votes * VOTE_BYTES;
    for (const env of this.futurePrePrepares.values()) bytes += approximateBytes(env);
    for (const env of this.viewChanges.values()) bytes += approximateBytes(env);
    for (const env of this.pending.values()) bytes += approximateBytes(env);
    for (const snap of this.snapshots.values()) bytes += approximateBytes(snap);
    return { bytes, votes, futurePrePrepares: this.futurePrePrepares.size, viewChanges: this.viewChanges.size, pending: this.pending.size, sessions: this.sessions.size };
  }

  /** Records a fault found by the host (malformed, unknown key, bad signature, replay). */
  noteFault(kind: FaultKind): void {
    this.faults[kind]++;
  }

  protected addPending(key: string, env: Envelope<RequestBody>): void {
    this.pending.set(key, env);
    this.pendingByClient.set(env.body.client, (this.pendingByClient.get(env.body.client) ?? 0) + 1);
  }

  protected deletePending(key: string): void {
    const env = this.pending.get(key);
    if (!env) return;
    this.pending.delete(key);
    const left = (this.pendingByClient.get(env.body.client) ?? 1) - 1;
    if (left > 0) this.pendingByClient.set(env.body.client, left);
    else this.pendingByClient.delete(env.body.client);
  }

  protected inWindow(seq: number): boolean {
    return seq > this.stableSeq && seq <= this.stableSeq + this.L;
  }

  protected votesFor(view: number, seq: number): Votes {
    const key = `${view}:${seq}`;
    let v = this.votes.get(key);
    if (!v) {
      v = { prepares: new Map(), commits: new Map() };
      this.votes.set(key, v);
    }
    return v;
  }

  /** PBFT's watermarks: a view in [v, v + viewsAhead] and a sequence number in (h, h + L]. */
  protected voteWindow(b: { view: number; seq: number }): FaultKind | null {
    if (b.view < this.view) return 'wrongView';
    if (b.view > this.view + REPLICA_LIMITS.viewsAhead || !this.inWindow(b.seq)) return 'stale';
    return null;
  }

  /** Charges a sender for what it makes this replica keep for a view not yet entered; false when over budget. */
  protected chargeAhead(from: number, bytes: number): boolean {
    const used = this.aheadBytes.get(from) ?? 0;
    if (used + bytes > REPLICA_LIMITS.aheadBytes) return false;
    this.aheadBytes.set(from, used + bytes);
    return true;
  }

  /** After entering a view, each sender is charged only for what it still has stored for later views. */
  protected rechargeAhead(): void {
    this.aheadBytes.clear();
    for (const env of this.futurePrePrepares.values()) this.aheadBytes.set(env.from, (this.aheadBytes.get(env.from) ?? 0) + approximateBytes(env));
    for (const [key, votes] of this.votes) {
      if (Number(key.split(':')[0]) <= this.view) continue;
      for (const from of [...votes.prepares.keys(), ...votes.commits.keys()]) this.aheadBytes.set(from, (this.aheadBytes.get(from) ?? 0) + VOTE_BYTES);
    }
  }

  protected armProgress(restart = false, ms = this.timeoutMs * 2 ** Math.min(this.vcAttempts, 4)): void {
    if (this.progressArmed && !restart) return;
    this.progressArmed = true;
    this.out.timers.push({ key: 'progress', ms });
  }

  protected disarmProgress(): void {
    if (!this.progressArmed) return;
    this.progressArmed = false;
    this.out.timers.push({ key: 'progress', ms: null });
  }

  protected setTimer(key: TimerKey, ms: number): void {
    this.out.timers.push({ key, ms });
  }

  protected fault(kind: FaultKind): void {
    this.faults[kind]++;
    this.out.faults.push(kind);
  }

  protected emit(to: number | 'all', body: Body): void {
    this.out.send.push({ to, body });
  }

  protected flush(): Outbox {
    const out = this.out;
    this.out = ReplicaBase.emptyOutbox();
    return out;
  }
}
