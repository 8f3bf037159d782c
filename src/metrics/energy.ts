/**
 * The runtime's energy model, declared once: every service's energy is counted operations × these
 * per-operation constants (a spiking network's synaptic ops at E_AC, dense arithmetic at E_MAC).
 */

/** Energy per operation, 45 nm CMOS (Horowitz, ISSCC 2014): 32-bit float add and multiply-add. */
export const SNN_E_AC_PJ = 0.9;
export const SNN_E_MAC_PJ = 4.6;

/** The default energy model of the whole runtime: counted operations × the constants above. */
export const MAC_ENERGY_MODEL = 'horowitz-45nm';

export type SnnEnergyModel = 'horowitz-45nm' | 'predecessor';

export interface SnnEnergyInput {
  /** The events counted by the spiking kernels (`SnnCounts`): synaptic ops, dense MACs, LIF spikes. */
  counts: { sop: number; mac: number; neuronSpikes: number };
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

/** Energy of dense arithmetic: counted multiply-accumulates × E_MAC (45 nm, Horowitz 2014). */
export function macEnergyPj(macs: number): number {
  return macs * SNN_E_MAC_PJ;
}

/** Energy one service counted for one request, and the model it was counted with. */
export interface EnergyCount<K extends string = string> {
  service: K;
  pj: number;
  model: string;
}

/** A request's energy: the total, each service's share, and the models used ('a + b', sorted; 'none' when nothing ran). */
export interface EnergySummary<K extends string = string> {
  totalPj: number;
  perService: Partial<Record<K, number>>;
  model: string;
}

/** Adds up a request's counted energy, in the given order: the one place energy is summed. */
export function sumEnergy<K extends string>(counts: Iterable<EnergyCount<K>>): EnergySummary<K> {
  const perService: Partial<Record<K, number>> = {};
  const models = new Set<string>();
  let totalPj = 0;
  for (const { service, pj, model } of counts) {
    perService[service] = (perService[service] ?? 0) + pj;
    totalPj += pj;
    models.add(model);
  }
  return { totalPj, perService, model: [...models].sort().join(' + ') || 'none' };
}
