import type { ConsensusEvent } from './events';
import type { FaultKind } from './replica';

/**
 * What a consensus panel shows of rejected messages: per kind, how many and when last, from the
 * replica's rate-limited `rejected` notices (one per kind per second at most, each carrying the count
 * since the last), so a flood of hostile messages costs the page one update per kind per second.
 * DOM-free: the app renders `entries` as it likes (one line each: `entry.text`).
 */
export interface RejectionEntry { kind: FaultKind; total: number; lastAt: number; text: string }

/** Plain words for each kind of rejected message. */
export const REJECTION_MEANING: Record<FaultKind, string> = {
  malformed: 'malformed (not a PBFT message, wrong fields or too large)',
  unknownKey: 'from a key outside the membership',
  badSignature: 'signature does not verify',
  replay: 'a repeat of a message already accepted',
  wrongView: 'for a view already left',
  stale: 'outside the watermarks (old, or too far ahead)',
  wrongSender: 'sent by a replica that may not send it',
  equivocation: 'a replica said two different things (equivocation)',
  invalidProof: 'a certificate or proof that does not prove',
  overBudget: "over the sender's budget (requests or stored bytes)",
};

interface EventSource { onEvent(listener: (e: ConsensusEvent) => void): () => void }

/**
 * Follows a replica's rejected-message notices; calls `onChange` with all kinds seen so far (most
 * recent first) after each notice. Returns the function that stops following.
 */
export function watchRejections(source: EventSource, onChange: (entries: RejectionEntry[]) => void, now: () => number = () => Date.now()): () => void {
  const byKind = new Map<FaultKind, RejectionEntry>();
  return source.onEvent((e) => {
    if (e.type !== 'rejected') return;
    const prior = byKind.get(e.kind);
    const total = (prior?.total ?? 0) + e.count;
    byKind.set(e.kind, { kind: e.kind, total, lastAt: now(), text: `${total} rejected: ${REJECTION_MEANING[e.kind]}` });
    onChange([...byKind.values()].sort((a, b) => b.lastAt - a.lastAt));
  });
}
