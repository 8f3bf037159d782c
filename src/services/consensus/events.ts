import type { FaultKind } from './replica';

/**
 * What a consensus replica reports as it runs: counts for metrics, and a rate-limited notice per kind
 * of rejected message (at most one per kind per `everyMs`, with how many were rejected since), so a
 * flood of hostile messages is visible without flooding the page or the log.
 */
export type ConsensusEvent =
  | { type: 'decision'; seq: number }
  | { type: 'view-change'; view: number }
  | { type: 'state-transfer'; lastExecuted: number }
  | { type: 'fault'; kind: FaultKind }
  | { type: 'rejected'; kind: FaultKind; count: number; sinceMs: number };

export class RejectedNotices {
  private readonly last = new Map<FaultKind, { at: number; count: number }>();
  constructor(private readonly everyMs = 1_000, private readonly now: () => number = () => Date.now()) {}

  /** Counts one rejection; returns a notice when this kind has not been reported for everyMs. */
  note(kind: FaultKind): ConsensusEvent | null {
    const t = this.now();
    const prior = this.last.get(kind);
    if (prior && t - prior.at < this.everyMs) {
      prior.count++;
      return null;
    }
    const count = (prior?.count ?? 0) + 1;
    this.last.set(kind, { at: t, count: 0 });
    return { type: 'rejected', kind, count, sinceMs: prior ? t - prior.at : 0 };
  }
}
