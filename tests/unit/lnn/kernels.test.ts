import { describe, expect, it } from 'vitest';
import { cfcSequenceCpu } from '../../../src/services/lnn/cfc-cpu';
import { ltcSequenceCpu } from '../../../src/services/lnn/ltc-cpu';
import { lnnSequenceGpu } from '../../../src/services/lnn/gpu-model';
import { createCfcModel, createLtcModel, createWiredCfcModel, lnnStateSize } from '../../../src/services/lnn/model';
import { type CfcMode, type LnnModel } from '../../../src/kernels/lnn-model';
import { autoNcpWiring, fullyConnectedWiring, wiringFromConfig } from '../../../src/services/lnn/wirings';
import { TOLERANCE, maxRelDiff, withGpu } from '../../helpers/gpu';

/** Deterministic inputs and irregular elapsed times. */
function sequence(batch: number, steps: number, width: number) {
  const inputs = Float32Array.from({ length: batch * steps * width }, (_, i) => Math.sin(0.37 * i) + 0.3 * Math.cos(1.3 * i));
  const timespans = Float32Array.from({ length: batch * steps }, (_, i) => 0.5 + ((i * 7) % 5) * 0.25);
  return { inputs, timespans };
}

function cpu(model: LnnModel, inputs: Float32Array, ts: Float32Array, batch: number, steps: number, state: Float32Array) {
  return model.kind === 'ltc' ? ltcSequenceCpu(model, inputs, ts, batch, steps, state) : cfcSequenceCpu(model, inputs, ts, batch, steps, state);
}

async function compare(model: LnnModel, batch: number, steps: number, width: number, tolerance: number) {
  return withGpu(async (ctx) => {
    const { inputs, timespans } = sequence(batch, steps, width);
    const S = lnnStateSize(model);
    const h0 = Float32Array.from({ length: batch * S }, (_, i) => 0.1 * Math.sin(i));
    const cpuState = h0.slice();
    const gpuState = h0.slice();
    const ref = cpu(model, inputs, timespans, batch, steps, cpuState);
    const got = await lnnSequenceGpu(ctx, model, inputs, timespans, batch, steps, gpuState);
    expect(maxRelDiff(got.output, ref.output)).toBeLessThanOrEqual(tolerance);
    expect(maxRelDiff(got.trajectory, ref.trajectory)).toBeLessThanOrEqual(tolerance);
    expect(maxRelDiff(gpuState, cpuState)).toBeLessThanOrEqual(tolerance);
    // The run did something: the state moved away from h0.
    expect(maxRelDiff(cpuState, h0)).toBeGreaterThan(1e-3);
  });
}

// GPU f32 accumulation (and FMA contraction) against the f64-accumulating reference, over many steps.
const SEQUENCE_TOLERANCE = 5 * TOLERANCE.f32Reduction;

describe('CfC kernel (ncps cfc_cell.py) equals its CPU reference', () => {
  for (const mode of ['default', 'pure', 'no_gate'] as CfcMode[]) {
    it(`${mode}: 1 unit, no backbone, 1 step`, () => compare(createCfcModel({ inputSize: 1, units: 1, mode, backboneLayers: 0, seed: 3 }), 1, 1, 1, SEQUENCE_TOLERANCE));
    it(`${mode}: 67 units (non-multiple of 64), 2 backbone layers of 70, projection, batch 3`, () =>
      compare(createCfcModel({ inputSize: 2, units: 67, mode, backboneLayers: 2, backboneUnits: 70, projSize: 3, seed: 4 }), 3, 9, 2, SEQUENCE_TOLERANCE));
  }
  it('default: long sequence (400 steps), 8 units', () => compare(createCfcModel({ inputSize: 1, units: 8, backboneUnits: 16, seed: 5 }), 2, 400, 1, SEQUENCE_TOLERANCE));
  it('silu and relu backbones', async () => {
    await compare(createCfcModel({ inputSize: 2, units: 5, activation: 'silu', backboneUnits: 6, seed: 8 }), 2, 4, 2, SEQUENCE_TOLERANCE);
    await compare(createCfcModel({ inputSize: 2, units: 5, activation: 'relu', backboneUnits: 6, seed: 9 }), 2, 4, 2, SEQUENCE_TOLERANCE);
  });
  it('wired CfC on AutoNCP(19, 4): inter → command → motor with masks', () =>
    compare(createWiredCfcModel(autoNcpWiring(19, 4, 3, { seed: 11 }), { seed: 12, projSize: 2 }), 2, 12, 3, SEQUENCE_TOLERANCE));
  it('wired CfC pure mode on FullyConnected(5)', () => compare(createWiredCfcModel(fullyConnectedWiring(5, 2, { outputDim: 2 }), { mode: 'pure', seed: 13 }), 1, 6, 2, SEQUENCE_TOLERANCE));
});

describe('LTC kernel (ncps ltc_cell.py, fused solver) equals its CPU reference', () => {
  it('1 neuron, 1 step', () => compare(createLtcModel(fullyConnectedWiring(1, 1), { seed: 2 }), 1, 1, 1, SEQUENCE_TOLERANCE));
  it('FullyConnected(67) (non-multiple of 64), batch 2, irregular elapsed times', () => compare(createLtcModel(fullyConnectedWiring(67, 2, { outputDim: 5 }), { seed: 3 }), 2, 5, 2, SEQUENCE_TOLERANCE));
  it('AutoNCP(12, 3) with the softplus constraint and linear mappings', () =>
    compare(createLtcModel(autoNcpWiring(12, 3, 2, { seed: 4 }), { seed: 5, implicitConstraints: true, inputMapping: 'linear', outputMapping: 'none' }), 2, 7, 2, SEQUENCE_TOLERANCE));
  it('long sequence (300 steps), 6 neurons', () => compare(createLtcModel(fullyConnectedWiring(6, 1, { outputDim: 2 }), { seed: 6 }), 1, 300, 1, SEQUENCE_TOLERANCE));
});

describe('dispatch folding', () => {
  it('batch 65,537 rows (> 65,535 workgroups, folded to 2-D) with the cheapest cell: pure, 1 unit, 1 step', () =>
    compare(createCfcModel({ inputSize: 1, units: 1, mode: 'pure', backboneLayers: 0, seed: 21 }), 65_537, 1, 1, SEQUENCE_TOLERANCE));
});

describe('explicit adjacency file (ncps wiring.get_config() JSON)', () => {
  // A hand-written NCP: 2 sensory → inter {4, 5} → command {2, 3} (with one recurrent synapse) → motor {0, 1}.
  const config = {
    units: 6,
    input_dim: 2,
    output_dim: 2,
    adjacency_matrix: [
      [0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0],
      [1, 0, 0, 1, 0, 0],
      [0, -1, 0, 0, 0, 0],
      [0, 0, 1, 0, 0, 0],
      [0, 0, -1, 1, 0, 0],
    ],
    sensory_adjacency_matrix: [
      [0, 0, 0, 0, 1, 0],
      [0, 0, 0, 0, -1, 1],
    ],
    inter_neurons: [4, 5],
    command_neurons: [2, 3],
    motor_neurons: [0, 1],
  };
  it('builds ncps masks from the file and the kernel equals the reference', async () => {
    const wiring = wiringFromConfig(config);
    const model = createWiredCfcModel(wiring, { seed: 2 });
    // inter layer mask rows: neuron 4 sees both inputs, neuron 5 only input 1; recurrent part all ones.
    expect(Array.from(model.cells[0].sparsityMask!)).toEqual([1, 1, 1, 1, 0, 1, 1, 1]);
    // command layer inputs are the inter neurons: 2 ← {4, 5}, 3 ← {5}.
    expect(Array.from(model.cells[1].sparsityMask!)).toEqual([1, 1, 1, 1, 0, 1, 1, 1]);
    // motor layer: 0 ← {2}, 1 ← {3}.
    expect(Array.from(model.cells[2].sparsityMask!)).toEqual([1, 0, 1, 1, 0, 1, 1, 1]);
    await compare(model, 2, 5, 2, SEQUENCE_TOLERANCE);
    await compare(createLtcModel(wiring, { seed: 3 }), 2, 5, 2, SEQUENCE_TOLERANCE);
  });
});
