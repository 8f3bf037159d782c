/**
 * The liquid networks' parameter layouts as the kernels and their CPU references read them (ncps's
 * own layouts): the services build and load models in these shapes (src/services/lnn/).
 */

/**
 * A wiring as ncps defines it (`ncps/wirings/wirings.py`): `adjacency[src·units + dest]` and
 * `sensoryAdjacency[src·units + dest]` hold the synapse polarity (−1, 0, +1). Neuron ids follow ncps:
 * motor neurons first (0..outputDim−1), then command, then inter. `layers` lists the neuron ids of each
 * layer in ncps's `get_neurons_of_layer` order (NCP: inter, command, motor; others: one layer).
 */
export interface LnnWiring {
  kind: 'fully-connected' | 'ncp' | 'explicit';
  units: number;
  inputDim: number;
  outputDim: number;
  adjacency: Int8Array;
  sensoryAdjacency: Int8Array;
  layers: number[][];
}

/** ncps CfC modes (`ncps/torch/cfc_cell.py`). */
export type CfcMode = 'default' | 'pure' | 'no_gate';

/** Backbone activations of ncps's CfCCell; the index is the kernel's code (gelu: torch's exact erf form). */
export type LnnActivation = 'lecun_tanh' | 'tanh' | 'relu' | 'silu' | 'gelu';

export const LNN_ACTIVATIONS: readonly LnnActivation[] = ['lecun_tanh', 'tanh', 'relu', 'silu', 'gelu'];

export const CFC_MODES: readonly CfcMode[] = ['default', 'pure', 'no_gate'];

/** A torch nn.Linear: `weight` is out × in, row-major, as torch stores it. */
export interface LnnLinear {
  inDim: number;
  outDim: number;
  weight: Float32Array;
  bias: Float32Array;
}

/** One ncps CfCCell. `sparsityMask` (hidden × (in + hidden), ncps's own layout) multiplies ff1 and ff2. */
export interface CfcCellParams {
  inputSize: number;
  hiddenSize: number;
  mode: CfcMode;
  activation: LnnActivation;
  backbone: LnnLinear[];
  ff1: LnnLinear;
  ff2?: LnnLinear;
  timeA?: LnnLinear;
  timeB?: LnnLinear;
  wTau?: Float32Array;
  A?: Float32Array;
  sparsityMask?: Float32Array;
}

/**
 * A CfC network: one cell (ncps `CfC`) or one cell per wiring layer (ncps `WiredCfCCell`: inter →
 * command → motor, the state being the layers' states concatenated in that order). The output is the
 * last cell's state; `readout` is ncps's `fc` projection (proj_size), the layer FORCE adapts.
 */
export interface CfcModel {
  kind: 'cfc';
  inputSize: number;
  cells: CfcCellParams[];
  stateSize: number;
  /** Width of the last cell's state (the readout's input). */
  cellOutputSize: number;
  readout?: LnnLinear;
  wiring?: LnnWiring;
}

/** ncps LTCCell parameters. Matrices are [src][dest] row-major, as ncps stores them. */
export interface LtcModel {
  kind: 'ltc';
  wiring: LnnWiring;
  units: number;
  sensorySize: number;
  motorSize: number;
  gleak: Float32Array;
  vleak: Float32Array;
  cm: Float32Array;
  sigma: Float32Array;
  mu: Float32Array;
  w: Float32Array;
  erev: Float32Array;
  sensorySigma: Float32Array;
  sensoryMu: Float32Array;
  sensoryW: Float32Array;
  sensoryErev: Float32Array;
  sparsityMask: Float32Array;
  sensorySparsityMask: Float32Array;
  inputMapping: 'affine' | 'linear' | 'none';
  outputMapping: 'affine' | 'linear' | 'none';
  inputW?: Float32Array;
  inputB?: Float32Array;
  outputW?: Float32Array;
  outputB?: Float32Array;
  odeUnfolds: number;
  epsilon: number;
  /** ncps `implicit_param_constraints`: softplus on w, sensory_w, cm, gleak at run time. */
  implicitConstraints: boolean;
}

export type LnnModel = CfcModel | LtcModel;

/** `weight ⊙ mask` as ncps computes it each forward (exact in f32: the mask is 0/1). */
export function maskedWeight(layer: LnnLinear, mask?: Float32Array): Float32Array {
  if (!mask) return layer.weight;
  const out = new Float32Array(layer.weight.length);
  for (let i = 0; i < out.length; i++) out[i] = layer.weight[i] * mask[i];
  return out;
}

/** Where each cell's state starts in the state vector (cells in order: inter, command, motor). */
export function cellOffsets(model: CfcModel): number[] {
  const offsets: number[] = [];
  let off = 0;
  for (const cell of model.cells) {
    offsets.push(off);
    off += cell.hiddenSize;
  }
  return offsets;
}

export interface RlsShape {
  /** Readout outputs. */
  rows: number;
  /** Readout inputs O; r = [state[inputOffset..inputOffset+O), 1]. */
  width: number;
  stateSize: number;
  inputOffset: number;
}
