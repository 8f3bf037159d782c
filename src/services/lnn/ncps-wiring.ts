import { LnnModelFormatError } from './errors';
import { autoNcpShape, autoNcpWiring, fullyConnectedWiring, wiringFromConfig } from './wirings';
import { type LnnWiring } from '../../kernels/lnn-model';

/** The part of a state dict the wiring needs: which tensors exist and their shapes. */
export interface StateDictShapes {
  shape(name: string): number[] | undefined;
  names(): string[];
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

/**
 * The neuron layout a wiring config describes, as ncps's `get_config()` writes it for each class:
 * AutoNCP `{units, output_size, sparsity_level, seed}`; NCP `{inter_neurons, command_neurons,
 * motor_neurons (id lists), sensory_fanout, ...}`; FullyConnected `{units, output_dim, erev_init_seed,
 * self_connections}`; Random `{units, output_dim, sparsity_level, random_seed}`; or LTC's `units` as a
 * number (ncps builds FullyConnected(units)). None of these hold the adjacency: the synapses come from
 * the sparsity masks ncps registers in the state dict.
 */
function layoutOf(config: unknown): { kind: LnnWiring['kind']; units: number; outputDim: number; layers: number[][] } {
  const whole = (name: string, v: unknown, min = 1) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new LnnModelFormatError(`wiring ${name} is ${JSON.stringify(v)}`, `${name} must be a whole number ≥ ${min}`);
    return v;
  };
  if (typeof config === 'number') {
    const units = whole('units', config);
    return { kind: 'fully-connected', units, outputDim: units, layers: [range(0, units)] };
  }
  const c = config as Record<string, unknown>;
  if ('output_size' in c) {
    // AutoNCP: the counts ncps derives (ids: motor 0.., command, inter), layers inter → command → motor.
    const s = autoNcpShape(whole('units', c.units), whole('output_size', c.output_size), typeof c.sparsity_level === 'number' ? c.sparsity_level : 0.5);
    const motor = range(0, s.motor);
    const command = range(s.motor, s.command);
    const inter = range(s.motor + s.command, s.inter);
    return { kind: 'ncp', units: s.motor + s.command + s.inter, outputDim: s.motor, layers: [inter, command, motor] };
  }
  if ('inter_neurons' in c || 'command_neurons' in c || 'motor_neurons' in c) {
    // NCP.get_config() lists the ids; NCP's constructor arguments are counts (ids then as ncps numbers them).
    const counts = ['motor_neurons', 'command_neurons', 'inter_neurons'].map((k) => (Array.isArray(c[k]) ? (c[k] as unknown[]).length : whole(k, c[k])));
    const units = counts[0] + counts[1] + counts[2];
    const ids = (k: string, from: number, count: number): number[] => {
      const v = c[k];
      if (!Array.isArray(v)) return range(from, count);
      if (!v.every((x) => Number.isInteger(x) && x >= 0 && x < units)) throw new LnnModelFormatError(`wiring ${k} is not a list of neuron ids`, `list ids from 0 to ${units - 1}`);
      return v as number[];
    };
    const motor = ids('motor_neurons', 0, counts[0]);
    const command = ids('command_neurons', counts[0], counts[1]);
    const inter = ids('inter_neurons', counts[0] + counts[1], counts[2]);
    if (new Set([...motor, ...command, ...inter]).size !== units) throw new LnnModelFormatError('the NCP neuron id lists overlap', 'list every neuron in exactly one of inter_neurons, command_neurons, motor_neurons');
    return { kind: 'ncp', units, outputDim: motor.length, layers: [inter, command, motor] };
  }
  if ('units' in c) {
    // FullyConnected / Random: one layer; output_dim None means all units.
    const units = whole('units', c.units);
    const outputDim = c.output_dim == null ? units : whole('output_dim', c.output_dim);
    if (outputDim > units) throw new LnnModelFormatError(`wiring output_dim ${outputDim} > units ${units}`, 'output_dim is at most units');
    return { kind: 'fully-connected', units, outputDim, layers: [range(0, units)] };
  }
  throw new LnnModelFormatError(
    'the wiring config names no units',
    "pass the wiring's get_config() (AutoNCP, NCP, FullyConnected, Random, or a built Wiring with adjacency_matrix)",
  );
}

function maskShape(dict: StateDictShapes, name: string, what: string): number[] {
  const shape = dict.shape(name);
  if (!shape || shape.length !== 2) {
    throw new LnnModelFormatError(`state_dict has no 2-D '${name}'`, `ncps registers ${what} as a parameter: export the whole model.state_dict(), or give the wiring's adjacency_matrix in its config`);
  }
  return shape;
}

/**
 * The wiring of an LTC or wired CfC: from a config with an adjacency matrix as before, else from the
 * config's layout plus the sparsity masks in the state dict (|adjacency|; the polarity, only an initial
 * value of erev in ncps, is not needed to run the model), else, for AutoNCP, rebuilt from its seed.
 * `mask(name)` reads a mask tensor of the given shape.
 */
export function resolveNcpsWiring(
  config: unknown, model: 'ltc' | 'wired-cfc', dict: StateDictShapes, mask: (name: string, shape: number[]) => Float32Array,
): LnnWiring {
  if (config == null) throw new LnnModelFormatError(`the ${model} config has no wiring`, model === 'ltc' ? 'give units (a number) or wiring (wiring.get_config())' : 'give wiring (wiring.get_config())');
  if (typeof config === 'object' && (config as Record<string, unknown>).adjacency_matrix != null) {
    const wiring = wiringFromConfig(config);
    if (model === 'wired-cfc') checkLayers(wiring.layers.length, dict, 'the config lists one layer (no inter_neurons/command_neurons/motor_neurons id lists)');
    return wiring;
  }
  const layout = layoutOf(config);
  const { units } = layout;
  const rebuilt = dict.shape(model === 'ltc' ? 'sparsity_mask' : 'layer_0.sparsity_mask') ? undefined : rebuildFromSeed(config, layout, model, dict);
  if (rebuilt) return rebuilt;
  if (model === 'ltc') {
    const [U, U2] = maskShape(dict, 'sparsity_mask', "LTCCell's sparsity_mask");
    if (U !== units || U2 !== units) throw new LnnModelFormatError(`'sparsity_mask' is ${U} × ${U2}, the wiring has ${units} units`, 'the wiring config does not belong to this state_dict');
    const [S, U3] = maskShape(dict, 'sensory_sparsity_mask', "LTCCell's sensory_sparsity_mask");
    if (U3 !== units) throw new LnnModelFormatError(`'sensory_sparsity_mask' has ${U3} columns, the wiring has ${units} units`, 'the wiring config does not belong to this state_dict');
    const adjacency = Int8Array.from(mask('sparsity_mask', [U, U]), (v) => (v !== 0 ? 1 : 0));
    const sensoryAdjacency = Int8Array.from(mask('sensory_sparsity_mask', [S, U]), (v) => (v !== 0 ? 1 : 0));
    return { kind: layout.kind, units, inputDim: S, outputDim: layout.outputDim, adjacency, sensoryAdjacency, layers: layout.layers };
  }
  checkLayers(layout.layers.length, dict, `the ${layout.kind} wiring config describes ${layout.layers.length}`);
  // WiredCfCCell layer l: mask (hidden_l × (in_l + hidden_l)), in_0 the input size, in_l the size of layer l − 1.
  const [H0, cat0] = maskShape(dict, 'layer_0.sparsity_mask', "WiredCfCCell's layer_0.sparsity_mask");
  const inputDim = cat0 - H0;
  const adjacency = new Int8Array(units * units);
  const sensoryAdjacency = new Int8Array(Math.max(inputDim, 0) * units);
  layout.layers.forEach((neurons, l) => {
    const inDim = l === 0 ? inputDim : layout.layers[l - 1].length;
    const name = `layer_${l}.sparsity_mask`;
    const [h, cat] = maskShape(dict, name, `WiredCfCCell's ${name}`);
    if (h !== neurons.length || cat !== inDim + neurons.length || inDim < 1) {
      throw new LnnModelFormatError(`'${name}' is ${h} × ${cat}; the wiring's layer ${l} has ${neurons.length} neurons fed by ${inDim}`, 'the wiring config does not belong to this state_dict (units, output_size and sparsity_level must be those the model was built with)');
    }
    const m = mask(name, [h, cat]);
    for (let j = 0; j < h; j++) {
      for (let i = 0; i < inDim; i++) {
        if (m[j * cat + i] === 0) continue;
        if (l === 0) sensoryAdjacency[i * units + neurons[j]] = 1;
        else adjacency[layout.layers[l - 1][i] * units + neurons[j]] = 1;
      }
    }
  });
  return { kind: layout.kind, units, inputDim, outputDim: layout.outputDim, adjacency, sensoryAdjacency, layers: layout.layers };
}

/**
 * No masks in the state dict (e.g. only trainable parameters were saved): AutoNCP and FullyConnected (and
 * LTC's `units` number, ncps's FullyConnected(units)) rebuild exactly from their config and seed, with
 * numpy's generators reproduced. Other wirings return undefined (the masks are then required).
 */
function rebuildFromSeed(config: unknown, layout: ReturnType<typeof layoutOf>, model: 'ltc' | 'wired-cfc', dict: StateDictShapes): LnnWiring | undefined {
  const c = (typeof config === 'object' ? config : {}) as Record<string, unknown>;
  const autoNcp = 'output_size' in c;
  const fullyConnected = typeof config === 'number' || 'erev_init_seed' in c || 'self_connections' in c;
  if (!autoNcp && !fullyConnected) return undefined;
  if (model === 'wired-cfc') checkLayers(layout.layers.length, dict, `the ${layout.kind} wiring config describes ${layout.layers.length}`);
  const inputDim = model === 'ltc' ? dict.shape('sensory_w')?.[0] : (dict.shape('layer_0.ff1.weight')?.[1] ?? 0) - layout.layers[0].length;
  if (!inputDim || inputDim < 1) throw new LnnModelFormatError('neither the sparsity masks nor the input width are in the state_dict', 'export the whole model.state_dict()');
  const seed = autoNcp ? c.seed ?? 22222 : c.erev_init_seed ?? 1111;
  if (typeof seed !== 'number') throw new LnnModelFormatError(`the wiring seed is ${JSON.stringify(seed)}`, 'the seed rebuilds the wiring: give the number it was built with, or export the sparsity masks');
  if (autoNcp) return autoNcpWiring(layout.units, layout.outputDim, inputDim, { sparsityLevel: typeof c.sparsity_level === 'number' ? c.sparsity_level : 0.5, seed });
  return fullyConnectedWiring(layout.units, inputDim, { outputDim: layout.outputDim, seed, selfConnections: c.self_connections !== false });
}

/** A wired CfC's state dict has one `layer_<l>.` cell per wiring layer; say which piece is missing. */
function checkLayers(configLayers: number, dict: StateDictShapes, what: string): void {
  const found = new Set(dict.names().map((n) => /^layer_(\d+)\./.exec(n)?.[1]).filter((x) => x !== undefined));
  if (found.size !== configLayers) {
    throw new LnnModelFormatError(
      `the state_dict holds ${found.size} WiredCfCCell layers (layer_0 … layer_${found.size - 1}) but ${what}`,
      "pass the wiring's own get_config() (AutoNCP: units, output_size, sparsity_level; NCP: its inter_neurons, command_neurons, motor_neurons lists)",
    );
  }
}
