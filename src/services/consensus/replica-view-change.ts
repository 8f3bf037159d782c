import type { Envelope, NewViewBody, ViewChangeBody } from './messages';
import { computePlan, validViewChange, type PlanItem } from './view-change';
import { REPLICA_LIMITS, requestKey, type Outbox } from './replica-types';
import { ReplicaCheckpoints } from './replica-checkpoints';

/** PBFT's view change: VIEW-CHANGE with proofs, NEW-VIEW with the plan (O set), entering the new view. */
export abstract class ReplicaViewChange extends ReplicaCheckpoints {
  protected startViewChange(view: number): void {
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
  protected relayNewView(env: Envelope<ViewChangeBody>): boolean {
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
  protected wanting(view: number): number {
    let count = 0;
    for (const vc of this.viewChanges.values()) if (vc.body.view >= view) count++;
    return count;
  }

  protected onViewChange(env: Envelope<ViewChangeBody>): void {
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

  protected onNewView(env: Envelope<NewViewBody>): void {
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

  protected enterView(b: NewViewBody, plan: PlanItem[]): void {
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
}
