import type { LnnWiring } from '../../kernels/lnn-model';
import { InvalidInputError } from '../../errors';
import { LnnModelFormatError } from './errors';
import { NumpyGenerator } from './numpy-generator';
import { NumpyRandomState } from './numpy-random';

function emptyWiring(kind: LnnWiring['kind'], units: number, inputDim: number, outputDim: number): LnnWiring {
  return {
    kind,
    units,
    inputDim,
    outputDim,
    adjacency: new Int8Array(units * units),
    sensoryAdjacency: new Int8Array(inputDim * units),
    layers: [Array.from({ length: units }, (_, i) => i)],
  };
}

function positive(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new InvalidInputError(`${name} is ${value}`, `${name} must be a whole number ≥ 1`);
}

/**
 * ncps `FullyConnected(units, output_dim, erev_init_seed, self_connections)` built for `inputDim`:
 * every pair gets a synapse whose polarity is drawn from [−1, +1, +1] (two thirds excitatory), from
 * numpy's `default_rng(erev_init_seed)` reproduced bit for bit (numpy-generator.ts): ncps's adjacency.
 */
export function fullyConnectedWiring(units: number, inputDim: number, options: { outputDim?: number; seed?: number; selfConnections?: boolean } = {}): LnnWiring {
  positive('units', units);
  positive('inputDim', inputDim);
  const outputDim = options.outputDim ?? units;
  if (!Number.isInteger(outputDim) || outputDim < 1 || outputDim > units) throw new InvalidInputError(`outputDim is ${outputDim}`, `outputDim must be from 1 to units (${units})`);
  const rng = new NumpyGenerator(options.seed ?? 1111);
  const wiring = emptyWiring('fully-connected', units, inputDim, outputDim);
  const polarities = [-1, 1, 1];
  for (let src = 0; src < units; src++) {
    for (let dest = 0; dest < units; dest++) {
      if (src === dest && options.selfConnections === false) continue;
      wiring.adjacency[src * units + dest] = rng.choice(polarities);
    }
  }
  for (let src = 0; src < inputDim; src++) {
    for (let dest = 0; dest < units; dest++) wiring.sensoryAdjacency[src * units + dest] = rng.choice(polarities);
  }
  return wiring;
}

/** The neuron counts and fan-outs ncps's `AutoNCP(units, output_size, sparsity_level)` derives. */
export function autoNcpShape(units: number, outputSize: number, sparsityLevel = 0.5) {
  positive('units', units);
  positive('outputSize', outputSize);
  if (outputSize >= units - 2) throw new InvalidInputError(`outputSize ${outputSize} with ${units} units`, 'outputSize must be less than units − 2');
  if (!(sparsityLevel >= 0.1 && sparsityLevel <= 1)) throw new InvalidInputError(`sparsityLevel is ${sparsityLevel}`, 'sparsityLevel must be from 0.1 to 1.0');
  const density = 1 - sparsityLevel;
  const interAndCommand = units - outputSize;
  const command = Math.max(Math.trunc(0.4 * interAndCommand), 1);
  const inter = interAndCommand - command;
  return {
    inter,
    command,
    motor: outputSize,
    sensoryFanout: Math.max(Math.trunc(inter * density), 1),
    interFanout: Math.max(Math.trunc(command * density), 1),
    recurrentCommandSynapses: Math.max(Math.trunc(command * density * 2), 1),
    motorFanin: Math.max(Math.trunc(command * density), 1),
  };
}

/**
 * ncps `AutoNCP(units, output_size, sparsity_level, seed)` → `NCP.build(inputDim)`: the same construction
 * steps, draws and fix-ups for unreachable neurons, in the same order, drawn from numpy's
 * `RandomState(seed)` reproduced bit for bit (numpy-random.ts): the adjacency equals ncps's for the same
 * arguments (tests/unit/lnn/ncps-parity.test.ts).
 */
export function autoNcpWiring(units: number, outputSize: number, inputDim: number, options: { sparsityLevel?: number; seed?: number } = {}): LnnWiring {
  positive('inputDim', inputDim);
  const shape = autoNcpShape(units, outputSize, options.sparsityLevel ?? 0.5);
  if (shape.sensoryFanout > shape.inter) throw new InvalidInputError(`sensory fan-out ${shape.sensoryFanout} > ${shape.inter} inter neurons`, 'use fewer outputs or more units');
  const rng = new NumpyRandomState(options.seed ?? 22222);
  const wiring = emptyWiring('ncp', units, inputDim, outputSize);
  const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
  const motor = range(0, shape.motor);
  const command = range(shape.motor, shape.command);
  const inter = range(shape.motor + shape.command, shape.inter);
  const sensory = range(0, inputDim);
  const pol = [-1, 1];
  const synapse = (src: number, dest: number) => (wiring.adjacency[src * units + dest] = rng.choice(pol));
  const sensorySynapse = (src: number, dest: number) => (wiring.sensoryAdjacency[src * units + dest] = rng.choice(pol));
  const clip = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);

  // sensory → inter: each sensory neuron reaches exactly sensoryFanout inter neurons.
  let unreachable = new Set(inter);
  for (const src of sensory) for (const dest of rng.sample(inter, shape.sensoryFanout)) { unreachable.delete(dest); sensorySynapse(src, dest); }
  const interFanin = clip(Math.trunc((inputDim * shape.sensoryFanout) / shape.inter), 1, inputDim);
  for (const dest of unreachable) for (const src of rng.sample(sensory, interFanin)) sensorySynapse(src, dest);

  // inter → command.
  unreachable = new Set(command);
  for (const src of inter) for (const dest of rng.sample(command, shape.interFanout)) { unreachable.delete(dest); synapse(src, dest); }
  const commandFanin = clip(Math.trunc((shape.inter * shape.interFanout) / shape.command), 1, shape.command);
  for (const dest of unreachable) for (const src of rng.sample(inter, Math.min(commandFanin, inter.length))) synapse(src, dest);

  // recurrent command synapses.
  for (let i = 0; i < shape.recurrentCommandSynapses; i++) {
    const src = rng.choice(command);
    const dest = rng.choice(command);
    synapse(src, dest);
  }

  // command → motor: each motor neuron receives exactly motorFanin command neurons.
  unreachable = new Set(command);
  for (const dest of motor) for (const src of rng.sample(command, shape.motorFanin)) { unreachable.delete(src); synapse(src, dest); }
  const commandFanout = clip(Math.trunc((shape.motor * shape.motorFanin) / shape.command), 1, shape.motor);
  for (const src of unreachable) for (const dest of rng.sample(motor, commandFanout)) synapse(src, dest);

  wiring.layers = [inter, command, motor];
  return wiring;
}

/**
 * An explicit wiring from ncps's `Wiring.get_config()` JSON: `{ units, adjacency_matrix,
 * sensory_adjacency_matrix, input_dim, output_dim }`, optionally with NCP's `inter_neurons`,
 * `command_neurons`, `motor_neurons` (id lists, as `NCP.get_config()` writes them) to get its three layers.
 * This reproduces an ncps wiring exactly, whatever RNG built it.
 */
export function wiringFromConfig(config: unknown): LnnWiring {
  if (typeof config !== 'object' || config === null) throw new LnnModelFormatError('wiring config is not an object', 'pass the JSON of ncps wiring.get_config()');
  const c = config as Record<string, unknown>;
  const units = c.units;
  if (typeof units !== 'number' || !Number.isInteger(units) || units < 1) throw new LnnModelFormatError(`wiring units is ${String(units)}`, 'units must be a whole number ≥ 1');
  const matrix = (name: string, rows: number): Int8Array => {
    const m = c[name];
    if (!Array.isArray(m) || m.length !== rows) throw new LnnModelFormatError(`${name} must have ${rows} rows`, `write ${name} as a list of ${rows} lists of ${units} polarities`);
    const out = new Int8Array(rows * units);
    m.forEach((row: unknown, r) => {
      if (!Array.isArray(row) || row.length !== units) throw new LnnModelFormatError(`${name}[${r}] must have ${units} entries`, 'each row lists one polarity per destination neuron');
      row.forEach((v: unknown, d) => {
        if (v !== -1 && v !== 0 && v !== 1) throw new LnnModelFormatError(`${name}[${r}][${d}] is ${String(v)}`, 'polarities are −1, 0 or +1');
        out[r * units + d] = v;
      });
    });
    return out;
  };
  const adjacency = matrix('adjacency_matrix', units);
  const inputDim = Array.isArray(c.sensory_adjacency_matrix) ? c.sensory_adjacency_matrix.length : 0;
  if (inputDim < 1 || (c.input_dim !== undefined && c.input_dim !== inputDim)) throw new LnnModelFormatError('sensory_adjacency_matrix is missing or disagrees with input_dim', 'export a built wiring (after wiring.build(input_dim))');
  const sensoryAdjacency = matrix('sensory_adjacency_matrix', inputDim);
  const outputDim = typeof c.output_dim === 'number' ? c.output_dim : units;
  if (!Number.isInteger(outputDim) || outputDim < 1 || outputDim > units) throw new LnnModelFormatError(`output_dim is ${outputDim}`, `output_dim must be from 1 to ${units}`);
  const wiring: LnnWiring = { kind: 'explicit', units, inputDim, outputDim, adjacency, sensoryAdjacency, layers: [Array.from({ length: units }, (_, i) => i)] };
  const ids = (name: string): number[] | undefined => {
    const v = c[name];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x) && x >= 0 && x < units)) throw new LnnModelFormatError(`${name} is not a list of neuron ids`, `list ids from 0 to ${units - 1}`);
    return v as number[];
  };
  const [interIds, commandIds, motorIds] = [ids('inter_neurons'), ids('command_neurons'), ids('motor_neurons')];
  if (interIds && commandIds && motorIds) {
    if (interIds.length + commandIds.length + motorIds.length !== units) throw new LnnModelFormatError('inter + command + motor neurons ≠ units', 'list every neuron in exactly one layer');
    wiring.layers = [interIds, commandIds, motorIds];
    wiring.outputDim = motorIds.length;
  }
  return wiring;
}

/** The wiring as ncps's get_config() JSON (round-trips through wiringFromConfig). */
export function wiringToConfig(w: LnnWiring): Record<string, unknown> {
  const rows = (m: Int8Array, n: number) => Array.from({ length: n }, (_, r) => Array.from(m.subarray(r * w.units, (r + 1) * w.units)));
  const config: Record<string, unknown> = {
    units: w.units,
    adjacency_matrix: rows(w.adjacency, w.units),
    sensory_adjacency_matrix: rows(w.sensoryAdjacency, w.inputDim),
    input_dim: w.inputDim,
    output_dim: w.outputDim,
  };
  if (w.layers.length === 3) [config.inter_neurons, config.command_neurons, config.motor_neurons] = w.layers;
  return config;
}
