import { type Json } from './codec';
import type { Body, CommitBody, Envelope, PrePrepareBody, PrepareBody, RequestBody, Snapshot } from './messages';
import type { PlantedBug } from './planted-bugs';
import { digestRequests } from './view-change';

/** The replica's types, limits and small helpers (see replica.ts). */
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

export interface Slot { view: number; digest: string; requests: Envelope<RequestBody>[]; prePrepare: Envelope<PrePrepareBody> | null; prepared: boolean; commitSent: boolean; committed: boolean; commits: Envelope<CommitBody>[] }
export interface Votes { prepares: Map<number, Envelope<PrepareBody>>; commits: Map<number, Envelope<CommitBody>> }

/**
 * Bounds on what a member can make a replica hold (PBFT's watermarks and per-sender budgets):
 * - viewsAhead: prepares, commits and pre-prepares are kept for views up to this many past the current;
 * - aheadBytes: what one sender may have stored for views not yet entered;
 * - pendingPerClient: requests of one client waiting to be ordered;
 * - relaysPerSender: times a replica re-sends its NEW-VIEW to one replica that missed it, per view;
 * - gapFetches: times a replica asks for the batches it missed before it executes another one;
 * - gapCommittedAhead: batches committed past a pre-prepared but uncommitted one before it counts as missed.
 */
export const REPLICA_LIMITS = { viewsAhead: 4, aheadBytes: 4 * 1024 * 1024, pendingPerClient: 256, relaysPerSender: 4, gapFetches: 3, gapCommittedAhead: 3 } as const;
export const VOTE_BYTES = 400;

export const requestKey = (b: RequestBody): string => `${b.client}:${b.session}:${b.reqId}`;

/** Bytes a message takes in memory, about: its JSON text (values dominate a large batch). */
export function approximateBytes(value: Envelope | Snapshot): number {
  return JSON.stringify(value).length;
}
