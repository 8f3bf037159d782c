import { SnnRandom } from '../../kernels/snn-rng';
import type { SnnNeuron } from '../../kernels/snn-lif';
import { SnnModelError } from './errors';
import { seededLinear, validateSnnNetwork, type SnnNetwork } from './network';

export interface ReservoirSpec {
  inputs: number;
  outputs: number;
  /** Reservoir size (default 500). */
  neurons?: number;
  /** Probability of each recurrent connection (default 0.1). */
  connectionProbability?: number;
  /** Target spectral radius of the recurrent matrix (default 0.9). */
  spectralRadius?: number;
  /** Fraction of excitatory neurons under Dale's law (default 0.8). */
  excitatoryFraction?: number;
  /** Scale of the input weights (default 2). */
  inputGain?: number;
  neuron?: SnnNeuron;
  seed?: number;
}

/**
 * The spectral radius (largest |eigenvalue|) by power iteration, in f64 over the non-zeros. A random
 * Dale's-law matrix is far from normal and its dominant eigenvalues may be a complex pair, so a single
 * ratio ||Wx||/||x|| oscillates; the geometric mean growth over the iterations after a burn-in,
 * (||W^k x|| / ||W^k0 x||)^(1/(k − k0)), converges to the radius in either case (Gelfand's formula).
 */
export function spectralRadiusByPowerIteration(w: Float32Array, n: number, seed = 1, iterations = 1200, burnIn = 200): { radius: number; iterations: number } {
  const rows: number[] = [];
  const cols: number[] = [];
  const vals: number[] = [];
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (w[r * n + c] !== 0) { rows.push(r); cols.push(c); vals.push(w[r * n + c]); }
  const rng = new SnnRandom(seed, 0x9e37);
  let x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = rng.uniform(0.5, 1.5);
  let logGrowth = 0;
  for (let it = 0; it < iterations; it++) {
    const y = new Float64Array(n);
    for (let k = 0; k < vals.length; k++) y[rows[k]] += vals[k] * x[cols[k]];
    let norm = 0;
    let xNorm = 0;
    for (let i = 0; i < n; i++) {
      norm += y[i] * y[i];
      xNorm += x[i] * x[i];
    }
    if (norm === 0) return { radius: 0, iterations: it + 1 };
    if (it >= burnIn) logGrowth += 0.5 * Math.log(norm / xNorm);
    const inv = 1 / Math.sqrt(norm);
    for (let i = 0; i < n; i++) y[i] *= inv;
    x = y;
  }
  return { radius: Math.exp(logGrowth / (iterations - burnIn)), iterations };
}

/**
 * A liquid state machine (Maass 2002): `neurons` LIF neurons with sparse random recurrent synapses
 * (probability p), Dale's law (the first 80 % of neurons excitatory: all their outgoing weights ≥ 0;
 * the rest inhibitory: ≤ 0, twice as strong on average), scaled so the spectral radius is the target,
 * measured by power iteration. Seeded: the same spec gives the same reservoir. The readout (seeded,
 * trainable with fitSnnReadout) reads the mean activity of each neuron over the run.
 */
export function createReservoir(spec: ReservoirSpec): SnnNetwork & { measuredSpectralRadius: number } {
  const n = spec.neurons ?? 500;
  const p = spec.connectionProbability ?? 0.1;
  const target = spec.spectralRadius ?? 0.9;
  const excitatory = Math.round(n * (spec.excitatoryFraction ?? 0.8));
  if (!Number.isInteger(n) || n < 2 || n > 4096) throw new SnnModelError(`neurons is ${n}`, 'use an integer from 2 to 4096');
  if (!(p > 0 && p <= 1)) throw new SnnModelError(`connectionProbability is ${p}`, 'use a probability in (0, 1]');
  if (!(target > 0 && Number.isFinite(target))) throw new SnnModelError(`spectralRadius is ${target}`, 'use a finite number > 0');
  const rng = new SnnRandom(spec.seed ?? 1, 0x15a);
  const recurrent = new Float32Array(n * n);
  for (let post = 0; post < n; post++) {
    for (let pre = 0; pre < n; pre++) {
      if (pre === post || rng.next() >= p) continue;
      // Dale's law: the sign belongs to the presynaptic neuron.
      recurrent[post * n + pre] = pre < excitatory ? rng.uniform(0, 1) : -rng.uniform(0, 2);
    }
  }
  // Excitation outweighs inhibition on average, so the dominant eigenvalue is real and well separated
  // from the bulk: power iteration converges to it.
  const { radius } = spectralRadiusByPowerIteration(recurrent, n, spec.seed ?? 1);
  if (radius === 0) throw new SnnModelError('the recurrent matrix is empty', 'raise connectionProbability or neurons');
  const scale = target / radius;
  for (let i = 0; i < recurrent.length; i++) recurrent[i] *= scale;
  const measured = spectralRadiusByPowerIteration(recurrent, n, (spec.seed ?? 1) + 1).radius;

  const input = seededLinear(rng, spec.inputs, n, spec.inputGain ?? 2);
  const readout = seededLinear(rng, n, spec.outputs, 1);
  const net = {
    layers: [{ inputs: spec.inputs, outputs: n, weights: input.weights, bias: new Float32Array(n), neuron: spec.neuron ?? { model: 'aura' as const }, recurrent }],
    readout: { inputs: n, outputs: spec.outputs, weights: readout.weights, bias: readout.bias },
    measuredSpectralRadius: measured,
  };
  validateSnnNetwork(net);
  return net;
}

/**
 * Fits the readout by ridge regression on features (mean activities, samples × neurons) and targets
 * (samples × outputs): W = Yᵀ X (XᵀX + λI)⁻¹ with a bias column, solved by Cholesky in f64.
 */
export function fitSnnReadout(features: Float32Array[], targets: Float32Array[], ridge = 1e-3): { weights: Float32Array; bias: Float32Array } {
  if (features.length === 0 || features.length !== targets.length) throw new SnnModelError(`${features.length} feature rows for ${targets.length} targets`, 'give one target row per feature row');
  const d = features[0].length + 1;
  const outputs = targets[0].length;
  const a = new Float64Array(d * d);
  const b = new Float64Array(d * outputs);
  for (let s = 0; s < features.length; s++) {
    const x = [...features[s], 1];
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) a[i * d + j] += x[i] * x[j];
      for (let o = 0; o < outputs; o++) b[i * outputs + o] += x[i] * targets[s][o];
    }
  }
  for (let i = 0; i < d; i++) a[i * d + i] += ridge;
  // Cholesky: a = L Lᵀ.
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * d + j];
      for (let k = 0; k < j; k++) sum -= l[i * d + k] * l[j * d + k];
      l[i * d + j] = i === j ? Math.sqrt(Math.max(sum, 1e-300)) : sum / l[j * d + j];
    }
  }
  const weights = new Float32Array(outputs * (d - 1));
  const bias = new Float32Array(outputs);
  for (let o = 0; o < outputs; o++) {
    const z = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      let sum = b[i * outputs + o];
      for (let k = 0; k < i; k++) sum -= l[i * d + k] * z[k];
      z[i] = sum / l[i * d + i];
    }
    const w = new Float64Array(d);
    for (let i = d - 1; i >= 0; i--) {
      let sum = z[i];
      for (let k = i + 1; k < d; k++) sum -= l[k * d + i] * w[k];
      w[i] = sum / l[i * d + i];
    }
    for (let i = 0; i < d - 1; i++) weights[o * (d - 1) + i] = w[i];
    bias[o] = w[d - 1];
  }
  return { weights, bias };
}
