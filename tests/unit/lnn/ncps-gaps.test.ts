import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/errors';
import { activate, erf } from '../../../src/services/lnn/activation';
import { cfcSequenceCpu } from '../../../src/services/lnn/cfc-cpu';
import { ltcSequenceCpu } from '../../../src/services/lnn/ltc-cpu';
import { lnnSequenceGpu } from '../../../src/services/lnn/gpu-model';
import { exportNcpsModel, loadNcpsModel } from '../../../src/services/lnn/ncps-format';
import { createCfcModel, createLtcModel, createWiredCfcModel } from '../../../src/services/lnn/model';
import { type LnnModel, type LtcModel } from '../../../src/kernels/lnn-model';
import { LnnService } from '../../../src/services/lnn/service';
import { autoNcpWiring, fullyConnectedWiring } from '../../../src/services/lnn/wirings';
import { LnnModelFormatError } from '../../../src/services/lnn/errors';
import { TOLERANCE, maxAbsDiff, maxRelDiff, withGpu } from '../../helpers/gpu';

type File = { format: 'ncps-torch'; model: 'cfc' | 'wired-cfc' | 'ltc'; config: Record<string, unknown>; state_dict: Record<string, unknown> };
const fileOf = (m: LnnModel) => JSON.parse(JSON.stringify(exportNcpsModel(m))) as File;
const widthOf = (m: LnnModel) => (m.kind === 'ltc' ? m.sensorySize : m.inputSize);
const stateOf = (m: LnnModel) => (m.kind === 'ltc' ? m.units : m.stateSize);

function cpuRun(model: LnnModel, batch = 2, steps = 5, h0?: Float32Array) {
  const x = Float32Array.from({ length: batch * steps * widthOf(model) }, (_, i) => Math.sin(0.9 * i + 0.3));
  const ts = new Float32Array(batch * steps).fill(0.7);
  const state = h0 ? h0.slice() : new Float32Array(batch * stateOf(model));
  const r = model.kind === 'ltc' ? ltcSequenceCpu(model, x, ts, batch, steps, state) : cfcSequenceCpu(model, x, ts, batch, steps, state);
  return { ...r, state };
}

describe('ncps defaults for keys a config leaves out', () => {
  it("LTC without implicit_param_constraints runs as ncps's LTC default (True: softplus), not as False", () => {
    const file = fileOf(createLtcModel(autoNcpWiring(9, 2, 2, { seed: 3 }), { seed: 4, implicitConstraints: true }));
    const withTrue = cpuRun(loadNcpsModel(file)).output;
    delete file.config.implicit_param_constraints;
    const omitted = loadNcpsModel(file) as LtcModel;
    expect(omitted.implicitConstraints).toBe(true);
    expect(maxAbsDiff(cpuRun(omitted).output, withTrue)).toBe(0);
    file.config.implicit_param_constraints = false;
    expect(maxAbsDiff(cpuRun(loadNcpsModel(file)).output, withTrue)).toBeGreaterThan(1e-3);
  });

  it('LTC: every other omitted key is ncps LTC()\'s default (affine mappings, ode_unfolds 6, epsilon 1e-8)', () => {
    const file = fileOf(createLtcModel(autoNcpWiring(9, 2, 2, { seed: 3 }), { seed: 4 }));
    for (const key of ['input_mapping', 'output_mapping', 'ode_unfolds', 'epsilon']) delete file.config[key];
    const m = loadNcpsModel(file) as LtcModel;
    expect([m.inputMapping, m.outputMapping, m.odeUnfolds, m.epsilon]).toEqual(['affine', 'affine', 6, 1e-8]);
  });

  it("CfC: mode 'default', activation lecun_tanh, backbone 128 units × 1 layer; backbone_activation is honoured", () => {
    const model = createCfcModel({ inputSize: 2, units: 3, backboneUnits: 128, backboneLayers: 1, activation: 'silu', seed: 2 });
    const file = fileOf(model);
    for (const key of ['mode', 'activation', 'backbone_units', 'backbone_layers']) delete file.config[key];
    Object.assign(file.config, { backbone_activation: 'silu', backbone_dropout: 0.1, return_sequences: false, batch_first: true, mixed_memory: false, proj_size: null });
    const loaded = loadNcpsModel(file);
    expect(loaded.kind === 'cfc' && loaded.cells[0].mode).toBe('default');
    expect(loaded.kind === 'cfc' && loaded.cells[0].activation).toBe('silu');
    expect(loaded.kind === 'cfc' && loaded.cells[0].backbone[0].outDim).toBe(128);
    expect(maxAbsDiff(cpuRun(loaded).output, cpuRun(model).output)).toBe(0);
    delete file.config.backbone_activation;
    const lecun = loadNcpsModel(file);
    expect(lecun.kind === 'cfc' && lecun.cells[0].activation).toBe('lecun_tanh');
  });

  it('gelu (torch nn.GELU, exact erf form) runs on both paths; erf matches Python math.erf', async () => {
    // Python: [math.erf(x) for x in (0.1, 0.5, 1, 2, 2.9, 3.1, 4, -1.3)]
    const ref = [0.1124629160182849, 0.5204998778130465, 0.8427007929497149, 0.9953222650189527, 0.9999589021219005, 0.9999883513426328, 0.9999999845827421, -0.9340079449406524];
    [0.1, 0.5, 1, 2, 2.9, 3.1, 4, -1.3].forEach((x, i) => expect(Math.abs(erf(x) - ref[i])).toBeLessThan(1e-12));
    // torch 1.13: nn.GELU()(torch.tensor([-3., -0.5, 0.7, 2.], dtype=torch.float64)).tolist()
    const torchGelu = [-0.00404969409489031, -0.15426876936299344, 0.5306254434438489, 1.9544997361036416];
    expect(maxAbsDiff([-3, -0.5, 0.7, 2].map((x) => activate('gelu', x)), torchGelu)).toBeLessThan(1e-12);
    const file = fileOf(createCfcModel({ inputSize: 2, units: 4, backboneUnits: 6, seed: 9 }));
    file.config.activation = 'gelu';
    const model = loadNcpsModel(file);
    const cpu = cpuRun(model);
    const x = Float32Array.from({ length: 2 * 5 * 2 }, (_, i) => Math.sin(0.9 * i + 0.3));
    const gpu = await withGpu((ctx) => lnnSequenceGpu(ctx, model, x, new Float32Array(10).fill(0.7), 2, 5, new Float32Array(8)));
    expect(maxRelDiff(gpu.output, cpu.output)).toBeLessThanOrEqual(TOLERANCE.f32Reduction);
  });

  it('rejects keys ncps does not take and options not implemented, naming them', () => {
    const file = fileOf(createCfcModel({ inputSize: 1, units: 2, backboneUnits: 3 }));
    const load = (patch: Record<string, unknown>) => () => loadNcpsModel({ ...file, config: { ...file.config, ...patch } });
    expect(load({ backbone_unit: 3 })).toThrow(LnnModelFormatError);
    expect(load({ backbone_unit: 3 })).toThrow(/unknown key 'backbone_unit'.*backbone_units/);
    expect(load({ mixed_memory: true })).toThrow(/mixed-memory LSTM cell is not implemented.*mixed_memory=False/);
    expect(load({ activation: 'elu' })).toThrow(/ncps accepts silu, relu, tanh, gelu, lecun_tanh/);
    expect(load({ activation: 'relu', backbone_activation: 'tanh' })).toThrow(/same argument/);
    expect(load({ backbone_dropout: 1.5 })).toThrow(/backbone_dropout/);
  });
});

describe("wirings as ncps users have them: get_config() without an adjacency, masks from the state_dict", () => {
  const wired = createWiredCfcModel(autoNcpWiring(14, 3, 2, { sparsityLevel: 0.5, seed: 5 }), { seed: 6, projSize: 2 });
  const ltc = createLtcModel(autoNcpWiring(10, 2, 3, { seed: 7 }), { seed: 8 });

  it("wired CfC from AutoNCP's get_config() {units, output_size, sparsity_level, seed}: same model, same outputs", async () => {
    const file = fileOf(wired);
    file.config.wiring = { units: 14, output_size: 3, sparsity_level: 0.5, seed: 5 };
    const loaded = loadNcpsModel(file);
    expect(loaded.kind === 'cfc' && loaded.wiring?.layers).toEqual(wired.wiring!.layers);
    expect(loaded.kind === 'cfc' && Array.from(loaded.wiring!.sensoryAdjacency)).toEqual(Array.from(wired.wiring!.sensoryAdjacency, Math.abs));
    expect(maxAbsDiff(cpuRun(loaded).output, cpuRun(wired).output)).toBe(0);
    const x = Float32Array.from({ length: 2 * 5 * 2 }, (_, i) => Math.sin(0.9 * i + 0.3));
    const gpu = await withGpu((ctx) => lnnSequenceGpu(ctx, loaded, x, new Float32Array(10).fill(0.7), 2, 5, new Float32Array(2 * 14)));
    expect(maxRelDiff(gpu.output, cpuRun(wired).output)).toBeLessThanOrEqual(TOLERANCE.f32Reduction);
  });

  it("wired CfC from NCP's get_config() (neuron id lists, seed None) loads the same", () => {
    const file = fileOf(wired);
    const [inter, command, motor] = wired.wiring!.layers;
    file.config.wiring = { inter_neurons: inter, command_neurons: command, motor_neurons: motor, sensory_fanout: 4, inter_fanout: 2, recurrent_command_synapses: 4, motor_fanin: 2, seed: null };
    expect(maxAbsDiff(cpuRun(loadNcpsModel(file)).output, cpuRun(wired).output)).toBe(0);
  });

  it("LTC from AutoNCP's, FullyConnected's get_config() or a plain `units` number", () => {
    const file = fileOf(ltc);
    file.config.wiring = { units: 10, output_size: 2, sparsity_level: 0.5, seed: 7 };
    expect(maxAbsDiff(cpuRun(loadNcpsModel(file)).output, cpuRun(ltc).output)).toBe(0);
    const fc = createLtcModel(fullyConnectedWiring(5, 2, { outputDim: 2, seed: 3 }), { seed: 1 });
    const fcFile = fileOf(fc);
    fcFile.config.wiring = { units: 5, output_dim: 2, erev_init_seed: 1111, self_connections: true };
    expect(maxAbsDiff(cpuRun(loadNcpsModel(fcFile)).output, cpuRun(fc).output)).toBe(0);
    // LTC(input_size, 5): ncps builds FullyConnected(5), every unit an output.
    const all = createLtcModel(fullyConnectedWiring(5, 2), { seed: 2 });
    const allFile = fileOf(all);
    delete allFile.config.wiring;
    Object.assign(allFile.config, { input_size: 2, units: 5 });
    expect(maxAbsDiff(cpuRun(loadNcpsModel(allFile)).output, cpuRun(all).output)).toBe(0);
  });

  it('errors name the missing piece instead of a matrix shape', () => {
    const file = fileOf(wired);
    // A Wiring.get_config() with an adjacency but no id lists: one layer, while the state_dict holds three.
    const oneLayer = { ...(file.config.wiring as Record<string, unknown>) };
    delete oneLayer.inter_neurons;
    delete oneLayer.command_neurons;
    delete oneLayer.motor_neurons;
    expect(() => loadNcpsModel({ ...file, config: { ...file.config, wiring: oneLayer } })).toThrow(/holds 3 WiredCfCCell layers.*inter_neurons, command_neurons, motor_neurons/);
    // The masks are what a get_config() without adjacency needs (AutoNCP's and FullyConnected's can be
    // rebuilt from their seed; Random's cannot).
    const fc = createLtcModel(fullyConnectedWiring(5, 2, { outputDim: 2, seed: 3 }), { seed: 1 });
    const noMask = fileOf(fc);
    noMask.config.wiring = { units: 5, output_dim: 2, sparsity_level: 0.0, random_seed: 1111 };
    delete noMask.state_dict['rnn_cell.sparsity_mask'];
    expect(() => loadNcpsModel(noMask)).toThrow(/no 2-D 'sparsity_mask'.*export the whole model.state_dict\(\)/);
    // A config for another wiring than the state_dict's.
    const other = fileOf(wired);
    other.config.wiring = { units: 16, output_size: 3, sparsity_level: 0.5, seed: 5 };
    expect(() => loadNcpsModel(other)).toThrow(/layer_0.sparsity_mask' is .*the wiring config does not belong to this state_dict/);
    const wrongInput = fileOf(ltc);
    wrongInput.config.input_size = 4;
    expect(() => loadNcpsModel(wrongInput)).toThrow(/input_size is 4 but the wiring takes 3 inputs/);
    const backbone = fileOf(wired);
    backbone.config.backbone_units = 8;
    expect(() => loadNcpsModel(backbone)).toThrow(/Cannot use backbone_units in wired mode/);
  });
});

describe('LnnService: an initial hidden state (ncps hx, shape (batch, state_size))', () => {
  const models: Array<[string, LnnModel]> = [
    ['CfC', createCfcModel({ inputSize: 2, units: 5, backboneUnits: 6, projSize: 1, seed: 3 })],
    ['wired CfC (state size = wiring units, 14, not its 3 outputs)', createWiredCfcModel(autoNcpWiring(14, 3, 2, { seed: 5 }), { seed: 6, projSize: 1 })],
    ['LTC', createLtcModel(autoNcpWiring(9, 2, 2, { seed: 3 }), { seed: 4 })],
  ];
  for (const [name, model] of models) {
    it(`${name}: a run from hx = the state after k steps continues the run exactly, on both paths`, () =>
      withGpu(async (ctx) => {
        const W = widthOf(model);
        const S = stateOf(model);
        const seq = (from: number, to: number) => Array.from({ length: 2 }, (_, b) => Array.from({ length: to - from }, (_, t) => Array.from({ length: W }, (_, f) => Math.sin(0.5 * (from + t) + b + 0.3 * f))));
        const cpuSvc = new LnnService(null, { backend: 'cpu', model });
        const full = await cpuSvc.infer({ sequence: seq(0, 6), returnDynamics: true });
        const head = await cpuSvc.infer({ sequence: seq(0, 3), returnDynamics: false });
        const hx = Array.from({ length: 2 }, (_, b) => Array.from(full.trajectory!.subarray((b * 6 + 2) * S, (b * 6 + 3) * S)));
        expect(hx[0].length).toBe(S);
        for (const svc of [cpuSvc, new LnnService(ctx, { backend: 'gpu', model })]) {
          const tail = await svc.infer({ sequence: seq(3, 6), hx });
          const O = tail.shape[2];
          const expected = Float32Array.from({ length: 2 * 3 * O }, (_, i) => full.output[(Math.floor(i / (3 * O)) * 6 + 3) * O + (i % (3 * O))]);
          expect(maxRelDiff(tail.output, expected)).toBeLessThanOrEqual(svc.path === 'cpu' ? TOLERANCE.exact : TOLERANCE.f32Reduction);
          // A session created at hx, or set to it, runs the same.
          const id = svc.createSession({ batch: 2, hx });
          expect(maxAbsDiff(await svc.sessionState(id), Float32Array.from(hx.flat()))).toBe(0);
          const viaSession = await svc.infer({ sequence: seq(3, 6), session: id });
          expect(maxAbsDiff(viaSession.output, tail.output)).toBe(0);
          svc.setSessionState(id, hx);
          expect(maxAbsDiff((await svc.infer({ sequence: seq(3, 6), session: id })).output, tail.output)).toBe(0);
          svc.resetSession(id);
          expect(maxAbsDiff((await svc.infer({ sequence: seq(3, 6), session: id, hx })).output, tail.output)).toBe(0);
          svc.closeSession(id);
          svc.destroy();
        }
        expect(head.shape[1]).toBe(3);
      }));
  }

  it('hx of the wrong shape or with NaN is refused, saying the shape ncps expects', async () => {
    const svc = new LnnService(null, { backend: 'cpu', model: createWiredCfcModel(autoNcpWiring(14, 3, 1, { seed: 5 }), { seed: 6, projSize: 1 }) });
    const seq = [[0.1], [0.2]];
    await expect(svc.infer({ sequence: seq, hx: new Array(3).fill(0) })).rejects.toThrow(/hx has 3 values.*\(batch, state_size\) = \(1, 14\)/);
    await expect(svc.infer({ sequence: [seq, seq], hx: new Array(14).fill(0) })).rejects.toThrow(/one row but the batch has 2/);
    await expect(svc.infer({ sequence: seq, hx: [[...new Array(13).fill(0), NaN]] })).rejects.toThrow(InvalidInputError);
    expect(() => svc.createSession({ batch: 2, hx: [new Array(14).fill(0)] })).toThrow(/hx has 1 rows, the batch has 2/);
    // An unbatched 1-D hx is ncps's batchless form (one sequence).
    const r = await svc.infer({ sequence: seq, hx: new Array(14).fill(0.1) });
    expect(r.output.length).toBe(2);
  });
});
