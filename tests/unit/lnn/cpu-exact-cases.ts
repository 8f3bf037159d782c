import { cfcSequenceCpu } from '../../../src/services/lnn/cfc-cpu';
import { ltcSequenceCpu } from '../../../src/services/lnn/ltc-cpu';
import { createCfcModel, createLtcModel, createWiredCfcModel, lnnStateSize } from '../../../src/services/lnn/model';
import type { LnnModel } from '../../../src/kernels/lnn-model';
import { autoNcpWiring, fullyConnectedWiring } from '../../../src/services/lnn/wirings';

/**
 * Models and sequences on which the CPU LNN paths must stay bit-exact with the plain loops they
 * replaced (tests/fixtures/lnn-cpu/before.json, written by write-fixture.ts from commit 8d9b07c).
 */
export const CPU_EXACT_CASES: Array<{ name: string; model: () => LnnModel; batch: number; steps: number }> = [
  { name: 'cfc default, 1 unit, no backbone', model: () => createCfcModel({ inputSize: 1, units: 1, backboneLayers: 0, seed: 3 }), batch: 1, steps: 3 },
  { name: 'cfc default, 67 units, 2 backbone layers of 70, projection 3', model: () => createCfcModel({ inputSize: 2, units: 67, backboneLayers: 2, backboneUnits: 70, projSize: 3, seed: 4 }), batch: 3, steps: 9 },
  { name: 'cfc pure, 6 units, backbone 5', model: () => createCfcModel({ inputSize: 3, units: 6, mode: 'pure', backboneUnits: 5, seed: 5 }), batch: 2, steps: 7 },
  { name: 'cfc no_gate, 7 units, silu', model: () => createCfcModel({ inputSize: 2, units: 7, mode: 'no_gate', activation: 'silu', backboneUnits: 9, seed: 6 }), batch: 2, steps: 5 },
  { name: 'cfc 64 units (the bench model)', model: () => createCfcModel({ inputSize: 1, units: 64, backboneUnits: 64, backboneLayers: 1, projSize: 1, seed: 1 }), batch: 2, steps: 20 },
  { name: 'wired cfc, AutoNCP(19, 4)', model: () => createWiredCfcModel(autoNcpWiring(19, 4, 3, { seed: 11 }), { seed: 12, projSize: 2 }), batch: 2, steps: 12 },
  { name: 'ltc, 1 neuron', model: () => createLtcModel(fullyConnectedWiring(1, 1), { seed: 2 }), batch: 1, steps: 2 },
  { name: 'ltc, FullyConnected(67)', model: () => createLtcModel(fullyConnectedWiring(67, 2, { outputDim: 5 }), { seed: 3 }), batch: 2, steps: 5 },
  { name: 'ltc, AutoNCP(12, 3), softplus, linear mapping', model: () => createLtcModel(autoNcpWiring(12, 3, 2, { seed: 4 }), { seed: 5, implicitConstraints: true, inputMapping: 'linear', outputMapping: 'none' }), batch: 2, steps: 7 },
];

/** Runs a case on the CPU path; returns output, trajectory and final state. */
export function runCpuCase(c: (typeof CPU_EXACT_CASES)[number]) {
  const model = c.model();
  const width = model.kind === 'ltc' ? model.sensorySize : model.inputSize;
  const inputs = Float32Array.from({ length: c.batch * c.steps * width }, (_, i) => Math.sin(0.37 * i) + 0.3 * Math.cos(1.3 * i));
  const timespans = Float32Array.from({ length: c.batch * c.steps }, (_, i) => 0.5 + ((i * 7) % 5) * 0.25);
  const state = Float32Array.from({ length: c.batch * lnnStateSize(model) }, (_, i) => 0.1 * Math.sin(i));
  const run = model.kind === 'ltc' ? ltcSequenceCpu(model, inputs, timespans, c.batch, c.steps, state) : cfcSequenceCpu(model, inputs, timespans, c.batch, c.steps, state);
  return { output: run.output, trajectory: run.trajectory, state };
}

/** Every value's f32 bits, as hex: the fixture compares them exactly. */
export function f32Bits(x: Float32Array): string {
  return Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('hex');
}
