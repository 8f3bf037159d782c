import type { SnnCounts } from '../../kernels/snn-counters';

/** Energy per operation, 45 nm CMOS (Horowitz, ISSCC 2014): 32-bit float add and multiply-add. */
export const SNN_E_AC_PJ = 0.9;
export const SNN_E_MAC_PJ = 4.6;

export type SnnEnergyModel = 'horowitz-45nm' | 'predecessor';

export interface SnnEnergyInput {
  counts: SnnCounts;
  /** Σ|i_syn| over neurons and steps (the current each LIF neuron integrated). */
  sumAbsCurrent: number;
  /** Neurons × steps × batch. */
  neuronSteps: number;
  /** Milliseconds per step (the predecessor's dt). */
  dtMs: number;
}

/**
 * Energy in pJ from counted events:
 * - 'horowitz-45nm' (default): #SOP·E_AC + #MAC·E_MAC, E_AC = 0.9 pJ, E_MAC = 4.6 pJ;
 * - 'predecessor': N_spikes·1.0 + Σ|i_syn|·0.5·dt/1000 + N_neurons·10·dt/1000 per neuron-step.
 */
export function snnEnergyPj(model: SnnEnergyModel, e: SnnEnergyInput): number {
  if (model === 'predecessor') {
    return e.counts.neuronSpikes * 1.0 + (e.sumAbsCurrent * 0.5 * e.dtMs) / 1000 + (e.neuronSteps * 10 * e.dtMs) / 1000;
  }
  return e.counts.sop * SNN_E_AC_PJ + e.counts.mac * SNN_E_MAC_PJ;
}
