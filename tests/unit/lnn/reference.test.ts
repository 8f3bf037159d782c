import { describe, expect, it } from 'vitest';
import { cfcSequenceCpu } from '../../../src/services/lnn/cfc-cpu';
import { ltcSequenceCpu } from '../../../src/services/lnn/ltc-cpu';
import { lnnSequenceGpu } from '../../../src/services/lnn/gpu-model';
import { loadNcpsModel } from '../../../src/services/lnn/ncps-format';
import type { CfcModel, LtcModel } from '../../../src/kernels/lnn-model';
import { withGpu } from '../../helpers/gpu';

// Hand-worked values from ncps's equations (cfc_cell.py, ltc_cell.py), loaded under ncps's own names.
const LN2 = Math.log(2);

/** CfC pure, 1 unit, no backbone: ff1 = x − h, w_tau = 0, A = 2, fc(h) = 2h + 0.5. */
const pureFile = {
  format: 'ncps-torch',
  model: 'cfc',
  config: { input_size: 1, units: 1, mode: 'pure', backbone_layers: 0, backbone_units: 0, proj_size: 1 },
  state_dict: { 'rnn_cell.ff1.weight': [[1, -1]], 'rnn_cell.ff1.bias': [0], 'rnn_cell.w_tau': [[0]], 'rnn_cell.A': [[2]], 'fc.weight': [[2]], 'fc.bias': [0.5] },
};

function gatedFile(mode: 'default' | 'no_gate') {
  // ff1 = atanh(0.5), ff2 = atanh(−0.5), t_a = ln 3, t_b = 0: with ts = 1 the gate is σ(ln 3) = 3/4.
  return {
    format: 'ncps-torch',
    model: 'cfc',
    config: { input_size: 1, units: 1, mode, backbone_layers: 0, backbone_units: 0 },
    state_dict: {
      'rnn_cell.ff1.weight': [[0, 0]], 'rnn_cell.ff1.bias': [Math.atanh(0.5)],
      'rnn_cell.ff2.weight': [[0, 0]], 'rnn_cell.ff2.bias': [Math.atanh(-0.5)],
      'rnn_cell.time_a.weight': [[0, 0]], 'rnn_cell.time_a.bias': [Math.log(3)],
      'rnn_cell.time_b.weight': [[0, 0]], 'rnn_cell.time_b.bias': [0],
    },
  };
}

/** One LTC neuron, no recurrent synapse, one sensory synapse with σ(…) = 1/2 at x = 0.5. */
const ltcFile = {
  format: 'ncps-torch',
  model: 'ltc',
  config: { wiring: { units: 1, adjacency_matrix: [[0]], sensory_adjacency_matrix: [[1]], input_dim: 1, output_dim: 1 } },
  state_dict: {
    'rnn_cell.gleak': [1], 'rnn_cell.vleak': [0], 'rnn_cell.cm': [1],
    'rnn_cell.sigma': [[5]], 'rnn_cell.mu': [[0.5]], 'rnn_cell.w': [[1]], 'rnn_cell.erev': [[1]],
    'rnn_cell.sensory_sigma': [[3]], 'rnn_cell.sensory_mu': [[0.25]], 'rnn_cell.sensory_w': [[1]], 'rnn_cell.sensory_erev': [[1]],
    'rnn_cell.sparsity_mask': [[0]], 'rnn_cell.sensory_sparsity_mask': [[1]],
    'rnn_cell.input_w': [0.5], 'rnn_cell.input_b': [0], 'rnn_cell.output_w': [2], 'rnn_cell.output_b': [0.1],
  },
};

async function bothPaths(model: CfcModel | LtcModel, inputs: number[], ts: number[]) {
  const x = Float32Array.from(inputs);
  const t = Float32Array.from(ts);
  const run = model.kind === 'ltc' ? ltcSequenceCpu : cfcSequenceCpu;
  const cpu = run(model as never, x, t, 1, inputs.length, new Float32Array(model.kind === 'ltc' ? model.units : model.stateSize));
  const gpu = await withGpu((ctx) => lnnSequenceGpu(ctx, model, x, t, 1, inputs.length, new Float32Array(model.kind === 'ltc' ? model.units : model.stateSize)));
  return { cpu, gpu };
}

describe('CfC reference = values worked out by hand', () => {
  it('pure mode closed form: h = −A·e^(−ts(|w_tau|+|ff1|))·ff1 + A gives 1, 2, 3 with ts = ln 2', async () => {
    const { cpu, gpu } = await bothPaths(loadNcpsModel(pureFile) as CfcModel, [1, 1, 1], [LN2, LN2, LN2]);
    // h1: ff1 = 1 → −2·½·1 + 2 = 1; h2: ff1 = 0 → 2; h3: ff1 = −1 → −2·½·(−1) + 2 = 3.
    for (const r of [cpu, gpu]) {
      expect(Array.from(r.trajectory)).toEqual([expect.closeTo(1, 6), expect.closeTo(2, 6), expect.closeTo(3, 6)]);
      // The projection fc(h) = 2h + 0.5.
      expect(Array.from(r.output)).toEqual([expect.closeTo(2.5, 5), expect.closeTo(4.5, 5), expect.closeTo(6.5, 5)]);
    }
  });

  it('default mode: tanh(ff1)(1 − g) + g·tanh(ff2) = ½·¼ − ½·¾ = −0.25', async () => {
    const { cpu, gpu } = await bothPaths(loadNcpsModel(gatedFile('default')) as CfcModel, [0.7], [1]);
    expect(cpu.output[0]).toBeCloseTo(-0.25, 6);
    expect(gpu.output[0]).toBeCloseTo(-0.25, 6);
  });

  it('no_gate mode: tanh(ff1) + g·tanh(ff2) = ½ − ¾·½ = 0.125', async () => {
    const { cpu, gpu } = await bothPaths(loadNcpsModel(gatedFile('no_gate')) as CfcModel, [0.7], [1]);
    expect(cpu.output[0]).toBeCloseTo(0.125, 6);
    expect(gpu.output[0]).toBeCloseTo(0.125, 6);
  });

  it('lecun_tanh backbone: 1.7159·tanh(0.666·z) feeds ff1', async () => {
    // backbone z = atanh(½)/0.666 → LeCun(z) = 1.7159/2; pure head with A = 1, w_tau = 0, ff1 = LeCun(z),
    // ts = ln2 / ff1 → h = −½·ff1 + 1.
    const lecun = 1.7159 / 2;
    const file = {
      format: 'ncps-torch',
      model: 'cfc',
      config: { input_size: 1, units: 1, mode: 'pure', backbone_layers: 1, backbone_units: 1, activation: 'lecun_tanh' },
      state_dict: {
        'rnn_cell.backbone.0.weight': [[Math.atanh(0.5) / 0.666, 3]], 'rnn_cell.backbone.0.bias': [0],
        'rnn_cell.ff1.weight': [[1]], 'rnn_cell.ff1.bias': [0], 'rnn_cell.w_tau': [[0]], 'rnn_cell.A': [[1]],
      },
    };
    const { cpu, gpu } = await bothPaths(loadNcpsModel(file) as CfcModel, [1], [LN2 / lecun]);
    expect(cpu.output[0]).toBeCloseTo(1 - lecun / 2, 6);
    expect(gpu.output[0]).toBeCloseTo(1 - lecun / 2, 5);
  });
});

describe('LTC reference = values worked out by hand', () => {
  // Sensory term: input 0.5 · input_w 0.5 = 0.25 = sensory_mu → σ(0) = ½: N = ½·erev = ½, D = ½.
  // Fused step v ← (c·v + gleak·vleak + N)/(c + gleak + D + ε), c = cm·unfolds/Δt: fixed point v* = N/(1 + D + ε) = 1/3.
  const vStar = 0.5 / (1.5 + 1e-8);
  it('one step from 0 with Δt = 1: v = v*·(1 − r⁶), r = 6/7.5', async () => {
    const { cpu, gpu } = await bothPaths(loadNcpsModel(ltcFile) as LtcModel, [0.5], [1]);
    const v = vStar * (1 - (6 / 7.5) ** 6);
    expect(cpu.trajectory[0]).toBeCloseTo(v, 7);
    expect(gpu.trajectory[0]).toBeCloseTo(v, 6);
    expect(cpu.output[0]).toBeCloseTo(2 * v + 0.1, 6); // affine output mapping
  });

  it('irregular Δt = 0.5: r = 12/13.5 per unfold', async () => {
    const { cpu, gpu } = await bothPaths(loadNcpsModel(ltcFile) as LtcModel, [0.5], [0.5]);
    const v = vStar * (1 - (12 / 13.5) ** 6);
    expect(cpu.trajectory[0]).toBeCloseTo(v, 7);
    expect(gpu.trajectory[0]).toBeCloseTo(v, 6);
  });

  it('converges to the analytic fixed point 1/3 over a long sequence', async () => {
    const steps = 200;
    const { cpu, gpu } = await bothPaths(loadNcpsModel(ltcFile) as LtcModel, new Array(steps).fill(0.5), new Array(steps).fill(1));
    expect(Math.abs(cpu.trajectory[steps - 1] - 1 / 3)).toBeLessThan(1e-6);
    expect(Math.abs(gpu.trajectory[steps - 1] - 1 / 3)).toBeLessThan(1e-6);
  });

  it('softplus constraint: parameters pass through log(1 + eˣ)', async () => {
    // With implicit constraints, gleak = cm = sensory_w = softplus(p); choose p = ln(e − 1) so softplus(p) = 1.
    const p = Math.log(Math.E - 1);
    const file = structuredClone(ltcFile) as typeof ltcFile & { config: Record<string, unknown> };
    file.config.implicit_param_constraints = true;
    file.state_dict['rnn_cell.gleak'] = [p];
    file.state_dict['rnn_cell.cm'] = [p];
    file.state_dict['rnn_cell.sensory_w'] = [[p]];
    const { cpu, gpu } = await bothPaths(loadNcpsModel(file) as LtcModel, [0.5], [1]);
    const v = vStar * (1 - (6 / 7.5) ** 6);
    expect(cpu.trajectory[0]).toBeCloseTo(v, 6);
    expect(gpu.trajectory[0]).toBeCloseTo(v, 5);
  });
});
