import { CFC_MODES, LNN_ACTIVATIONS, type CfcCellParams, type CfcMode, type CfcModel, type LnnActivation, type LnnLinear, type LnnModel, type LtcModel, type LnnWiring } from '../../kernels/lnn-model';
import { InvalidInputError } from '../../errors';
import { LnnRandom } from './random';

/** The output width of a model's `output`. */
export function lnnOutputWidth(model: LnnModel): number {
  return model.kind === 'ltc' ? model.motorSize : model.readout ? model.readout.outDim : model.cellOutputSize;
}

export function lnnStateSize(model: LnnModel): number {
  return model.kind === 'ltc' ? model.units : model.stateSize;
}

function xavier(rng: LnnRandom, rows: number, cols: number): Float32Array {
  const bound = Math.sqrt(6 / (rows + cols));
  return Float32Array.from({ length: rows * cols }, () => rng.uniform(-bound, bound));
}

/** nn.Linear with xavier_uniform weights (ncps init_weights) and torch's default bias U(±1/√in). */
function linear(rng: LnnRandom, inDim: number, outDim: number, weightInit: 'xavier' | 'torch' = 'xavier'): LnnLinear {
  const b = 1 / Math.sqrt(inDim);
  const weight = weightInit === 'xavier' ? xavier(rng, outDim, inDim) : Float32Array.from({ length: outDim * inDim }, () => rng.uniform(-b, b));
  return { inDim, outDim, weight, bias: Float32Array.from({ length: outDim }, () => rng.uniform(-b, b)) };
}

export interface CfcCellOptions {
  mode?: CfcMode;
  activation?: LnnActivation;
  backboneUnits?: number;
  backboneLayers?: number;
  sparsityMask?: Float32Array;
}

/** A seeded ncps CfCCell (same shapes and init distributions; not torch's random stream). */
export function createCfcCell(rng: LnnRandom, inputSize: number, hiddenSize: number, o: CfcCellOptions = {}): CfcCellParams {
  const mode = o.mode ?? 'default';
  const activation = o.activation ?? 'lecun_tanh';
  if (!CFC_MODES.includes(mode)) throw new InvalidInputError(`mode is '${mode}'`, `mode must be one of ${CFC_MODES.join(', ')}`);
  if (!LNN_ACTIVATIONS.includes(activation)) throw new InvalidInputError(`activation is '${activation}'`, `activation must be one of ${LNN_ACTIVATIONS.join(', ')}`);
  const layers = o.backboneLayers ?? 1;
  const units = o.backboneUnits ?? 128;
  const backbone: LnnLinear[] = [];
  for (let l = 0; l < layers; l++) backbone.push(linear(rng, l === 0 ? inputSize + hiddenSize : units, units));
  const cat = layers === 0 ? inputSize + hiddenSize : units;
  const cell: CfcCellParams = { inputSize, hiddenSize, mode, activation, backbone, ff1: linear(rng, cat, hiddenSize), sparsityMask: o.sparsityMask };
  if (mode === 'pure') {
    cell.wTau = xavier(rng, 1, hiddenSize);
    cell.A = xavier(rng, 1, hiddenSize);
  } else {
    cell.ff2 = linear(rng, cat, hiddenSize);
    cell.timeA = linear(rng, cat, hiddenSize);
    cell.timeB = linear(rng, cat, hiddenSize);
  }
  return cell;
}

export interface CfcOptions extends Omit<CfcCellOptions, 'sparsityMask'> {
  inputSize: number;
  units: number;
  /** ncps `proj_size`: a linear readout to this many outputs (the layer adapt() trains). */
  projSize?: number;
  seed?: number;
}

/** ncps `CfC(input_size, units, proj_size, mode, activation, backbone_units, backbone_layers)`, seeded. */
export function createCfcModel(o: CfcOptions): CfcModel {
  positiveInt('inputSize', o.inputSize);
  positiveInt('units', o.units);
  const rng = new LnnRandom(o.seed ?? 1);
  const cell = createCfcCell(rng, o.inputSize, o.units, o);
  const model: CfcModel = { kind: 'cfc', inputSize: o.inputSize, cells: [cell], stateSize: o.units, cellOutputSize: o.units };
  if (o.projSize !== undefined) {
    positiveInt('projSize', o.projSize);
    model.readout = linear(rng, o.units, o.projSize, 'torch');
  }
  return model;
}

/** WiredCfCCell's sparsity mask of each layer (hidden × (in + hidden)): |input adjacency| beside a dense recurrent block. */
export function wiredCfcMasks(wiring: LnnWiring): Float32Array[] {
  let inFeatures = wiring.inputDim;
  return wiring.layers.map((neurons, l) => {
    const H = neurons.length;
    const sources = l === 0 ? null : wiring.layers[l - 1];
    const mask = new Float32Array(H * (inFeatures + H));
    for (let j = 0; j < H; j++) {
      for (let i = 0; i < inFeatures; i++) {
        const polarity = sources ? wiring.adjacency[sources[i] * wiring.units + neurons[j]] : wiring.sensoryAdjacency[i * wiring.units + neurons[j]];
        mask[j * (inFeatures + H) + i] = Math.abs(polarity);
      }
      for (let i = 0; i < H; i++) mask[j * (inFeatures + H) + inFeatures + i] = 1;
    }
    inFeatures = H;
    return mask;
  });
}

/**
 * ncps `WiredCfCCell(input_size, wiring, mode)`: one CfCCell per wiring layer with no backbone and
 * lecun_tanh, input sparsity from the (sensory) adjacency, recurrent part dense (ones), as ncps builds it.
 */
export function createWiredCfcModel(wiring: LnnWiring, o: { mode?: CfcMode; seed?: number; projSize?: number } = {}): CfcModel {
  const rng = new LnnRandom(o.seed ?? 1);
  const masks = wiredCfcMasks(wiring);
  let inFeatures = wiring.inputDim;
  const cells = wiring.layers.map((neurons, l) => {
    const cell = createCfcCell(rng, inFeatures, neurons.length, { mode: o.mode, activation: 'lecun_tanh', backboneLayers: 0, backboneUnits: 0, sparsityMask: masks[l] });
    inFeatures = neurons.length;
    return cell;
  });
  const last = cells[cells.length - 1].hiddenSize;
  const model: CfcModel = { kind: 'cfc', inputSize: wiring.inputDim, cells, stateSize: wiring.units, cellOutputSize: last, wiring };
  if (o.projSize !== undefined) model.readout = linear(rng, last, o.projSize, 'torch');
  return model;
}

export interface LtcOptions {
  inputMapping?: LtcModel['inputMapping'];
  outputMapping?: LtcModel['outputMapping'];
  odeUnfolds?: number;
  epsilon?: number;
  implicitConstraints?: boolean;
  seed?: number;
}

/** ncps `LTCCell(wiring)` with its init ranges (gleak, vleak, cm, w, sigma, mu, sensory_*), seeded. */
export function createLtcModel(wiring: LnnWiring, o: LtcOptions = {}): LtcModel {
  const rng = new LnnRandom(o.seed ?? 1);
  const U = wiring.units;
  const S = wiring.inputDim;
  const init = (n: number, lo: number, hi: number) => Float32Array.from({ length: n }, () => rng.uniform(lo, hi));
  const model: LtcModel = {
    kind: 'ltc',
    wiring,
    units: U,
    sensorySize: S,
    motorSize: wiring.outputDim,
    gleak: init(U, 0.001, 1),
    vleak: init(U, -0.2, 0.2),
    cm: init(U, 0.4, 0.6),
    sigma: init(U * U, 3, 8),
    mu: init(U * U, 0.3, 0.8),
    w: init(U * U, 0.001, 1),
    erev: Float32Array.from(wiring.adjacency),
    sensorySigma: init(S * U, 3, 8),
    sensoryMu: init(S * U, 0.3, 0.8),
    sensoryW: init(S * U, 0.001, 1),
    sensoryErev: Float32Array.from(wiring.sensoryAdjacency),
    sparsityMask: Float32Array.from(wiring.adjacency, Math.abs),
    sensorySparsityMask: Float32Array.from(wiring.sensoryAdjacency, Math.abs),
    inputMapping: o.inputMapping ?? 'affine',
    outputMapping: o.outputMapping ?? 'affine',
    odeUnfolds: o.odeUnfolds ?? 6,
    epsilon: o.epsilon ?? 1e-8,
    implicitConstraints: o.implicitConstraints ?? false,
  };
  if (model.inputMapping !== 'none') model.inputW = new Float32Array(S).fill(1);
  if (model.inputMapping === 'affine') model.inputB = new Float32Array(S);
  if (model.outputMapping !== 'none') model.outputW = new Float32Array(model.motorSize).fill(1);
  if (model.outputMapping === 'affine') model.outputB = new Float32Array(model.motorSize);
  positiveInt('odeUnfolds', model.odeUnfolds);
  return model;
}

function positiveInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new InvalidInputError(`${name} is ${v}`, `${name} must be a whole number ≥ 1`);
}

/**
 * The default model the pipeline uses: a seeded ncps CfC (1 input, 32 units, one lecun_tanh backbone
 * layer of 32, mode 'default') with a 1-output linear readout. `output[t]` is that readout of the state
 * after step t: untrained at first (seeded weights), and, once adapt() has fitted it to (sequence, next
 * value) pairs, the prediction of the sequence's next value.
 */
export function createLnnDefaultModel(seed = 7): LnnModel {
  return createCfcModel({ inputSize: 1, units: 32, backboneUnits: 32, backboneLayers: 1, projSize: 1, seed });
}
