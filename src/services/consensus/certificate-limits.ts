import type { Envelope } from './messages';

/**
 * Certificates no larger than the membership allows, checked before any signature: each list of votes
 * holds at most n messages from distinct replicas, and lists indexed by sequence number hold at most L
 * (the window) items. So a member cannot make a replica verify thousands of nested signatures.
 */
export function withinCertificateLimits(env: Envelope, n: number, L: number): boolean {
  const b = env.body;
  switch (b.t) {
    case 'view-change':
      return votes(b.checkpointProof, n) && b.prepared.length <= L && b.prepared.every((p) => votes(p.prepares, n));
    case 'new-view':
      return votes(b.viewChanges, n) && b.plan.length <= L && b.viewChanges.every((v) => withinCertificateLimits(v, n, L));
    case 'state':
      return (!b.checkpoint || votes(b.checkpoint.proof, n)) && b.entries.length <= L && b.entries.every((e) => votes(e.commits, n));
    default:
      return true;
  }
}

function votes(list: Envelope[], n: number): boolean {
  if (list.length > n) return false;
  return new Set(list.map((e) => e.from)).size === list.length;
}
