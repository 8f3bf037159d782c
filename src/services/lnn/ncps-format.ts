import { LnnModelFormatError } from './errors';
import { wiredCfcMasks } from './model';
import { type CfcCellParams, type CfcMode, type CfcModel, type LnnActivation, type LnnLinear, type LnnModel, type LtcModel } from '../../kernels/lnn-model';
import { checkNcpsConfig, ncpsActivation, ncpsInt, ncpsMode, NCPS_CFC_DEFAULTS, NCPS_LTC_DEFAULTS } from './ncps-config';
import { resolveNcpsWiring } from './ncps-wiring';
import { parseSafetensors } from './safetensors';
import { wiringToConfig } from './wirings';

/**
 * The JSON layout of an ncps model (see README.md):
 * `{ format: 'ncps-torch', model: 'cfc' | 'wired-cfc' | 'ltc', config: {...}, state_dict: { name: tensor } }`
 * where `state_dict` is torch's `model.state_dict()` under ncps's own names (`rnn_cell.ff1.weight`,
 * `rnn_cell.backbone.0.weight`, `rnn_cell.layer_0.ff1.weight`, `rnn_cell.gleak`, `fc.weight`, ...) and a
 * tensor is a nested list (`tensor.tolist()`) or `{ shape, data }` with data flat in row-major order.
 * Python side: `{k: v.tolist() for k, v in model.state_dict().items()}`.
 */
export interface NcpsModelFile {
  format: 'ncps-torch';
  model: 'cfc' | 'wired-cfc' | 'ltc';
  config: Record<string, unknown>;
  state_dict: Record<string, unknown>;
}

interface Tensor {
  shape: number[];
  data: Float32Array;
}

function toTensor(name: string, value: unknown): Tensor {
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'shape' in value && 'data' in value) {
    const v = value as { shape: unknown; data: unknown };
    if (v.data instanceof Float32Array) v.data = Array.from(v.data);
    if (!Array.isArray(v.shape) || !Array.isArray(v.data)) throw new LnnModelFormatError(`tensor ${name} has a malformed {shape, data}`, 'shape is a list of sizes, data a flat list of numbers');
    const shape = v.shape as number[];
    const size = shape.reduce((a, b) => a * b, 1);
    if (v.data.length !== size) throw new LnnModelFormatError(`tensor ${name} has ${v.data.length} values for shape [${shape}]`, 'data must hold the product of shape values');
    return { shape, data: finite(name, v.data) };
  }
  const shape: number[] = [];
  let level: unknown = value;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const flat = (value as unknown[]).flat(shape.length) as unknown[];
  if (flat.length !== shape.reduce((a, b) => a * b, 1)) throw new LnnModelFormatError(`tensor ${name} is ragged`, 'every row of a tensor must have the same length');
  return { shape, data: finite(name, flat) };
}

function finite(name: string, values: unknown[]): Float32Array {
  const out = new Float32Array(values.length);
  values.forEach((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new LnnModelFormatError(`tensor ${name}[${i}] is ${String(x)}`, 'parameters must be finite numbers');
    out[i] = x;
  });
  return out;
}

class StateDict {
  private readonly tensors = new Map<string, Tensor>();
  constructor(raw: unknown) {
    if (typeof raw !== 'object' || raw === null) throw new LnnModelFormatError('state_dict is not an object', 'pass {name: tensor} as torch model.state_dict() gives it');
    for (const [name, value] of Object.entries(raw)) this.tensors.set(name.replace(/^rnn_cell\./, ''), toTensor(name, value));
  }
  has(name: string): boolean {
    return this.tensors.has(name);
  }
  names(): string[] {
    return [...this.tensors.keys()];
  }
  shape(name: string): number[] | undefined {
    return this.tensors.get(name)?.shape;
  }
  get(name: string, shape: number[]): Float32Array {
    const t = this.tensors.get(name);
    if (!t) throw new LnnModelFormatError(`state_dict has no '${name}'`, 'export every parameter of the ncps module (model.state_dict())');
    const size = shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== size) throw new LnnModelFormatError(`'${name}' has shape [${t.shape}], expected [${shape}]`, 'the config does not match the parameters');
    return t.data;
  }
  linear(name: string, inDim: number, outDim: number): LnnLinear {
    return { inDim, outDim, weight: this.get(`${name}.weight`, [outDim, inDim]), bias: this.get(`${name}.bias`, [outDim]) };
  }
}

function readCell(dict: StateDict, prefix: string, inputSize: number, hiddenSize: number, mode: CfcMode, activation: LnnActivation, backboneUnits: number, backboneLayers: number): CfcCellParams {
  const backbone: LnnLinear[] = [];
  const indices = dict
    .names()
    .map((n) => new RegExp(`^${prefix}backbone\\.(\\d+)\\.weight$`).exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  if (indices.length !== backboneLayers) throw new LnnModelFormatError(`found ${indices.length} backbone layers, config says ${backboneLayers}`, 'set backbone_layers to the number of backbone Linear layers');
  indices.forEach((index, l) => backbone.push(dict.linear(`${prefix}backbone.${index}`, l === 0 ? inputSize + hiddenSize : backboneUnits, backboneUnits)));
  const cat = backboneLayers === 0 ? inputSize + hiddenSize : backboneUnits;
  const cell: CfcCellParams = { inputSize, hiddenSize, mode, activation, backbone, ff1: dict.linear(`${prefix}ff1`, cat, hiddenSize) };
  if (dict.has(`${prefix}sparsity_mask`)) cell.sparsityMask = dict.get(`${prefix}sparsity_mask`, [hiddenSize, cat]);
  if (mode === 'pure') {
    cell.wTau = dict.get(`${prefix}w_tau`, [1, hiddenSize]);
    cell.A = dict.get(`${prefix}A`, [1, hiddenSize]);
  } else {
    cell.ff2 = dict.linear(`${prefix}ff2`, cat, hiddenSize);
    cell.timeA = dict.linear(`${prefix}time_a`, cat, hiddenSize);
    cell.timeB = dict.linear(`${prefix}time_b`, cat, hiddenSize);
  }
  return cell;
}

/** config.input_size, when given, must be the wiring's input width. */
function checkInputSize(config: Record<string, unknown>, inputDim: number): void {
  if (config.input_size != null && config.input_size !== inputDim) {
    throw new LnnModelFormatError(`config.input_size is ${String(config.input_size)} but the wiring takes ${inputDim} inputs`, 'the config and the state_dict describe different models');
  }
}

/**
 * Loads an ncps model file (the layout above): CfC, wired CfC, or LTC. A key left out of `config` means
 * what it means in ncps's constructor (ncps-config.ts); a wiring may be any ncps class's get_config().
 */
export function loadNcpsModel(file: unknown): LnnModel {
  if (typeof file !== 'object' || file === null) throw new LnnModelFormatError('model file is not an object', "pass { format: 'ncps-torch', model, config, state_dict }");
  const f = file as Partial<NcpsModelFile>;
  if (f.format !== 'ncps-torch') throw new LnnModelFormatError(`format is ${String(f.format)}`, "set format: 'ncps-torch'");
  const config = (f.config ?? {}) as Record<string, unknown>;
  const dict = new StateDict(f.state_dict);
  if (f.model === 'cfc' || f.model === 'wired-cfc' || f.model === 'ltc') checkNcpsConfig(f.model, config);
  if (f.model === 'cfc') {
    const inputSize = ncpsInt(config, 'input_size');
    const units = ncpsInt(config, 'units');
    const layers = ncpsInt(config, 'backbone_layers', NCPS_CFC_DEFAULTS.backbone_layers);
    const cell = readCell(dict, '', inputSize, units, ncpsMode(config.mode), ncpsActivation(config), ncpsInt(config, 'backbone_units', NCPS_CFC_DEFAULTS.backbone_units), layers);
    const model: CfcModel = { kind: 'cfc', inputSize, cells: [cell], stateSize: units, cellOutputSize: units };
    if (config.proj_size != null) model.readout = dict.linear('fc', units, ncpsInt(config, 'proj_size'));
    return model;
  }
  if (f.model === 'wired-cfc') {
    const wiring = resolveNcpsWiring(config.wiring ?? config.units, 'wired-cfc', dict, (name, shape) => dict.get(name, shape));
    checkInputSize(config, wiring.inputDim);
    const mode = ncpsMode(config.mode);
    const masks = wiredCfcMasks(wiring);
    let inFeatures = wiring.inputDim;
    const cells = wiring.layers.map((neurons, l) => {
      // WiredCfCCell: CfCCell(in, len(layer), mode, 'lecun_tanh', backbone_units=0, backbone_layers=0).
      const cell = readCell(dict, `layer_${l}.`, inFeatures, neurons.length, mode, 'lecun_tanh', 0, 0);
      cell.sparsityMask ??= masks[l];
      inFeatures = neurons.length;
      return cell;
    });
    const last = cells[cells.length - 1].hiddenSize;
    const model: CfcModel = { kind: 'cfc', inputSize: wiring.inputDim, cells, stateSize: wiring.units, cellOutputSize: last, wiring };
    if (config.proj_size != null) model.readout = dict.linear('fc', last, ncpsInt(config, 'proj_size'));
    return model;
  }
  if (f.model === 'ltc') {
    const wiring = resolveNcpsWiring(config.wiring ?? config.units, 'ltc', dict, (name, shape) => dict.get(name, shape));
    checkInputSize(config, wiring.inputDim);
    const U = wiring.units;
    const S = wiring.inputDim;
    const M = wiring.outputDim;
    const mapping = (key: 'input_mapping' | 'output_mapping') => {
      const m = (config[key] ?? NCPS_LTC_DEFAULTS[key]) as LtcModel['inputMapping'];
      if (!['affine', 'linear', 'none'].includes(m)) throw new LnnModelFormatError(`${key} is ${String(config[key])}`, "mappings are 'affine', 'linear' or 'none'");
      return m;
    };
    const model: LtcModel = {
      kind: 'ltc',
      wiring,
      units: U,
      sensorySize: S,
      motorSize: M,
      gleak: dict.get('gleak', [U]),
      vleak: dict.get('vleak', [U]),
      cm: dict.get('cm', [U]),
      sigma: dict.get('sigma', [U, U]),
      mu: dict.get('mu', [U, U]),
      w: dict.get('w', [U, U]),
      erev: dict.get('erev', [U, U]),
      sensorySigma: dict.get('sensory_sigma', [S, U]),
      sensoryMu: dict.get('sensory_mu', [S, U]),
      sensoryW: dict.get('sensory_w', [S, U]),
      sensoryErev: dict.get('sensory_erev', [S, U]),
      sparsityMask: dict.has('sparsity_mask') ? dict.get('sparsity_mask', [U, U]) : Float32Array.from(wiring.adjacency, Math.abs),
      sensorySparsityMask: dict.has('sensory_sparsity_mask') ? dict.get('sensory_sparsity_mask', [S, U]) : Float32Array.from(wiring.sensoryAdjacency, Math.abs),
      inputMapping: mapping('input_mapping'),
      outputMapping: mapping('output_mapping'),
      odeUnfolds: ncpsInt(config, 'ode_unfolds', NCPS_LTC_DEFAULTS.ode_unfolds),
      epsilon: typeof config.epsilon === 'number' ? config.epsilon : NCPS_LTC_DEFAULTS.epsilon,
      // ncps's LTC defaults to True (softplus on w, sensory_w, cm, gleak); LTCCell alone defaults to False.
      // An explicit None (JSON null) is falsy in ncps: no softplus.
      implicitConstraints: config.implicit_param_constraints === undefined ? NCPS_LTC_DEFAULTS.implicit_param_constraints : config.implicit_param_constraints === true,
    };
    if (model.odeUnfolds < 1) throw new LnnModelFormatError('ode_unfolds is 0', 'ode_unfolds must be ≥ 1');
    if (model.inputMapping !== 'none') model.inputW = dict.get('input_w', [S]);
    if (model.inputMapping === 'affine') model.inputB = dict.get('input_b', [S]);
    if (model.outputMapping !== 'none') model.outputW = dict.get('output_w', [M]);
    if (model.outputMapping === 'affine') model.outputB = dict.get('output_b', [M]);
    return model;
  }
  throw new LnnModelFormatError(`model is ${String(f.model)}`, "model is 'cfc', 'wired-cfc' or 'ltc'");
}

/**
 * Loads ncps parameters from a safetensors file (`safetensors.torch.save_file(model.state_dict(), path,
 * metadata={'ncps_model': 'cfc', 'ncps_config': json.dumps(config)})`). `header` overrides the metadata.
 */
export function loadNcpsSafetensors(bytes: Uint8Array, header?: { model: NcpsModelFile['model']; config: Record<string, unknown> }): LnnModel {
  const { tensors, metadata } = parseSafetensors(bytes);
  let config = header?.config;
  if (!config) {
    try {
      config = JSON.parse(metadata.ncps_config ?? 'null') as Record<string, unknown>;
    } catch {
      config = undefined;
    }
  }
  const model = header?.model ?? (metadata.ncps_model as NcpsModelFile['model']);
  if (!config || !model) throw new LnnModelFormatError('safetensors file names no ncps model or config', "pass { model, config } or save metadata ncps_model and ncps_config (a JSON string)");
  return loadNcpsModel({ format: 'ncps-torch', model, config, state_dict: tensors });
}

/** Writes a model in the same layout with nested-list tensors (what `tensor.tolist()` gives). */
export function exportNcpsModel(model: LnnModel): NcpsModelFile {
  const dict: Record<string, unknown> = {};
  const nest = (data: Float32Array, shape: number[]): unknown => (shape.length === 1 ? Array.from(data) : Array.from({ length: shape[0] }, (_, r) => nest(data.subarray((r * data.length) / shape[0], ((r + 1) * data.length) / shape[0]), shape.slice(1))));
  const put = (name: string, data: Float32Array, shape: number[]) => (dict[name] = nest(data, shape));
  const putLinear = (name: string, l: LnnLinear) => {
    put(`${name}.weight`, l.weight, [l.outDim, l.inDim]);
    put(`${name}.bias`, l.bias, [l.outDim]);
  };
  if (model.kind === 'ltc') {
    const U = model.units;
    const S = model.sensorySize;
    for (const [name, data, shape] of [
      ['gleak', model.gleak, [U]], ['vleak', model.vleak, [U]], ['cm', model.cm, [U]], ['sigma', model.sigma, [U, U]], ['mu', model.mu, [U, U]],
      ['w', model.w, [U, U]], ['erev', model.erev, [U, U]], ['sensory_sigma', model.sensorySigma, [S, U]], ['sensory_mu', model.sensoryMu, [S, U]],
      ['sensory_w', model.sensoryW, [S, U]], ['sensory_erev', model.sensoryErev, [S, U]], ['sparsity_mask', model.sparsityMask, [U, U]],
      ['sensory_sparsity_mask', model.sensorySparsityMask, [S, U]], ['input_w', model.inputW, [S]], ['input_b', model.inputB, [S]],
      ['output_w', model.outputW, [model.motorSize]], ['output_b', model.outputB, [model.motorSize]],
    ] as Array<[string, Float32Array | undefined, number[]]>) {
      if (data) put(`rnn_cell.${name}`, data, shape);
    }
    const config = { wiring: wiringToConfig(model.wiring), input_mapping: model.inputMapping, output_mapping: model.outputMapping, ode_unfolds: model.odeUnfolds, epsilon: model.epsilon, implicit_param_constraints: model.implicitConstraints };
    return { format: 'ncps-torch', model: 'ltc', config, state_dict: dict };
  }
  const wired = model.wiring !== undefined;
  model.cells.forEach((cell, l) => {
    const prefix = wired ? `rnn_cell.layer_${l}.` : 'rnn_cell.';
    cell.backbone.forEach((layer, k) => putLinear(`${prefix}backbone.${2 * k}`, layer));
    putLinear(`${prefix}ff1`, cell.ff1);
    if (cell.ff2) putLinear(`${prefix}ff2`, cell.ff2);
    if (cell.timeA) putLinear(`${prefix}time_a`, cell.timeA);
    if (cell.timeB) putLinear(`${prefix}time_b`, cell.timeB);
    if (cell.wTau) put(`${prefix}w_tau`, cell.wTau, [1, cell.hiddenSize]);
    if (cell.A) put(`${prefix}A`, cell.A, [1, cell.hiddenSize]);
    if (cell.sparsityMask) put(`${prefix}sparsity_mask`, cell.sparsityMask, [cell.hiddenSize, cell.ff1.inDim]);
  });
  if (model.readout) putLinear('fc', model.readout);
  const first = model.cells[0];
  const config: Record<string, unknown> = wired
    ? { mode: first.mode, wiring: wiringToConfig(model.wiring!) }
    : { input_size: model.inputSize, units: model.stateSize, mode: first.mode, activation: first.activation, backbone_units: first.backbone[0]?.outDim ?? 0, backbone_layers: first.backbone.length };
  if (model.readout) config.proj_size = model.readout.outDim;
  return { format: 'ncps-torch', model: wired ? 'wired-cfc' : 'cfc', config, state_dict: dict };
}
