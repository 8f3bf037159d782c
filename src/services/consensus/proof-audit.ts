import { digestOf } from './codec';
import type { CheckpointBody, CommitBody, Envelope, NewViewBody, Snapshot, StateBody, ViewChangeBody } from './messages';
import { computePlan, digestRequests, isCheckpointProof, validViewChange, type Membership } from './view-change';

/**
 * The simulator's auditor: PBFT's rules for proofs, applied by an outside observer with the correct
 * thresholds (2f+1), to what honest replicas hand on. Whatever an honest replica sends as a proof (the
 * checkpoint proof and prepared certificates of its view change, a new view and its plan, a state
 * transfer) or reports as a decision's certificate must convince any correct replica: a proof that
 * does not means the replica accepted something PBFT forbids, and a third party relying on it (a
 * client, a replica that catches up) can be misled. The auditor is independent of the replica's
 * configuration, so a planted bug cannot weaken it.
 */
export class ProofAudit {
  private readonly m: Membership;
  private readonly f: number;

  constructor(readonly n: number) {
    this.f = Math.floor((n - 1) / 3);
    this.m = { n, quorum: 2 * this.f + 1, L: Number.POSITIVE_INFINITY };
  }

  /** What is wrong with a message an honest replica sent, or null. */
  message(env: Envelope): string | null {
    const b = env.body;
    switch (b.t) {
      case 'view-change': return this.viewChange(b) ? null : `view change for view ${b.view} carries a proof that does not prove`;
      case 'new-view': return this.newView(b);
      case 'state': return this.state(b);
      default: return null;
    }
  }

  /** A decision's certificate: 2f+1 commits from distinct replicas for one (view, seq, digest). */
  certificate(seq: number, digest: string | null, commits: Envelope<CommitBody>[]): string | null {
    const first = commits[0]?.body;
    const voters = new Set(commits
      .filter((c) => c.body.seq === seq && c.body.digest === (digest ?? first?.digest) && c.body.view === first?.view)
      .map((c) => c.from));
    return voters.size >= this.m.quorum ? null : `decision at ${seq} certified by ${voters.size} commits (needs ${this.m.quorum})`;
  }

  private viewChange(b: ViewChangeBody): boolean {
    // The window L is the replica's configuration; the auditor checks the proofs, not the window.
    return validViewChange(b, this.m);
  }

  private newView(b: NewViewBody): string | null {
    const voters = new Set(b.viewChanges.filter((v) => v.body.view === b.view).map((v) => v.from));
    if (voters.size < this.m.quorum) return `new view ${b.view} rests on ${voters.size} view changes`;
    if (!b.viewChanges.every((v) => this.viewChange(v.body))) return `new view ${b.view} holds a view change whose proof does not prove`;
    const plan = computePlan(b.viewChanges, this.m);
    const same = plan.length === b.plan.length && plan.every((p, i) => p.seq === b.plan[i].seq && p.digest === b.plan[i].digest);
    return same ? null : `new view ${b.view} has a plan that is not PBFT's (highest-view prepared batch per sequence number)`;
  }

  private state(b: StateBody): string | null {
    if (b.checkpoint) {
      const { snapshot, proof } = b.checkpoint;
      if (!this.checkpointProof(proof, snapshot.seq, snapshot)) return `state transfer at ${snapshot.seq} with a checkpoint proof of too few replicas`;
    }
    for (const e of b.entries) {
      const wrong = this.certificate(e.seq, digestRequests(e.requests), e.commits);
      if (wrong) return `state transfer: ${wrong}`;
    }
    return null;
  }

  private checkpointProof(proof: Envelope<CheckpointBody>[], seq: number, snapshot: Snapshot): boolean {
    return isCheckpointProof(proof, seq, digestOf(snapshot), this.m.quorum);
  }
}
