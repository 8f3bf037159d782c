import { describe, expect, it } from 'vitest';
import { cfcSequenceCpu } from '../../../src/services/lnn/cfc-cpu';
import { ltcSequenceCpu } from '../../../src/services/lnn/ltc-cpu';
import { exportNcpsModel, loadNcpsModel, loadNcpsSafetensors } from '../../../src/services/lnn/ncps-format';
import { lnnSequenceGpu } from '../../../src/services/lnn/gpu-model';
import { createCfcModel, createLtcModel, createWiredCfcModel } from '../../../src/services/lnn/model';
import { type LnnModel } from '../../../src/kernels/lnn-model';
import { autoNcpWiring } from '../../../src/services/lnn/wirings';
import { LnnModelFormatError } from '../../../src/services/lnn/errors';
import { TOLERANCE, maxRelDiff, withGpu } from '../../helpers/gpu';

function run(model: LnnModel, steps = 6) {
  const width = model.kind === 'ltc' ? model.sensorySize : model.inputSize;
  const S = model.kind === 'ltc' ? model.units : model.stateSize;
  const x = Float32Array.from({ length: 2 * steps * width }, (_, i) => Math.cos(0.7 * i));
  const ts = new Float32Array(2 * steps).fill(0.8);
  const ref = model.kind === 'ltc' ? ltcSequenceCpu(model, x, ts, 2, steps, new Float32Array(2 * S)) : cfcSequenceCpu(model, x, ts, 2, steps, new Float32Array(2 * S));
  return { x, ts, S, ref };
}

describe('parameters under ncps names load and give the reference outputs', () => {
  const models: Array<[string, LnnModel]> = [
    ['CfC (backbone 2 layers, projection)', createCfcModel({ inputSize: 2, units: 7, backboneLayers: 2, backboneUnits: 9, projSize: 2, seed: 3 })],
    ['CfC pure', createCfcModel({ inputSize: 1, units: 4, mode: 'pure', backboneUnits: 5, seed: 4 })],
    ['wired CfC (AutoNCP)', createWiredCfcModel(autoNcpWiring(14, 3, 2, { seed: 5 }), { seed: 6, mode: 'no_gate' })],
    ['LTC (AutoNCP)', createLtcModel(autoNcpWiring(10, 2, 2, { seed: 7 }), { seed: 8 })],
  ];
  for (const [name, model] of models) {
    it(name, async () => {
      const file = JSON.parse(JSON.stringify(exportNcpsModel(model)));
      const names = Object.keys(file.state_dict);
      expect(names.every((n) => n.startsWith('rnn_cell.') || n.startsWith('fc.'))).toBe(true);
      const loaded = loadNcpsModel(file);
      const a = run(model);
      const b = run(loaded);
      expect(maxRelDiff(b.ref.output, a.ref.output)).toBe(TOLERANCE.exact);
      const gpu = await withGpu((ctx) => lnnSequenceGpu(ctx, loaded, b.x, b.ts, 2, 6, new Float32Array(2 * b.S)));
      expect(maxRelDiff(gpu.output, a.ref.output)).toBeLessThanOrEqual(TOLERANCE.f32Reduction);
    });
  }

  it('uses ncps names: backbone.<i>, ff1, ff2, time_a, time_b, layer_<l>.sparsity_mask, gleak, sensory_erev, fc', () => {
    const cfc = exportNcpsModel(createCfcModel({ inputSize: 1, units: 2, backboneUnits: 3, projSize: 1 })).state_dict;
    expect(Object.keys(cfc).sort()).toEqual(
      ['fc.bias', 'fc.weight', 'rnn_cell.backbone.0.bias', 'rnn_cell.backbone.0.weight', 'rnn_cell.ff1.bias', 'rnn_cell.ff1.weight', 'rnn_cell.ff2.bias', 'rnn_cell.ff2.weight',
        'rnn_cell.time_a.bias', 'rnn_cell.time_a.weight', 'rnn_cell.time_b.bias', 'rnn_cell.time_b.weight'].sort(),
    );
    const wired = exportNcpsModel(createWiredCfcModel(autoNcpWiring(8, 2, 1))).state_dict;
    expect(Object.keys(wired)).toContain('rnn_cell.layer_2.sparsity_mask');
    const ltc = exportNcpsModel(createLtcModel(autoNcpWiring(8, 2, 1))).state_dict;
    expect(Object.keys(ltc)).toContain('rnn_cell.sensory_erev');
  });

  it('accepts {shape, data} tensors and bare cell names', () => {
    const file = {
      format: 'ncps-torch',
      model: 'cfc',
      config: { input_size: 1, units: 1, mode: 'pure', backbone_layers: 0 },
      state_dict: { 'ff1.weight': { shape: [1, 2], data: [1, -1] }, 'ff1.bias': [0], w_tau: [[0]], A: [[2]] },
    };
    const model = loadNcpsModel(file);
    const out = cfcSequenceCpu(model as never, Float32Array.of(1), Float32Array.of(Math.log(2)), 1, 1, new Float32Array(1));
    expect(out.output[0]).toBeCloseTo(1, 6);
  });

  it('rejects missing names, wrong shapes, NaN and unknown formats with LnnModelFormatError', () => {
    const good = exportNcpsModel(createCfcModel({ inputSize: 1, units: 2, backboneUnits: 3 }));
    const missing = structuredClone(good);
    delete missing.state_dict['rnn_cell.ff2.weight'];
    expect(() => loadNcpsModel(missing)).toThrow(/ff2\.weight/);
    const wrong = structuredClone(good);
    wrong.state_dict['rnn_cell.ff1.weight'] = [[1, 2]];
    expect(() => loadNcpsModel(wrong)).toThrow(LnnModelFormatError);
    const nan = structuredClone(good);
    nan.state_dict['rnn_cell.ff1.bias'] = [NaN, 0];
    expect(() => loadNcpsModel(nan)).toThrow(LnnModelFormatError);
    expect(() => loadNcpsModel({ ...good, format: 'keras' })).toThrow(LnnModelFormatError);
  });
});

/** A safetensors file as safetensors.torch.save_file writes it (F32 tensors, optional metadata). */
function safetensorsOf(tensors: Record<string, { shape: number[]; data: number[] }>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.length * 4] };
    offset += t.data.length * 4;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const bytes = new Uint8Array(8 + json.length + offset);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  const view = new DataView(bytes.buffer);
  let at = 8 + json.length;
  for (const t of Object.values(tensors)) for (const v of t.data) {
    view.setFloat32(at, v, true);
    at += 4;
  }
  return bytes;
}

describe('safetensors under ncps names', () => {
  it('loads a wired CfC state dict with the config in the metadata and gives the same outputs', () => {
    const model = createWiredCfcModel(autoNcpWiring(10, 2, 2, { seed: 3 }), { seed: 4, projSize: 1 });
    const file = exportNcpsModel(model);
    const tensors: Record<string, { shape: number[]; data: number[] }> = {};
    for (const [name, value] of Object.entries(file.state_dict)) {
      const shape: number[] = [];
      for (let level: unknown = value; Array.isArray(level); level = level[0]) shape.push(level.length);
      tensors[name] = { shape, data: (value as unknown[]).flat(shape.length) as number[] };
    }
    const bytes = safetensorsOf(tensors, { ncps_model: file.model, ncps_config: JSON.stringify(file.config) });
    const loaded = loadNcpsSafetensors(bytes);
    expect(maxRelDiff(run(loaded).ref.output, run(model).ref.output)).toBe(TOLERANCE.exact);
  });

  it('rejects truncated files and files without a config', () => {
    const bytes = safetensorsOf({ 'rnn_cell.ff1.bias': { shape: [1], data: [0] } });
    expect(() => loadNcpsSafetensors(bytes)).toThrow(LnnModelFormatError);
    expect(() => loadNcpsSafetensors(bytes.subarray(0, 12))).toThrow(LnnModelFormatError);
  });
});
