import { digestOf, type Json } from './codec';
import type { Body, CheckpointBody, CommitBody, Envelope, NewViewBody, PrePrepareBody, PrepareBody, ReplyBody, RequestBody, ViewChangeBody } from './messages';
import { type TimerKey, type FaultKind, type Outbox } from './replica-types';
import { ReplicaViewChange } from './replica-view-change';

export { REPLICA_LIMITS, digestRequests, type ReplicaConfig, type TimerKey, type FaultKind, type Decision, type ClientResult, type Outbox } from './replica-types';

/**
 * PBFT replica (Castro & Liskov) as a pure, deterministic state machine: verified messages and timer
 * expiries in, messages to send, timers to set and decisions out. No clocks, no I/O, no randomness.
 *
 * Own messages are not counted when sent: the host signs them and feeds them back through receive(),
 * so a replica's log only ever holds signed messages, which it can hand on as certificates.
 */
export class PbftReplica extends ReplicaViewChange {
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

  /** Whether `b` is the pre-prepare of the batch this view's new view assigned to its number (proven there). */
  planned(b: Body): boolean {
    return b.t === 'pre-prepare' && this.active && b.view === this.view && this.plan.get(b.seq) === b.digest;
  }

  /**
   * A prepare (commit) for a slot already prepared (committed) in its view: certificates are taken
   * when the slot gets there, so this vote can never be part of one.
   */
  settled(b: Body): boolean {
    if (b.t !== 'prepare' && b.t !== 'commit') return false;
    const slot = this.slots.get(b.seq);
    if (!slot || slot.view !== b.view) return false;
    return b.t === 'prepare' ? slot.prepared : slot.committed;
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
}
