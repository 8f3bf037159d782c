import type { MetricsRegistry } from '../metrics/registry';
import type { ConsensusService } from '../services/consensus/service';

/**
 * Counts a consensus replica's decisions, view changes, state transfers and rejected messages (by
 * kind) in the runtime's metrics. Returns the function that stops counting.
 */
export function countConsensus(consensus: ConsensusService, metrics: MetricsRegistry): () => void {
  const faults = metrics.counter('aura_consensus_faults_total', 'Messages this replica rejected, by kind (malformed, badSignature, replay, stale, overBudget, ...)');
  const viewChanges = metrics.counter('aura_consensus_view_changes_total', 'New views this replica entered');
  const decisions = metrics.counter('aura_consensus_decisions_total', 'Requests this replica executed');
  const stateTransfers = metrics.counter('aura_consensus_state_transfers_total', 'Times this replica caught up by state transfer');
  // Every series exists from the start (at 0), so rate() and alerts see a fault's first occurrence.
  for (const kind of Object.keys(consensus.status().faults)) faults.inc({ kind }, 0);
  decisions.inc({}, 0);
  viewChanges.inc({}, 0);
  stateTransfers.inc({}, 0);
  return consensus.onEvent((e) => {
    if (e.type === 'fault') faults.inc({ kind: e.kind });
    else if (e.type === 'decision') decisions.inc();
    else if (e.type === 'view-change') viewChanges.inc();
    else if (e.type === 'state-transfer') stateTransfers.inc();
  });
}
