import { digestOf, sha256Hex } from './codec';
import type { CommitBody, Envelope, Snapshot, PrePrepareBody, PrepareBody, ReplyBody, RequestBody } from './messages';
import { digestRequests, prepareQuorum } from './view-change';
import { REPLICA_LIMITS, VOTE_BYTES, requestKey, approximateBytes, type ClientResult } from './replica-types';
import { ReplicaBase } from './replica-base';

/** PBFT's normal case: requests, PRE-PREPARE, PREPARE, COMMIT, execution in order, replies. */
export abstract class ReplicaOrdering extends ReplicaBase {
  protected abstract askForState(): void;
  protected abstract startViewChange(view: number): void;
  protected abstract snapshot(): Snapshot;

  protected onRequest(env: Envelope<RequestBody>): void {
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

  protected tryPropose(): void {
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

  protected onPrePrepare(env: Envelope<PrePrepareBody>): void {
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

  /**
   * Keeps one prepare or commit per sender, within the watermarks and (ahead of this view) the
   * sender's byte budget; a second vote with another digest is equivocation. True when stored.
   */
  private storeVote<B extends PrepareBody | CommitBody>(env: Envelope<B>, votes: Map<number, Envelope<B>>): boolean {
    const b = env.body;
    const window = this.voteWindow(b);
    if (window) {
      this.fault(window);
      return false;
    }
    const prior = votes.get(env.from);
    if (prior) {
      if (prior.body.digest !== b.digest) this.fault('equivocation');
      return false;
    }
    if ((b.view > this.view || !this.active) && !this.chargeAhead(env.from, VOTE_BYTES)) {
      this.fault('overBudget');
      return false;
    }
    votes.set(env.from, env);
    return true;
  }

  protected onPrepare(env: Envelope<PrepareBody>): void {
    const b = env.body;
    if (env.from === this.primaryOf(b.view)) return this.fault('wrongSender');
    if (this.storeVote(env, this.votesFor(b.view, b.seq).prepares)) this.checkPrepared(b.seq);
  }

  protected onCommit(env: Envelope<CommitBody>): void {
    const b = env.body;
    const votes = this.votesFor(b.view, b.seq).commits;
    if (!this.storeVote(env, votes)) return;
    this.checkCommitted(b.seq);
    // f+1 replicas committed a batch whose pre-prepare this replica never saw: at least one honest
    // replica holds it with its certificate, so fetch it rather than wait for a checkpoint.
    const slot = this.slots.get(b.seq);
    if (b.seq > this.lastExecuted && !slot?.committed && !(slot?.prePrepare && slot.view === b.view)) {
      const matching = [...votes.values()].filter((c) => c.body.digest === b.digest).length;
      if (matching >= this.f + 1) this.fetchMissing();
    }
  }

  protected checkPrepared(seq: number): void {
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

  protected checkCommitted(seq: number): void {
    const slot = this.slots.get(seq);
    if (!slot || !slot.prepared || slot.committed) return;
    const matching = [...this.votesFor(slot.view, seq).commits.values()].filter((c) => c.body.digest === slot.digest);
    const needed = this.bug === 'commit-2f' ? this.quorum - 1 : this.quorum;
    if (matching.length < needed) return;
    slot.committed = true;
    slot.commits = matching.slice(0, needed);
    this.execute();
    // Committed but not executable: batches before it are missing here (lost messages, a reload), not
    // merely late (pipelined batches may commit out of order): the next one never reached this
    // replica, or several later ones are committed already.
    if (this.lastExecuted < seq && this.gapIsReal()) this.fetchMissing();
  }

  private gapIsReal(): boolean {
    if (!this.slots.get(this.lastExecuted + 1)?.prePrepare) return true;
    let ahead = 0;
    for (const [seq, slot] of this.slots) if (seq > this.lastExecuted + 1 && slot.committed) ahead++;
    return ahead >= REPLICA_LIMITS.gapCommittedAhead;
  }

  /** Asks for the committed batches after lastExecuted, a few times per gap (answers may be lost too). */
  protected fetchMissing(): void {
    if (this.gapFetches.at !== this.lastExecuted) this.gapFetches = { at: this.lastExecuted, count: 0 };
    if (this.gapFetches.count >= REPLICA_LIMITS.gapFetches) return;
    this.gapFetches.count++;
    this.askForState();
  }

  protected execute(): void {
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

  protected executeRequest(r: RequestBody, seq: number, view: number, index: number, certificate: Envelope<CommitBody>[]): void {
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

  protected resolveOwn(reqId: number, result: ClientResult): void {
    if (!this.own.delete(reqId)) return;
    this.replies.delete(String(reqId));
    this.out.results.push(result);
    if (this.own.size === 0) this.out.timers.push({ key: 'retransmit', ms: null });
  }

  /** PBFT's client rule: f+1 matching replies prove the result even if this replica lags behind. */
  protected onReply(env: Envelope<ReplyBody>): void {
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
}
