import { digestOf, sha256Hex, type Json } from './codec';
import type {
  Body, CheckpointBody, CommitBody, CommittedEntry, Envelope, FetchBody, NewViewBody, PrePrepareBody,
  PrepareBody, PreparedProof, ReplyBody, RequestBody, Snapshot, StateBody, ViewChangeBody,
} from './messages';
import type { PlantedBug } from './planted-bugs';
import { SessionTable } from './sessions';
import {
  checkpointQuorum, computePlan, digestRequests, GENESIS, isCheckpointProof, prepareQuorum, validViewChange, type Membership, type PlanItem,
} from './view-change';

/**
 * PBFT replica (Castro & Liskov) as a pure, deterministic state machine: verified messages and timer
 * expiries in, messages to send, timers to set and decisions out. No clocks, no I/O, no randomness.
 *
 * Own messages are not counted when sent: the host signs them and feeds them back through receive(),
 * so a replica's log only ever holds signed messages, which it can hand on as certificates.
 */
export interface ReplicaConfig {
  n: number;
  id: number;
  /** Votes needed for prepared/committed/checkpoint/view change. Default 2f+1; 2f is the broken variant. */
  quorum?: number;
  /** A checkpoint every K executed sequence numbers (log truncation). */
  checkpointInterval?: number;
  /** Sequence numbers a primary may assign beyond the stable checkpoint (high watermark). */
  window?: number;
  /** Requests per pre-prepare: 1 = no batching. */
  batchMax?: number;
  /** Sequence numbers a primary keeps in flight before it waits (and batches). */
  pipelineDepth?: number;
  /** Time a pending request may wait before a view change; doubles per failed view change. */
  requestTimeoutMs?: number;
  /** Client session: distinguishes restarts of the same replica as a client. */
  session?: number;
  /** Test-only: a bug the mutation check plants to show the simulator catches it. */
  plantedBug?: PlantedBug;
}

export type TimerKey = 'progress' | 'retransmit';
export type FaultKind =
  | 'malformed' | 'unknownKey' | 'badSignature' | 'replay' | 'wrongView' | 'stale' | 'wrongSender'
  | 'equivocation' | 'invalidProof' | 'overBudget';

/** A value executed at a sequence number (with its place in the batch) and the commit certificate. */
export interface Decision {
  seq: number; view: number; index: number;
  client: number; session: number; reqId: number;
  value: Json; certificate: Envelope<CommitBody>[];
}

/** The answer to this replica's own request: from local execution or f+1 matching replies. */
export interface ClientResult {
  reqId: number; seq: number; view: number; index: number; value: Json;
  certificate: Envelope[]; source: 'execution' | 'replies';
}

export interface Outbox {
  send: Array<{ to: number | 'all'; body: Body }>;
  /** Messages signed by others, passed on unchanged (a new view to a replica that missed it). */
  relay: Array<{ to: number; env: Envelope }>;
  timers: Array<{ key: TimerKey; ms: number | null }>;
  decisions: Decision[];
  results: ClientResult[];
  faults: FaultKind[];
}

export { digestRequests };

interface Slot { view: number; digest: string; requests: Envelope<RequestBody>[]; prePrepare: Envelope<PrePrepareBody> | null; prepared: boolean; commitSent: boolean; committed: boolean; commits: Envelope<CommitBody>[] }
interface Votes { prepares: Map<number, Envelope<PrepareBody>>; commits: Map<number, Envelope<CommitBody>> }

/**
 * Bounds on what a member can make a replica hold (PBFT's watermarks and per-sender budgets):
 * - viewsAhead: prepares, commits and pre-prepares are kept for views up to this many past the current;
 * - aheadBytes: what one sender may have stored for views not yet entered;
 * - pendingPerClient: requests of one client waiting to be ordered;
 * - relaysPerSender: times a replica re-sends its NEW-VIEW to one replica that missed it, per view;
 * - gapFetches: times a replica asks for the batches it missed before it executes another one.
 */
export const REPLICA_LIMITS = { viewsAhead: 4, aheadBytes: 4 * 1024 * 1024, pendingPerClient: 256, relaysPerSender: 4, gapFetches: 3 } as const;
const VOTE_BYTES = 400;

const requestKey = (b: RequestBody): string => `${b.client}:${b.session}:${b.reqId}`;

export class PbftReplica {
  readonly n: number;
  readonly f: number;
  readonly id: number;
  readonly quorum: number;
  readonly K: number;
  readonly L: number;
  private readonly batchMax: number;
  private readonly depth: number;
  private readonly timeoutMs: number;
  readonly session: number;

  view = 0;
  active = true;
  lastExecuted = 0;
  stableSeq = 0;
  private stableDigest = GENESIS;
  private stableProof: Envelope<CheckpointBody>[] = [];
  private chain = GENESIS;
  private nextSeq = 0;
  private vcAttempts = 0;
  private newViewSent = -1;
  private plan = new Map<number, string>();
  /** Own view changes not yet answered by a new view: re-sent until one is (lossy networks). */
  private readonly myViewChanges = new Map<number, ViewChangeBody>();
  private acceptedNewView: Envelope<NewViewBody> | null = null;
  private progressArmed = false;
  private fetchNonce = 0;
  /** Fetches asked for the gap after lastExecuted `at`. */
  private gapFetches = { at: -1, count: 0 };

  private readonly slots = new Map<number, Slot>();
  private readonly votes = new Map<string, Votes>();
  private readonly prepared = new Map<number, PreparedProof>();
  private readonly checkpoints = new Map<number, Map<number, Envelope<CheckpointBody>>>();
  private readonly snapshots = new Map<number, Snapshot>();
  /** One view change per sender: its highest. */
  private readonly viewChanges = new Map<number, Envelope<ViewChangeBody>>();
  private readonly futurePrePrepares = new Map<string, Envelope<PrePrepareBody>>();
  /** Bytes each sender has stored for views this replica has not entered. */
  private readonly aheadBytes = new Map<number, number>();
  private readonly relays = new Map<number, { view: number; count: number }>();
  private readonly pending = new Map<string, Envelope<RequestBody>>();
  private readonly pendingByClient = new Map<number, number>();
  private lastServed = -1;
  private readonly assigned = new Set<string>();
  private readonly sessions: SessionTable;
  private readonly bug: PlantedBug | undefined;
  private readonly m: Membership;
  private readonly own = new Map<number, RequestBody>();
  private readonly replies = new Map<string, Map<number, Envelope<ReplyBody>>>();
  private nextReqId = 0;
  readonly faults: Record<FaultKind, number> = {
    malformed: 0, unknownKey: 0, badSignature: 0, replay: 0, wrongView: 0, stale: 0, wrongSender: 0, equivocation: 0, invalidProof: 0, overBudget: 0,
  };
  /** View changes entered, decisions executed, state transfers adopted: for metrics. */
  readonly counters = { viewChanges: 0, decisions: 0, stateTransfers: 0 };

  private out: Outbox = PbftReplica.emptyOutbox();

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

  /** A new request from this replica as a client; the host signs and broadcasts it (itself included). */
  submit(value: Json): { reqId: number; out: Outbox } {
    const reqId = ++this.nextReqId;
    const body: RequestBody = { t: 'request', client: this.id, session: this.session, reqId, value };
    this.own.set(reqId, body);
    this.emit('all', body);
    this.setTimer('retransmit', this.timeoutMs);
    return { reqId, out: this.flush() };
  }

  /** A replica (re)starting with an empty log asks the others for state first (a reloaded tab). */
  catchUp(): Outbox {
    this.askForState();
    return this.flush();
  }

  /** Records a fault found by the host (malformed, unknown key, bad signature, replay). */
  noteFault(kind: FaultKind): void {
    this.faults[kind]++;
  }

  /** One verified message (its signature and those of every nested message already checked). */
  receive(env: Envelope): Outbox {
    const b = env.body;
    switch (b.t) {
      case 'request': this.onRequest(env as Envelope<RequestBody>); break;
      case 'pre-prepare': this.onPrePrepare(env as Envelope<PrePrepareBody>); break;
      case 'prepare': this.onPrepare(env as Envelope<PrepareBody>); break;
      case 'commit': this.onCommit(env as Envelope<CommitBody>); break;
      case 'reply': this.onReply(env as Envelope<ReplyBody>); break;
      case 'checkpoint': this.onCheckpoint(env as Envelope<CheckpointBody>); break;
      case 'view-change': this.onViewChange(env as Envelope<ViewChangeBody>); break;
      case 'new-view': this.onNewView(env as Envelope<NewViewBody>); break;
      case 'fetch': this.onFetch(env.from, b); break;
      case 'state': this.onState(b); break;
    }
    return this.flush();
  }

  /**
   * Cheap checks on a message whose own signature is valid, run before the certificates inside it
   * are verified: PBFT's watermarks, one view change per sender, state only as an answer to a fetch.
   * The state may move on before the message is handled; receive() checks again.
   */
  admit(env: Envelope): FaultKind | null {
    const b = env.body;
    switch (b.t) {
      case 'pre-prepare':
        return env.from !== this.primaryOf(b.view) ? 'wrongSender' : this.voteWindow(b);
      case 'view-change': {
        const accepted = this.acceptedNewView?.body.view ?? -1;
        if (b.view <= accepted && !(b.view === this.view && !this.active)) return null; // it may earn a relay
        if (b.view < this.view || (b.view === this.view && this.active)) return 'wrongView';
        const prior = this.viewChanges.get(env.from);
        return prior && prior.body.view > b.view ? 'stale' : null;
      }
      case 'new-view':
        if (env.from !== this.primaryOf(b.view)) return 'wrongSender';
        return b.view < this.view || (b.view === this.view && this.active) ? 'wrongView' : null;
      case 'state':
        return b.nonce > this.fetchNonce || b.nonce + 4 <= this.fetchNonce ? 'stale' : null;
      default:
        return null;
    }
  }

  /** A timer set through Outbox.timers has fired. */
  timeout(key: TimerKey): Outbox {
    if (key === 'retransmit') {
      for (const body of this.own.values()) this.emit('all', body);
      if (this.own.size > 0) this.setTimer('retransmit', this.timeoutMs);
    } else {
      this.progressArmed = false;
      // A lost checkpoint message leaves the log unstable and, at the high watermark, stalls the primary.
      const latest = Math.max(0, ...this.snapshots.keys());
      if (latest > this.stableSeq) this.emit('all', { t: 'checkpoint', seq: latest, digest: digestOf(this.snapshots.get(latest)) });
      if (!this.active && this.wanting(this.view) < this.quorum) {
        // Too few replicas want this view yet: say so again (messages may have been lost) and wait.
        for (const vc of this.myViewChanges.values()) this.emit('all', vc);
        this.armProgress(true);
      } else if (this.pending.size > 0 || !this.active) {
        this.askForState();
        this.startViewChange(this.view + 1);
      }
    }
    return this.flush();
  }

  // ---- normal case -------------------------------------------------------------------------------

  private onRequest(env: Envelope<RequestBody>): void {
    const b = env.body;
    if (env.from !== b.client) return this.fault('wrongSender');
    if (this.sessions.retired(b.client, b.session)) return this.fault('stale');
    if (this.sessions.isDone(b)) {
      const cached = this.sessions.cachedReply(b);
      if (cached) this.emit(b.client, { t: 'reply', view: this.view, seq: cached.seq, index: cached.index, client: b.client, session: b.session, reqId: b.reqId, digest: cached.digest });
      return;
    }
    const key = requestKey(b);
    if (this.pending.has(key)) return;
    // A client may keep only so many requests waiting; more are refused (it retransmits later).
    if ((this.pendingByClient.get(b.client) ?? 0) >= REPLICA_LIMITS.pendingPerClient) return this.fault('overBudget');
    this.addPending(key, env);
    this.armProgress();
    this.tryPropose();
  }

  private addPending(key: string, env: Envelope<RequestBody>): void {
    this.pending.set(key, env);
    this.pendingByClient.set(env.body.client, (this.pendingByClient.get(env.body.client) ?? 0) + 1);
  }
  private deletePending(key: string): void {
    const env = this.pending.get(key);
    if (!env) return;
    this.pending.delete(key);
    const left = (this.pendingByClient.get(env.body.client) ?? 1) - 1;
    if (left > 0) this.pendingByClient.set(env.body.client, left);
    else this.pendingByClient.delete(env.body.client);
  }

  private tryPropose(): void {
    if (!this.active || this.primary !== this.id) return;
    if (this.nextSeq - this.lastExecuted >= this.depth || this.nextSeq + 1 > this.stableSeq + this.L) return;
    // Fair batching: clients take turns, so one client's flood cannot starve another's request.
    const queues = new Map<number, Array<[string, Envelope<RequestBody>]>>();
    for (const entry of this.pending) {
      if (this.assigned.has(entry[0])) continue;
      const q = queues.get(entry[1].body.client);
      if (q) q.push(entry);
      else queues.set(entry[1].body.client, [entry]);
    }
    // Turns continue from the client served last, across calls (one slot often frees at a time).
    const turns = [...queues.entries()].sort((x, y) => x[0] - y[0]).map(([, q]) => q);
    const clients = [...queues.keys()].sort((x, y) => x - y);
    let turn = Math.max(0, clients.findIndex((c) => c > this.lastServed));
    while (this.nextSeq - this.lastExecuted < this.depth && this.nextSeq + 1 <= this.stableSeq + this.L) {
      const batch: Envelope<RequestBody>[] = [];
      for (let idle = 0; batch.length < this.batchMax && idle < turns.length; turn = (turn + 1) % turns.length) {
        const next = turns[turn].shift();
        if (!next) { idle++; continue; }
        idle = 0;
        this.lastServed = next[1].body.client;
        batch.push(next[1]);
        this.assigned.add(next[0]);
      }
      if (batch.length === 0) return;
      const seq = ++this.nextSeq;
      this.emit('all', { t: 'pre-prepare', view: this.view, seq, digest: digestRequests(batch), requests: batch });
    }
  }

  private inWindow(seq: number): boolean {
    return seq > this.stableSeq && seq <= this.stableSeq + this.L;
  }

  private onPrePrepare(env: Envelope<PrePrepareBody>): void {
    const b = env.body;
    if (env.from !== this.primaryOf(b.view)) return this.fault('wrongSender');
    const window = this.voteWindow(b);
    if (window) return this.fault(window);
    // Kept for a view not yet entered within the sender's budget; its digest is checked on entry.
    if (b.view > this.view || !this.active) {
      const key = `${b.view}:${b.seq}:${b.digest}`;
      if (this.futurePrePrepares.has(key)) return;
      if (!this.chargeAhead(env.from, approximateBytes(env))) return this.fault('overBudget');
      this.futurePrePrepares.set(key, env);
      return;
    }
    if (digestRequests(b.requests) !== b.digest || b.requests.some((r) => r.from !== r.body.client)) return this.fault('invalidProof');
    const slot = this.slots.get(b.seq);
    if (slot && slot.view === b.view && slot.prePrepare) {
      if (slot.digest !== b.digest) {
        this.fault('equivocation');
        this.startViewChange(this.view + 1);
      }
      return;
    }
    const planned = this.plan.get(b.seq);
    if (planned !== undefined && planned !== b.digest) return this.fault('invalidProof');
    if (slot?.committed && slot.digest !== b.digest) return this.fault('invalidProof');
    this.slots.set(b.seq, {
      view: b.view, digest: b.digest, requests: b.requests, prePrepare: env,
      prepared: false, commitSent: false, committed: slot?.committed ?? false, commits: slot?.commits ?? [],
    });
    if (this.primary === this.id) this.nextSeq = Math.max(this.nextSeq, b.seq);
    for (const r of b.requests) {
      const key = requestKey(r.body);
      if (!this.sessions.isDone(r.body) && !this.pending.has(key)) this.addPending(key, r);
      this.assigned.add(key);
    }
    if (b.requests.length > 0) this.armProgress();
    if (this.id !== this.primaryOf(b.view)) this.emit('all', { t: 'prepare', view: b.view, seq: b.seq, digest: b.digest });
    this.checkPrepared(b.seq);
  }

  private votesFor(view: number, seq: number): Votes {
    const key = `${view}:${seq}`;
    let v = this.votes.get(key);
    if (!v) {
      v = { prepares: new Map(), commits: new Map() };
      this.votes.set(key, v);
    }
    return v;
  }

  /** PBFT's watermarks: a view in [v, v + viewsAhead] and a sequence number in (h, h + L]. */
  private voteWindow(b: { view: number; seq: number }): FaultKind | null {
    if (b.view < this.view) return 'wrongView';
    if (b.view > this.view + REPLICA_LIMITS.viewsAhead || !this.inWindow(b.seq)) return 'stale';
    return null;
  }

  /** Charges a sender for what it makes this replica keep for a view not yet entered; false when over budget. */
  private chargeAhead(from: number, bytes: number): boolean {
    const used = this.aheadBytes.get(from) ?? 0;
    if (used + bytes > REPLICA_LIMITS.aheadBytes) return false;
    this.aheadBytes.set(from, used + bytes);
    return true;
  }

  private onPrepare(env: Envelope<PrepareBody>): void {
    const b = env.body;
    if (env.from === this.primaryOf(b.view)) return this.fault('wrongSender');
    const window = this.voteWindow(b);
    if (window) return this.fault(window);
    const votes = this.votesFor(b.view, b.seq).prepares;
    const prior = votes.get(env.from);
    if (prior) {
      if (prior.body.digest !== b.digest) this.fault('equivocation');
      return;
    }
    if ((b.view > this.view || !this.active) && !this.chargeAhead(env.from, VOTE_BYTES)) return this.fault('overBudget');
    votes.set(env.from, env);
    this.checkPrepared(b.seq);
  }

  private onCommit(env: Envelope<CommitBody>): void {
    const b = env.body;
    const window = this.voteWindow(b);
    if (window) return this.fault(window);
    const votes = this.votesFor(b.view, b.seq).commits;
    const prior = votes.get(env.from);
    if (prior) {
      if (prior.body.digest !== b.digest) this.fault('equivocation');
      return;
    }
    if ((b.view > this.view || !this.active) && !this.chargeAhead(env.from, VOTE_BYTES)) return this.fault('overBudget');
    votes.set(env.from, env);
    this.checkCommitted(b.seq);
    // f+1 replicas committed a batch whose pre-prepare this replica never saw: at least one honest
    // replica holds it with its certificate, so fetch it rather than wait for a checkpoint.
    const slot = this.slots.get(b.seq);
    if (b.seq > this.lastExecuted && !slot?.committed && !(slot?.prePrepare && slot.view === b.view)) {
      const matching = [...votes.values()].filter((c) => c.body.digest === b.digest).length;
      if (matching >= this.f + 1) this.fetchMissing();
    }
  }

  private checkPrepared(seq: number): void {
    const slot = this.slots.get(seq);
    if (!slot || !slot.prePrepare || slot.view !== this.view || !this.active) return;
    if (!slot.prepared) {
      const matching = [...this.votesFor(slot.view, seq).prepares.values()].filter((p) => p.body.digest === slot.digest);
      const needed = prepareQuorum(this.m);
      if (matching.length < needed) return;
      slot.prepared = true;
      this.prepared.set(seq, { prePrepare: slot.prePrepare, prepares: matching.slice(0, needed) });
    }
    if (!slot.commitSent) {
      slot.commitSent = true;
      this.emit('all', { t: 'commit', view: slot.view, seq, digest: slot.digest });
    }
    this.checkCommitted(seq);
  }

  private checkCommitted(seq: number): void {
    const slot = this.slots.get(seq);
    if (!slot || !slot.prepared || slot.committed) return;
    const matching = [...this.votesFor(slot.view, seq).commits.values()].filter((c) => c.body.digest === slot.digest);
    const needed = this.bug === 'commit-2f' ? this.quorum - 1 : this.quorum;
    if (matching.length < needed) return;
    slot.committed = true;
    slot.commits = matching.slice(0, needed);
    this.execute();
    // Committed but not executable: batches before it are missing here (lost messages, a reload).
    if (this.lastExecuted < seq) this.fetchMissing();
  }

  /** Asks for the committed batches after lastExecuted, a few times per gap (answers may be lost too). */
  private fetchMissing(): void {
    if (this.gapFetches.at !== this.lastExecuted) this.gapFetches = { at: this.lastExecuted, count: 0 };
    if (this.gapFetches.count >= REPLICA_LIMITS.gapFetches) return;
    this.gapFetches.count++;
    this.askForState();
  }

  private execute(): void {
    let progressed = false;
    for (let slot = this.slots.get(this.lastExecuted + 1); slot?.committed; slot = this.slots.get(this.lastExecuted + 1)) {
      const seq = this.lastExecuted + 1;
      slot.requests.forEach((r, index) => this.executeRequest(r.body, seq, slot!.view, index, slot!.commits));
      this.chain = sha256Hex(`${this.chain}${slot.digest}`);
      this.lastExecuted = seq;
      progressed = true;
      if (seq % this.K === 0) {
        this.sessions.collect(seq);
        const snapshot = this.snapshot();
        this.snapshots.set(seq, snapshot);
        this.emit('all', { t: 'checkpoint', seq, digest: digestOf(snapshot) });
      }
    }
    if (!progressed) return;
    // Timeouts grow with each view change that brought no progress (PBFT), and reset on progress.
    this.vcAttempts = 0;
    if (this.pending.size > 0) this.armProgress(true);
    else this.disarmProgress();
    this.tryPropose();
  }

  private executeRequest(r: RequestBody, seq: number, view: number, index: number, certificate: Envelope<CommitBody>[]): void {
    this.deletePending(requestKey(r));
    this.assigned.delete(requestKey(r));
    // A duplicate ordered twice executes once only; a retired session's request never again.
    if (this.sessions.execute(r, seq, index, digestOf(r.value), this.bug === 'no-execution-dedup') !== 'executed') return;
    this.counters.decisions++;
    this.out.decisions.push({ seq, view, index, client: r.client, session: r.session, reqId: r.reqId, value: r.value, certificate });
    // The client is a replica too and learns the result by executing it; a client that lags behind
    // retransmits its request and gets REPLY messages from the reply cache (onRequest).
    if (r.client === this.id && r.session === this.session) this.resolveOwn(r.reqId, { reqId: r.reqId, seq, view, index, value: r.value, certificate, source: 'execution' });
  }

  private resolveOwn(reqId: number, result: ClientResult): void {
    if (!this.own.delete(reqId)) return;
    this.replies.delete(String(reqId));
    this.out.results.push(result);
    if (this.own.size === 0) this.out.timers.push({ key: 'retransmit', ms: null });
  }

  /** PBFT's client rule: f+1 matching replies prove the result even if this replica lags behind. */
  private onReply(env: Envelope<ReplyBody>): void {
    const b = env.body;
    if (b.client !== this.id || b.session !== this.session) return this.fault('wrongSender');
    const request = this.own.get(b.reqId);
    if (!request) return;
    let got = this.replies.get(String(b.reqId));
    if (!got) this.replies.set(String(b.reqId), (got = new Map()));
    got.set(env.from, env);
    const same = [...got.values()].filter((r) => r.body.seq === b.seq && r.body.index === b.index && r.body.digest === b.digest);
    if (same.length >= this.f + 1 && b.digest === digestOf(request.value)) {
      this.resolveOwn(b.reqId, { reqId: b.reqId, seq: b.seq, view: b.view, index: b.index, value: request.value, certificate: same, source: 'replies' });
      // It is committed: no reason to wait for it (or change view over it); this replica lags, so catch up.
      this.deletePending(requestKey(request));
      if (this.pending.size === 0) this.disarmProgress();
      if (b.seq > this.lastExecuted) this.askForState();
    }
  }

  // ---- checkpoints and state transfer ------------------------------------------------------------

  private snapshot(): Snapshot {
    return { seq: this.lastExecuted, chain: this.chain, ...this.sessions.snapshot() };
  }

  private onCheckpoint(env: Envelope<CheckpointBody>): void {
    const b = env.body;
    if (b.seq <= this.stableSeq) return this.fault('stale');
    if (b.seq > this.stableSeq + 2 * this.L) return this.fault('stale');
    let at = this.checkpoints.get(b.seq);
    if (!at) this.checkpoints.set(b.seq, (at = new Map()));
    if (at.has(env.from)) return;
    at.set(env.from, env);
    const matching = [...at.values()].filter((c) => c.body.digest === b.digest);
    const needed = checkpointQuorum(this.m);
    if (matching.length < needed) return;
    const own = this.snapshots.get(b.seq);
    if (own && digestOf(own) === b.digest) this.makeStable(b.seq, b.digest, matching.slice(0, needed));
    else if (this.lastExecuted < b.seq) this.askForState();
  }

  private makeStable(seq: number, digest: string, proof: Envelope<CheckpointBody>[]): void {
    if (seq <= this.stableSeq) return;
    const snap = this.snapshots.get(seq);
    if (snap) {
      this.stableSnapshots.clear();
      this.stableSnapshots.set(seq, snap);
    }
    this.stableSeq = seq;
    this.stableDigest = digest;
    this.stableProof = proof;
    const drop = <T>(m: Map<number, T>) => { for (const k of [...m.keys()]) if (k <= seq) m.delete(k); };
    drop(this.slots); drop(this.prepared); drop(this.checkpoints); drop(this.snapshots);
    for (const key of [...this.votes.keys()]) if (Number(key.split(':')[1]) <= seq) this.votes.delete(key);
    for (const [key, env] of [...this.futurePrePrepares]) if (env.body.seq <= seq) this.futurePrePrepares.delete(key);
    if (this.nextSeq < seq) this.nextSeq = seq;
    this.rechargeAhead();
    this.tryPropose();
  }

  private askForState(): void {
    this.emit('all', { t: 'fetch', fromSeq: this.lastExecuted + 1, nonce: ++this.fetchNonce });
  }

  private onFetch(from: number, b: FetchBody): void {
    if (from === this.id) return;
    const checkpoint = b.fromSeq <= this.stableSeq && this.stableSeq > 0 ? this.stableSnapshot() : null;
    const entries: CommittedEntry[] = [];
    for (let seq = Math.max(b.fromSeq, this.stableSeq + 1); seq <= this.lastExecuted && entries.length < this.L; seq++) {
      const slot = this.slots.get(seq);
      // The certificate's view: a committed slot may since have been re-proposed in a later view.
      if (slot?.committed && slot.commits.length > 0) entries.push({ view: slot.commits[0].body.view, seq, requests: slot.requests, commits: slot.commits });
    }
    if (!checkpoint && entries.length === 0) return;
    this.emit(from, { t: 'state', nonce: b.nonce, checkpoint, entries });
  }

  private stableSnapshot(): StateBody['checkpoint'] {
    const snap = this.stableSnapshots.get(this.stableSeq);
    return snap ? { snapshot: snap, proof: this.stableProof } : null;
  }
  /** Snapshots kept for the stable checkpoint after truncation (for state transfer). */
  private readonly stableSnapshots = new Map<number, Snapshot>();

  private onState(b: StateBody): void {
    // Only answers to this replica's own recent fetches are read: unsolicited state costs nothing.
    if (b.nonce > this.fetchNonce || b.nonce + 4 <= this.fetchNonce) return this.fault('stale');
    const before = this.lastExecuted;
    if (b.checkpoint && b.checkpoint.snapshot.seq > this.lastExecuted) {
      const { snapshot, proof } = b.checkpoint;
      const digest = digestOf(snapshot);
      if (!isCheckpointProof(proof, snapshot.seq, digest, checkpointQuorum(this.m))) return this.fault('invalidProof');
      this.lastExecuted = snapshot.seq;
      this.chain = snapshot.chain;
      this.sessions.restore(snapshot);
      for (const [key, env] of [...this.pending]) if (this.sessions.isDone(env.body)) this.deletePending(key);
      this.snapshots.set(snapshot.seq, snapshot);
      this.stableSnapshots.clear();
      this.stableSnapshots.set(snapshot.seq, snapshot);
      this.makeStable(snapshot.seq, digest, proof);
    }
    for (const e of [...b.entries].sort((x, y) => x.seq - y.seq)) {
      if (e.seq !== this.lastExecuted + 1 || !this.inWindow(e.seq)) continue;
      const digest = digestRequests(e.requests);
      const voters = new Set(e.commits.filter((c) => c.body.view === e.view && c.body.seq === e.seq && c.body.digest === digest).map((c) => c.from));
      if (voters.size < (this.bug === 'state-transfer-f+1' ? this.f + 1 : this.quorum) || e.requests.some((r) => r.from !== r.body.client)) { this.fault('invalidProof'); continue; }
      const slot = this.slots.get(e.seq);
      if (slot?.committed && slot.digest !== digest) { this.fault('invalidProof'); continue; }
      this.slots.set(e.seq, {
        view: e.view, digest, requests: e.requests, prePrepare: slot?.prePrepare ?? null,
        prepared: true, commitSent: slot?.commitSent ?? false, committed: true, commits: e.commits,
      });
      this.execute();
    }
    if (this.lastExecuted > before) this.counters.stateTransfers++;
  }

  // ---- view change -------------------------------------------------------------------------------

  private startViewChange(view: number): void {
    if (view < this.view || (view === this.view && !this.active)) return;
    this.view = view;
    this.active = false;
    this.plan.clear();
    const prepared = [...this.prepared.entries()].filter(([seq]) => seq > this.stableSeq).map(([, p]) => p);
    const vc: ViewChangeBody = {
      t: 'view-change', view, stableSeq: this.stableSeq, stableDigest: this.stableDigest,
      checkpointProof: this.stableProof, prepared,
    };
    this.myViewChanges.set(view, vc);
    if (this.myViewChanges.size > 3) this.myViewChanges.delete(Math.min(...this.myViewChanges.keys()));
    this.emit('all', vc);
    this.vcAttempts++;
    // PBFT: the timer that moves on to the next view runs only once 2f+1 replicas want this one;
    // until then the timer re-sends this view change. So no replica races ahead alone.
    this.armProgress(true);
  }

  /**
   * The sender missed the new view this replica is in (or passed through): pass the primary's signed
   * message on, a few times per sender and view at most, so replays cannot make a replica work.
   */
  private relayNewView(env: Envelope<ViewChangeBody>): boolean {
    const accepted = this.acceptedNewView;
    const b = env.body;
    if (env.from === this.id || !accepted || b.view > accepted.body.view || (b.view === this.view && !this.active)) return false;
    const sent = this.relays.get(env.from);
    const count = sent?.view === accepted.body.view ? sent.count : 0;
    if (count < REPLICA_LIMITS.relaysPerSender) {
      this.relays.set(env.from, { view: accepted.body.view, count: count + 1 });
      this.out.relay.push({ to: env.from, env: accepted });
    }
    return true;
  }

  /** A view change seen before (a retransmission or a replay): it may only earn a relay. */
  receiveRepeatedViewChange(env: Envelope<ViewChangeBody>): Outbox {
    this.relayNewView(env);
    return this.flush();
  }

  /** Replicas whose highest view change is for `view` or later. */
  private wanting(view: number): number {
    let count = 0;
    for (const vc of this.viewChanges.values()) if (vc.body.view >= view) count++;
    return count;
  }

  private onViewChange(env: Envelope<ViewChangeBody>): void {
    const b = env.body;
    if (this.relayNewView(env)) return;
    if (b.view < this.view || (b.view === this.view && this.active)) return this.fault('wrongView');
    const prior = this.viewChanges.get(env.from);
    if (prior && prior.body.view >= b.view) return prior.body.view > b.view ? this.fault('stale') : undefined;
    if (!validViewChange(b, this.m)) return this.fault('invalidProof');
    this.viewChanges.set(env.from, env);
    // Join: f+1 replicas want a later view, so at least one honest one does; go to the lowest of theirs.
    const ahead = [...this.viewChanges.values()].map((v) => v.body.view).filter((v) => v > this.view || (v === this.view && this.active));
    if (ahead.length >= this.f + 1) this.startViewChange(Math.min(...ahead));
    if (this.primaryOf(b.view) === this.id && b.view === this.view && !this.active && this.newViewSent < b.view) {
      const viewChanges = [...this.viewChanges.values()].filter((v) => v.body.view === b.view).slice(0, this.quorum);
      if (viewChanges.length < this.quorum) return;
      this.newViewSent = b.view;
      this.emit('all', { t: 'new-view', view: b.view, viewChanges, plan: computePlan(viewChanges, this.m).map(({ seq, digest }) => ({ seq, digest })) });
    }
  }

  private onNewView(env: Envelope<NewViewBody>): void {
    const b = env.body;
    if (env.from !== this.primaryOf(b.view)) return this.fault('wrongSender');
    if (b.view < this.view || (b.view === this.view && this.active)) return this.fault('wrongView');
    const voters = new Set(b.viewChanges.filter((v) => v.body.view === b.view).map((v) => v.from));
    if (voters.size < this.quorum || voters.size !== b.viewChanges.length || !b.viewChanges.every((v) => validViewChange(v.body, this.m))) return this.fault('invalidProof');
    let plan = computePlan(b.viewChanges, this.m);
    if (this.bug === 'new-view-plan-unchecked' && env.from !== this.id) plan = b.plan.map((p) => ({ ...p, requests: [] }));
    if (plan.length !== b.plan.length || plan.some((p, i) => p.seq !== b.plan[i].seq || p.digest !== b.plan[i].digest)) return this.fault('invalidProof');
    this.acceptedNewView = env;
    this.enterView(b, plan);
  }

  private enterView(b: NewViewBody, plan: PlanItem[]): void {
    this.view = b.view;
    this.active = true;
    this.counters.viewChanges++;
    this.plan = new Map(plan.map((p) => [p.seq, p.digest]));
    const minS = Math.max(...b.viewChanges.map((v) => v.body.stableSeq));
    const best = b.viewChanges.find((v) => v.body.stableSeq === minS)!;
    if (minS > this.stableSeq) {
      if (this.snapshots.has(minS)) this.makeStable(minS, best.body.stableDigest, best.body.checkpointProof);
      else this.askForState();
    }
    for (const [from, vc] of [...this.viewChanges]) if (vc.body.view <= b.view) this.viewChanges.delete(from);
    for (const v of [...this.myViewChanges.keys()]) if (v <= b.view) this.myViewChanges.delete(v);
    for (const key of [...this.votes.keys()]) if (Number(key.split(':')[0]) < b.view) this.votes.delete(key);
    this.assigned.clear();
    for (const [seq, slot] of this.slots) if (seq > this.lastExecuted && !slot.committed) { slot.prepared = false; slot.commitSent = false; slot.prePrepare = null; }
    this.nextSeq = Math.max(minS, plan.length ? plan[plan.length - 1].seq : minS, this.stableSeq);
    this.disarmProgress();
    if (this.pending.size > 0) this.armProgress();
    if (this.primary === this.id) {
      for (const p of plan) {
        for (const r of p.requests) this.assigned.add(requestKey(r.body));
        this.emit('all', { t: 'pre-prepare', view: b.view, seq: p.seq, digest: p.digest, requests: p.requests });
      }
      this.tryPropose();
    }
    for (const [key, env] of [...this.futurePrePrepares]) {
      if (env.body.view < b.view) this.futurePrePrepares.delete(key);
      else if (env.body.view === b.view) {
        this.futurePrePrepares.delete(key);
        this.onPrePrepare(env);
      }
    }
    this.rechargeAhead();
    for (const seq of [...this.slots.keys()].sort((x, y) => x - y)) this.checkPrepared(seq);
  }

  // ---- plumbing ----------------------------------------------------------------------------------

  /** After entering a view, each sender is charged only for what it still has stored for later views. */
  private rechargeAhead(): void {
    this.aheadBytes.clear();
    for (const env of this.futurePrePrepares.values()) this.aheadBytes.set(env.from, (this.aheadBytes.get(env.from) ?? 0) + approximateBytes(env));
    for (const [key, votes] of this.votes) {
      if (Number(key.split(':')[0]) <= this.view) continue;
      for (const from of [...votes.prepares.keys(), ...votes.commits.keys()]) this.aheadBytes.set(from, (this.aheadBytes.get(from) ?? 0) + VOTE_BYTES);
    }
  }

  private armProgress(restart = false, ms = this.timeoutMs * 2 ** Math.min(this.vcAttempts, 4)): void {
    if (this.progressArmed && !restart) return;
    this.progressArmed = true;
    this.out.timers.push({ key: 'progress', ms });
  }
  private disarmProgress(): void {
    if (!this.progressArmed) return;
    this.progressArmed = false;
    this.out.timers.push({ key: 'progress', ms: null });
  }
  private setTimer(key: TimerKey, ms: number): void {
    this.out.timers.push({ key, ms });
  }
  private fault(kind: FaultKind): void {
    this.faults[kind]++;
    this.out.faults.push(kind);
  }
  private emit(to: number | 'all', body: Body): void {
    this.out.send.push({ to, body });
  }
  private flush(): Outbox {
    const out = this.out;
    this.out = PbftReplica.emptyOutbox();
    return out;
  }
}

/** Bytes a message takes in memory, about: its JSON text (values dominate a large batch). */
function approximateBytes(value: Envelope | Snapshot): number {
  return JSON.stringify(value).length;
}
