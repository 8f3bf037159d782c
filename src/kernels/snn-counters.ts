import { STORAGE, readUint32, uniformFrom } from '../gpu/buffers';
import type { ComputeStep } from '../gpu/compute';
import { dispatchFor } from '../gpu/dispatch';
import { getPipeline } from '../gpu/pipeline-cache';
import { loadWgsl } from '../gpu/wgsl';

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

/** WGSL source of a spiking kernel: shared pieces (counters, rng) prepended to the kernel's own file. */
/** A spiking kernel's pipeline; its shared WGSL (counters, RNG, STDP parameters) comes by its `// uses:` line. */
export function snnPipeline(device: GPUDevice, name: string, constants: Record<string, number>): GPUComputePipeline {
  return getPipeline(device, { shader: name, code: loadWgsl(name), constants });
}

/** A zeroed counters buffer (clock at step 0). */
export function createSnnCounters(device: GPUDevice): GPUBuffer {
  return device.createBuffer({ size: 48, usage: STORAGE, label: 'snn-counters' });
}

export function resetSnnCounters(device: GPUDevice, counters: GPUBuffer): void {
  device.queue.writeBuffer(counters, 0, new Uint32Array(12));
}

/** Advances the step clock: the last dispatch of every simulated time step. */
export function snnTickStep(device: GPUDevice, counters: GPUBuffer): ComputeStep {
  return { pipeline: snnPipeline(device, 'snn-tick', {}), buffers: [counters], workgroups: [1, 1, 1] };
}

/**
 * End of run: adds per-neuron spike tallies (f32 at `offset` in `tallies`, batch·width of them) to the
 * counters, as spikes (`slot`) and spikes × fan-out synaptic operations.
 */
export function snnCountStep(
  device: GPUDevice, b: { tallies: GPUBuffer; fanout: GPUBuffer; counters: GPUBuffer },
  shape: { count: number; width: number; offset: number; slot: 'neuronSpikes' | 'inputSpikes' }, workgroupSize = 256,
): { step: ComputeStep; uniforms: GPUBuffer } {
  const uniforms = uniformFrom(device, [{ u32: shape.count }, { u32: shape.width }, { u32: shape.offset }, { u32: SNN_COUNTER[shape.slot] }]);
  const pipeline = snnPipeline(device, 'snn-count', { WORKGROUP_SIZE: workgroupSize });
  return { step: { pipeline, buffers: [uniforms, b.tallies, b.fanout, b.counters], workgroups: dispatchFor(device, shape.count, workgroupSize) }, uniforms };
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
