import { digestOf } from './codec';
import type { CheckpointBody, CommittedEntry, Envelope, FetchBody, Snapshot, StateBody } from './messages';
import { checkpointQuorum, digestRequests, isCheckpointProof } from './view-change';
import { ReplicaOrdering } from './replica-ordering';

/** Checkpoints (log truncation at 2f+1 matching digests) and state transfer for a replica that fell behind. */
export abstract class ReplicaCheckpoints extends ReplicaOrdering {
  protected snapshot(): Snapshot {
    return { seq: this.lastExecuted, chain: this.chain, ...this.sessions.snapshot() };
  }

  protected onCheckpoint(env: Envelope<CheckpointBody>): void {
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

  protected makeStable(seq: number, digest: string, proof: Envelope<CheckpointBody>[]): void {
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

  protected askForState(): void {
    this.emit('all', { t: 'fetch', fromSeq: this.lastExecuted + 1, nonce: ++this.fetchNonce });
  }

  protected onFetch(from: number, b: FetchBody): void {
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

  protected stableSnapshot(): StateBody['checkpoint'] {
    const snap = this.stableSnapshots.get(this.stableSeq);
    return snap ? { snapshot: snap, proof: this.stableProof } : null;
  }

  protected onState(b: StateBody): void {
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
}
