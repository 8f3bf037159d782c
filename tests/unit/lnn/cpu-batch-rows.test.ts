import { describe, expect, it } from 'vitest';
import { cfcSequenceCpu } from '../../../src/services/lnn/cfc-cpu';
import { linearInto, linearRowsInto } from '../../../src/services/lnn/linear-rows';
import { createCfcModel, createWiredCfcModel, lnnStateSize } from '../../../src/services/lnn/model';
import type { CfcModel } from '../../../src/kernels/lnn-model';
import { autoNcpWiring } from '../../../src/services/lnn/wirings';
import { f32Bits } from './cpu-exact-cases';

/** Batch sizes around the two-row blocks (odd remainders, one row, a larger odd batch). */
const BATCHES = [1, 2, 3, 4, 5, 8, 33];

const MODELS: Array<{ name: string; model: () => CfcModel }> = [
  { name: 'cfc default, backbone 2×70, projection 3', model: () => createCfcModel({ inputSize: 2, units: 67, backboneLayers: 2, backboneUnits: 70, projSize: 3, seed: 4 }) as CfcModel },
  { name: 'cfc pure, backbone 5', model: () => createCfcModel({ inputSize: 3, units: 6, mode: 'pure', backboneUnits: 5, seed: 5 }) as CfcModel },
  { name: 'cfc no_gate, silu', model: () => createCfcModel({ inputSize: 2, units: 7, mode: 'no_gate', activation: 'silu', backboneUnits: 9, seed: 6 }) as CfcModel },
  { name: 'cfc, no backbone, 1 unit', model: () => createCfcModel({ inputSize: 1, units: 1, backboneLayers: 0, seed: 3 }) as CfcModel },
  { name: 'cfc 64 units (the bench model)', model: () => createCfcModel({ inputSize: 1, units: 64, backboneUnits: 64, backboneLayers: 1, projSize: 1, seed: 1 }) as CfcModel },
  { name: 'wired cfc, AutoNCP(19, 4)', model: () => createWiredCfcModel(autoNcpWiring(19, 4, 3, { seed: 11 }), { seed: 12, projSize: 2 }) as CfcModel },
];

describe('CfC CPU over a batch gives every row exactly what it gets alone', () => {
  for (const { name, model: make } of MODELS) {
    for (const B of BATCHES) {
      it(`${name}, batch ${B}`, () => {
        const model = make();
        const steps = 6;
        const IN = model.inputSize;
        const S = lnnStateSize(model);
        const inputs = Float32Array.from({ length: B * steps * IN }, (_, i) => Math.sin(0.41 * i) + 0.2 * Math.cos(2.1 * i));
        const timespans = Float32Array.from({ length: B * steps }, (_, i) => 0.25 + ((i * 5) % 7) * 0.2);
        const state0 = Float32Array.from({ length: B * S }, (_, i) => 0.3 * Math.sin(1.7 * i));
        const state = state0.slice();
        const all = cfcSequenceCpu(model, inputs, timespans, B, steps, state);
        const width = all.output.length / (B * steps);
        expect(width).toBeGreaterThan(0);
        for (let r = 0; r < B; r++) {
          const alone = state0.slice(r * S, (r + 1) * S);
          const one = cfcSequenceCpu(model, inputs.slice(r * steps * IN, (r + 1) * steps * IN), timespans.slice(r * steps, (r + 1) * steps), 1, steps, alone);
          expect(f32Bits(all.output.subarray(r * steps * width, (r + 1) * steps * width)), `row ${r} output`).toBe(f32Bits(one.output));
          expect(f32Bits(all.trajectory.subarray(r * steps * S, (r + 1) * steps * S)), `row ${r} trajectory`).toBe(f32Bits(one.trajectory));
          expect(f32Bits(state.subarray(r * S, (r + 1) * S)), `row ${r} final state`).toBe(f32Bits(alone));
        }
      });
    }
  }
});

describe('linearRowsInto is linearInto per row, bit for bit', () => {
  for (const [rows, inDim, outDim] of [[1, 1, 1], [2, 3, 5], [3, 7, 4], [5, 9, 11], [33, 64, 67]]) {
    it(`${rows} rows, ${inDim} → ${outDim}, strided input`, () => {
      const stride = inDim + 3;
      const offset = 2;
      const weight = Float32Array.from({ length: inDim * outDim }, (_, i) => Math.sin(1.3 * i) / Math.sqrt(inDim));
      const bias = Float32Array.from({ length: outDim }, (_, i) => 0.1 * Math.cos(i));
      const x = Float32Array.from({ length: offset + rows * stride }, (_, i) => Math.cos(0.7 * i) * (1 + (i % 3)));
      const out = new Float32Array(rows * outDim);
      linearRowsInto(weight, bias, x, rows, inDim, outDim, out, stride, offset);
      const want = new Float32Array(rows * outDim);
      const row = new Float32Array(outDim);
      for (let r = 0; r < rows; r++) {
        // The plain loop (index order, f64 sum, bias last) as the independent reference.
        for (let j = 0; j < outDim; j++) {
          let acc = 0;
          for (let i = 0; i < inDim; i++) acc += weight[j * inDim + i] * x[offset + r * stride + i];
          want[r * outDim + j] = acc + bias[j];
        }
        linearInto(weight, bias, x, inDim, outDim, row, offset + r * stride);
        expect(f32Bits(row)).toBe(f32Bits(want.subarray(r * outDim, (r + 1) * outDim)));
      }
      expect(f32Bits(out)).toBe(f32Bits(want));
    });
  }
});
