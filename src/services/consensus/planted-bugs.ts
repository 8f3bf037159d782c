/**
 * Bugs that the simulator must catch (the mutation check in tests/unit/consensus/mutations.test.ts).
 * A replica runs one only when a test sets `ReplicaConfig.plantedBug`; nothing else sets it.
 */
export const PLANTED_BUGS = [
  /** Prepared and committed with 2f votes instead of 2f+1 (the simulator's first planted bug). */
  'quorum-2f',
  /** Prepared with 2f-1 matching prepares instead of 2f. */
  'prepare-2f-1',
  /** Committed with 2f commits instead of 2f+1. */
  'commit-2f',
  /** A checkpoint (and its proofs) stable with f+1 messages instead of 2f+1. */
  'checkpoint-f+1',
  /** The new-view plan takes the prepared batch of the LOWEST view per sequence number. */
  'new-view-lowest-view',
  /** A backup does not recompute the new-view plan: it takes the primary's. */
  'new-view-plan-unchecked',
  /** A view change's prepared certificates are not checked. */
  'view-change-prepared-unchecked',
  /** State transfer accepts a batch with f+1 signed commits instead of 2f+1. */
  'state-transfer-f+1',
  /** Execution does not de-duplicate: a request ordered twice executes twice. */
  'no-execution-dedup',
] as const;

export type PlantedBug = (typeof PLANTED_BUGS)[number];
