import { AuraError } from '../../errors';

/** A spiking network (layers, weights, neuron parameters or a weights file) is malformed. */
export class SnnModelError extends AuraError {
  constructor(message: string, hint: string) {
    super('SNN_MODEL', message, hint);
  }
}

/** An input value lies outside the range its encoder accepts (e.g. a rate-coded value above 1). */
export class SnnEncodingRangeError extends AuraError {
  constructor(message: string, hint: string) {
    super('SNN_ENCODING_RANGE', message, hint);
  }
}
