import type { SnnNeuron } from '../../kernels/snn-lif';
import { SnnModelError, SnnNeuronKeyError } from './errors';

/**
 * The neuron keys a weights file may hold, per model: the runtime's own names, the reference framework's
 * names for the same parameters (snnTorch `Leaky`'s arguments, Norse `LIFParameters`' fields), and the
 * framework's arguments that do not change the forward pass (surrogate gradients, learnability, state
 * handling). Anything else is rejected, naming the key: a silently ignored key runs a different neuron.
 */
const CANONICAL: Record<SnnNeuron['model'], readonly string[]> = {
  aura: ['tauMem', 'tauSyn', 'dt', 'threshold', 'vReset', 'refractorySteps', 'rateDecay', 'rateGain', 'thetaGain', 'targetRate'],
  snntorch: ['beta', 'threshold', 'reset', 'resetDelay'],
  norse: ['tauMemInv', 'tauSynInv', 'vLeak', 'vTh', 'vReset', 'dt'],
};

/** The framework's names → the runtime's. */
const ALIASES: Record<SnnNeuron['model'], Record<string, string>> = {
  aura: {},
  snntorch: { reset_mechanism: 'reset', reset_delay: 'resetDelay', reset_mechanism_val: 'reset' },
  norse: { tau_mem_inv: 'tauMemInv', tau_syn_inv: 'tauSynInv', v_leak: 'vLeak', v_th: 'vTh', v_reset: 'vReset' },
};

/** Training-only arguments: accepted and ignored (the forward pass does not read them). */
const TRAINING_ONLY: Record<SnnNeuron['model'], readonly string[]> = {
  aura: [],
  snntorch: ['spike_grad', 'surrogate_disable', 'init_hidden', 'learn_beta', 'learn_threshold', 'output', 'learn_graded_spikes_factor'],
  norse: ['method', 'alpha'],
};

/** snnTorch arguments that change the forward pass; only their default is supported. */
const SNNTORCH_DEFAULT_ONLY: Record<string, { ok: (v: unknown) => boolean; hint: string }> = {
  inhibition: { ok: (v) => v === false || v == null, hint: 'inhibition=True (winner-take-all firing) is not implemented: export a model trained without it' },
  state_quant: { ok: (v) => v === false || v == null, hint: 'state_quant (quantised membranes) is not implemented: export the float model' },
  graded_spikes_factor: { ok: (v) => scalar(v) === 1, hint: 'graded spikes are not implemented: only graded_spikes_factor = 1 runs here' },
};

const SNNTORCH_RESET_VAL = ['subtract', 'zero', 'none'] as const;

/** The keys accepted for a model (for messages and tests). */
export function acceptedNeuronKeys(model: SnnNeuron['model']): string[] {
  const extra = model === 'snntorch' ? Object.keys(SNNTORCH_DEFAULT_ONLY) : [];
  return ['model', ...CANONICAL[model], ...Object.keys(ALIASES[model]), ...TRAINING_ONLY[model], ...extra];
}

/** A number, or a one-element list of one (torch's `tensor.tolist()` of shape [1]). */
function scalar(v: unknown): unknown {
  return Array.isArray(v) && v.length === 1 ? v[0] : v;
}

/**
 * A weights file's neuron object → the runtime's SnnNeuron. Accepts the runtime's names and the
 * framework's (snnTorch `reset_mechanism: 'zero'`, `reset_delay: false`, `beta`, `threshold`; Norse
 * `tau_mem_inv`, ...); rejects unknown keys and unsupported values with errors that say what to do.
 */
export function snnNeuronFromJson(raw: unknown, where: string): SnnNeuron {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new SnnModelError(`${where}: neuron is ${JSON.stringify(raw)}`, "give an object such as { model: 'snntorch', beta: 0.9 }");
  }
  const src = raw as Record<string, unknown>;
  const model = src.model as SnnNeuron['model'];
  if (!(model in CANONICAL)) throw new SnnModelError(`${where}: neuron model is ${JSON.stringify(src.model)}`, "use model 'aura', 'snntorch' or 'norse'");
  const out: Record<string, unknown> = { model };
  const from: Record<string, string> = {};
  for (const [key, value] of Object.entries(src)) {
    if (key === 'model' || TRAINING_ONLY[model].includes(key)) continue;
    if (model === 'snntorch' && key in SNNTORCH_DEFAULT_ONLY) {
      const rule = SNNTORCH_DEFAULT_ONLY[key];
      if (!rule.ok(value)) throw new SnnModelError(`${where}: ${key} is ${JSON.stringify(value)}`, rule.hint);
      continue;
    }
    const name = ALIASES[model][key] ?? (CANONICAL[model].includes(key) ? key : undefined);
    if (name === undefined) throw new SnnNeuronKeyError(where, model, key, acceptedNeuronKeys(model));
    let v = scalar(value);
    if (key === 'reset_mechanism_val') v = typeof v === 'number' ? SNNTORCH_RESET_VAL[v] ?? v : v;
    if (Array.isArray(v)) throw new SnnModelError(`${where}: ${key} has ${v.length} values`, `per-neuron ${key} is not supported: give one number for the layer`);
    if (name in out && out[name] !== v) {
      throw new SnnModelError(`${where}: ${from[name]} is ${JSON.stringify(out[name])} but ${key} is ${JSON.stringify(v)}`, `give ${name} once (${from[name]} and ${key} name the same parameter)`);
    }
    out[name] = v;
    from[name] = key;
  }
  if (model === 'snntorch' && out.resetDelay !== undefined && typeof out.resetDelay !== 'boolean') {
    throw new SnnModelError(`${where}: ${from.resetDelay} is ${JSON.stringify(out.resetDelay)}`, 'reset_delay is true or false');
  }
  return out as SnnNeuron;
}

/** Throws SnnNeuronKeyError for a key of an in-memory SnnNeuron that the runtime does not define. */
export function checkNeuronKeys(where: string, neuron: SnnNeuron): void {
  for (const key of Object.keys(neuron)) {
    if (key !== 'model' && !CANONICAL[neuron.model].includes(key)) throw new SnnNeuronKeyError(where, neuron.model, key, ['model', ...CANONICAL[neuron.model]]);
  }
}
