import { digestOf } from './codec';
import type { CheckpointBody, Envelope, PlanEntry, PrePrepareBody, RequestBody, ViewChangeBody } from './messages';
import type { PlantedBug } from './planted-bugs';

/**
 * The checks and the choice of PBFT's view change (Castro & Liskov, TOCS 2002, section 4.4), as pure
 * functions of the messages: a replica and the simulator's byzantine twins use the same ones.
 */
export const GENESIS = '0'.repeat(64);
export const digestRequests = (requests: Envelope<RequestBody>[]): string => digestOf(requests);

export interface Membership { n: number; quorum: number; L: number; bug?: PlantedBug }

export const primaryOf = (view: number, n: number): number => view % n;

/** 2f+1 (quorum) checkpoint messages from distinct replicas for (seq, digest). */
export function isCheckpointProof(proof: Envelope<CheckpointBody>[], seq: number, digest: string, quorum: number): boolean {
  const voters = new Set(proof.filter((c) => c.body.seq === seq && c.body.digest === digest).map((c) => c.from));
  return voters.size >= quorum;
}

/**
 * A VIEW-CHANGE is valid when its stable checkpoint is proven (2f+1 checkpoints; none at sequence 0,
 * so a proof cannot be padded) and each prepared certificate holds a pre-prepare from that view's
 * primary and 2f matching prepares from other replicas, for a sequence number in (h, h+L].
 */
export function validViewChange(b: ViewChangeBody, m: Membership): boolean {
  if (b.stableSeq === 0) {
    if (b.stableDigest !== GENESIS || b.checkpointProof.length > 0) return false;
  } else if (!isCheckpointProof(b.checkpointProof, b.stableSeq, b.stableDigest, checkpointQuorum(m))) return false;
  const seqs = new Set<number>();
  for (const p of b.prepared) {
    const pp = p.prePrepare.body;
    if (p.prePrepare.from !== primaryOf(pp.view, m.n) || pp.view >= b.view) return false;
    if (pp.seq <= b.stableSeq || pp.seq > b.stableSeq + m.L || seqs.has(pp.seq)) return false;
    seqs.add(pp.seq);
    if (m.bug === 'view-change-prepared-unchecked') continue;
    if (digestRequests(pp.requests) !== pp.digest) return false;
    const voters = new Set(p.prepares
      .filter((q) => q.body.view === pp.view && q.body.seq === pp.seq && q.body.digest === pp.digest && q.from !== p.prePrepare.from)
      .map((q) => q.from));
    if (voters.size < prepareQuorum(m)) return false;
  }
  return true;
}

/** Matching prepares needed besides the pre-prepare: 2f (the planted bug: 2f-1). */
export function prepareQuorum(m: Membership): number {
  return m.bug === 'prepare-2f-1' ? m.quorum - 2 : m.quorum - 1;
}
export function checkpointQuorum(m: Membership): number {
  return m.bug === 'checkpoint-f+1' ? Math.floor((m.n - 1) / 3) + 1 : m.quorum;
}

export type PlanItem = PlanEntry & { requests: Envelope<RequestBody>[] };

/** The new primary's choice (PBFT's O set): per sequence number the prepared batch of the highest view, or a null batch. */
export function computePlan(viewChanges: Envelope<ViewChangeBody>[], m: Membership): PlanItem[] {
  const minS = Math.max(...viewChanges.map((v) => v.body.stableSeq));
  const best = new Map<number, Envelope<PrePrepareBody>>();
  const lowest = m.bug === 'new-view-lowest-view';
  for (const vc of viewChanges) {
    for (const p of vc.body.prepared) {
      const pp = p.prePrepare;
      if (pp.body.seq <= minS) continue;
      const cur = best.get(pp.body.seq);
      if (!cur || (lowest ? pp.body.view < cur.body.view : pp.body.view > cur.body.view)) best.set(pp.body.seq, pp);
    }
  }
  const maxS = Math.max(minS, ...best.keys());
  const plan: PlanItem[] = [];
  for (let seq = minS + 1; seq <= maxS; seq++) {
    const pp = best.get(seq);
    plan.push(pp ? { seq, digest: pp.body.digest, requests: pp.body.requests } : { seq, digest: digestRequests([]), requests: [] });
  }
  return plan;
}
