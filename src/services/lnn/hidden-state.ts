import { InvalidInputError } from '../../errors';

/**
 * An initial hidden state as ncps's `hx` argument takes it: shape (batch, state_size), or (state_size) for
 * one unbatched sequence. state_size is `units` for CfC and LTC, and the wiring's `units` (every neuron,
 * not just the motor outputs) for a wired CfC. Nested lists or a flat Float32Array of batch·state_size.
 * ncps's `mixed_memory` (h, c) pair is not supported (such models are rejected at load).
 */
export type LnnHiddenStateInput = number[] | number[][] | Float32Array;

export function toLnnHiddenState(hx: unknown, batch: number, stateSize: number): Float32Array<ArrayBuffer> {
  const shape = `hx has ncps's shape (batch, state_size) = (${batch}, ${stateSize})`;
  let flat: ArrayLike<unknown>;
  if (hx instanceof Float32Array) {
    flat = hx;
  } else if (Array.isArray(hx) && hx.length > 0 && Array.isArray(hx[0])) {
    if (hx.length !== batch) throw new InvalidInputError(`hx has ${hx.length} rows, the batch has ${batch} sequences`, shape);
    hx.forEach((row: unknown, r) => {
      if (!Array.isArray(row) || row.length !== stateSize) throw new InvalidInputError(`hx[${r}] has ${Array.isArray(row) ? row.length : 'no'} values`, `${shape}: each row holds the model's ${stateSize} state values`);
    });
    flat = (hx as unknown[][]).flat();
  } else if (Array.isArray(hx)) {
    if (batch !== 1) throw new InvalidInputError(`hx is one row but the batch has ${batch} sequences`, shape);
    flat = hx;
  } else {
    throw new InvalidInputError(`hx is ${typeof hx}`, `${shape}, as nested lists or a Float32Array`);
  }
  if (flat.length !== batch * stateSize) throw new InvalidInputError(`hx has ${flat.length} values`, `${shape}: ${batch * stateSize} values`);
  const out = new Float32Array(flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidInputError(`hx value ${i} is ${String(v)}`, 'the hidden state must hold finite numbers');
    out[i] = v;
  }
  return out;
}
