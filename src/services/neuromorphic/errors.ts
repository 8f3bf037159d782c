import { AuraError } from '../../errors';

/** A spiking network (layers, weights, neuron parameters or a weights file) is malformed. */
export class SnnModelError extends AuraError {
  override readonly name: string = 'SnnModelError';
  constructor(message: string, hint: string) {
    super('SNN_MODEL', message, hint);
  }
}

/** An input value lies outside the range its encoder accepts (e.g. a rate-coded value above 1). */
export class SnnEncodingRangeError extends AuraError {
  override readonly name: string = 'SnnEncodingRangeError';
  constructor(message: string, hint: string) {
    super('SNN_ENCODING_RANGE', message, hint);
  }
}

/**
 * A GPU-resident input was given with a reward: R-STDP changes the stored weights in the same submission
 * as the run, and a resident input's values are only checked on the GPU during that run, so a bad input
 * would already have changed the weights when it is reported.
 */
export class SnnResidentLearningError extends AuraError {
  override readonly name: string = 'SnnResidentLearningError';
  constructor() {
    super(
      'SNN_RESIDENT_LEARNING',
      'a GPU-resident input cannot be learned from (reward is set): its values are checked on the GPU in the same submission that updates the weights',
      'pass the values as an array (read the tensor back with tensorValues()) when giving a reward, or leave reward out',
    );
  }
}

/** How to fix a value outside an encoder's range (one wording for CPU-checked and GPU-checked inputs). */
export function snnEncodingRangeHint(kind: string, maxDirect: number): string {
  return kind === 'direct' ? `direct currents must lie within ±${maxDirect}` : `${kind} encoding takes values in [0, 1]: normalise the features first`;
}

/** A neuron description holds a key the runtime does not define (it would otherwise be ignored silently). */
export class SnnNeuronKeyError extends AuraError {
  override readonly name: string = 'SnnNeuronKeyError';
  constructor(where: string, readonly model: string, readonly key: string, readonly accepted: string[]) {
    super('SNN_NEURON_KEY', `${where}: unknown ${model} neuron key '${key}'`, `remove it or use one of: ${accepted.join(', ')}`);
  }
}
