import { STORAGE, readUint32 } from '../gpu/buffers';
import type { ComputeStep } from '../gpu/compute';
import { dispatchFor } from '../gpu/dispatch';
import { declareKernel, kernelPipeline } from '../gpu/kernel';
import { declaredStep } from './declared-step';

/** Slots of the counters buffer (mirrors shaders/wgsl/snn-counters.wgsl): 64-bit counts as (low, high) u32. */
import { SNN_COUNTER } from './wgsl-constants';

export { SNN_COUNTER };
export const SNN_COUNTER_WORDS = 9;

/** Event counts of a run, counted where the events happen (GPU kernels or the CPU reference). */
export interface SnnCounts {
  /** Synaptic operations: spikes × fan-out (accumulates, E_AC each). */
  sop: number;
  /** Dense multiply-accumulates on real-valued inputs (E_MAC each). */
  mac: number;
  /** Spikes of the LIF neurons. */
  neuronSpikes: number;
  /** Spikes made by the encoder. */
  inputSpikes: number;
}

export function emptySnnCounts(): SnnCounts {
  return { sop: 0, mac: 0, neuronSpikes: 0, inputSpikes: 0 };
}

/**
 * Advances the step clock (shaders/wgsl/snn-tick.wgsl). It has no uniform struct: its one buffer,
 * the counters, sits at @binding(0), so it runs as a plain step, never through dispatch().
 */
export const SNN_TICK_KERNEL = declareKernel({ shader: 'snn-tick', workgroupSize: 1, uniforms: {}, bindings: ['counters'] });

/** Adds per-neuron spike tallies to the counters (shaders/wgsl/snn-count.wgsl). */
export const SNN_COUNT_KERNEL = declareKernel({
  shader: 'snn-count',
  constants: { WORKGROUP_SIZE: 256 },
  workgroupSize: 256,
  uniforms: { count: 'u32', width: 'u32', offset: 'u32', slot: 'u32' },
  bindings: ['tallies', 'fanout', 'counters'],
});

/** A zeroed counters buffer (clock at step 0). */
export function createSnnCounters(device: GPUDevice): GPUBuffer {
  return device.createBuffer({ size: 48, usage: STORAGE, label: 'snn-counters' });
}

export function resetSnnCounters(device: GPUDevice, counters: GPUBuffer): void {
  device.queue.writeBuffer(counters, 0, new Uint32Array(12));
}

/** Advances the step clock: the last dispatch of every simulated time step. */
export function snnTickStep(device: GPUDevice, counters: GPUBuffer): ComputeStep {
  return { pipeline: kernelPipeline(device, SNN_TICK_KERNEL), buffers: [counters], workgroups: [1, 1, 1] };
}

/**
 * End of run: adds per-neuron spike tallies (f32 at `offset` in `tallies`, batch·width of them) to the
 * counters, as spikes (`slot`) and spikes × fan-out synaptic operations.
 */
export function snnCountStep(
  device: GPUDevice, b: { tallies: GPUBuffer; fanout: GPUBuffer; counters: GPUBuffer },
  shape: { count: number; width: number; offset: number; slot: 'neuronSpikes' | 'inputSpikes' }, workgroupSize = 256,
): { step: ComputeStep; uniforms: GPUBuffer } {
  return declaredStep(device, {
    kernel: SNN_COUNT_KERNEL,
    uniforms: { count: shape.count, width: shape.width, offset: shape.offset, slot: SNN_COUNTER[shape.slot] },
    buffers: { tallies: b.tallies, fanout: b.fanout, counters: b.counters },
    workgroups: dispatchFor(device, shape.count, workgroupSize),
    constants: { WORKGROUP_SIZE: workgroupSize },
  });
}

export async function readSnnCounters(device: GPUDevice, counters: GPUBuffer): Promise<SnnCounts & { clock: number }> {
  const w = await readUint32(device, counters, SNN_COUNTER_WORDS);
  const wide = (slot: number) => w[slot] + w[slot + 1] * 0x100000000;
  return {
    sop: wide(SNN_COUNTER.sop),
    mac: wide(SNN_COUNTER.mac),
    neuronSpikes: wide(SNN_COUNTER.neuronSpikes),
    inputSpikes: wide(SNN_COUNTER.inputSpikes),
    clock: w[SNN_COUNTER.clock],
  };
}
