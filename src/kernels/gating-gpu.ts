import { InvalidInputError } from '../errors';
import { STORAGE, bufferFrom, readBuffer, readFloat32, uniformFrom } from '../gpu/buffers';
import { runCompute, type ComputeStep } from '../gpu/compute';
import type { GpuContext } from '../gpu/device';
import { dispatchFor } from '../gpu/dispatch';
import { getPipeline } from '../gpu/pipeline-cache';
import type { GpuTiming } from '../gpu/timing';
import { loadWgsl } from '../gpu/wgsl';
import type { GpuTensor } from '../gpu/tensor';
import { expertLoadOf, resolveGating, resolveGatingOptions, type GatingOptions, type ResolvedGating, type GatingResult } from './gating-options';

/** How a workgroup sums the loss terms of its tokens: subgroup operations or workgroup memory. */
export type GatingReduction = 'subgroup' | 'workgroup';

export interface GatingGpuOptions extends GatingOptions {
  /** 'auto' (default) takes subgroups where the device has them. */
  reduction?: GatingReduction | 'auto';
  /** Tokens per workgroup of the gating pass: a power of two from 1 to 256 (default 64). */
  workgroupSize?: number;
}

export interface GatingGpuResult extends GatingResult {
  reduction: GatingReduction;
  timing: GpuTiming;
}

export const GATING_WORKGROUP_SIZE = 64;
const NOISE_WORKGROUP_SIZE = 256;
const LOSS_WORKGROUP_SIZE = 256;

function selectPipeline(device: GPUDevice, reduction: GatingReduction, workgroupSize: number): GPUComputePipeline {
  // `enable` must open the module, so the subgroup variant is the same source behind the directive.
  const prefix = reduction === 'subgroup' ? 'enable subgroups;\n' : '';
  return getPipeline(device, {
    shader: `gating-select+${reduction}`,
    code: `${prefix}${loadWgsl('gating-select')}\n${loadWgsl(`gating-reduce-${reduction}`)}`,
    constants: { WORKGROUP_SIZE: workgroupSize },
  });
}

function resolveReduction(ctx: GpuContext, wanted: GatingGpuOptions['reduction']): GatingReduction {
  if (wanted === 'subgroup' && !ctx.hasSubgroups) {
    throw new InvalidInputError('reduction is subgroup but this device has no subgroups feature', "use reduction 'workgroup' or 'auto'");
  }
  if (wanted === 'subgroup' || wanted === 'workgroup') return wanted;
  if (wanted !== undefined && wanted !== 'auto') {
    throw new InvalidInputError(`reduction is ${String(wanted)}`, "use 'auto', 'subgroup' or 'workgroup'");
  }
  return ctx.hasSubgroups ? 'subgroup' : 'workgroup';
}

function resolveWorkgroupSize(size: number | undefined): number {
  const value = size ?? GATING_WORKGROUP_SIZE;
  if (![1, 2, 4, 8, 16, 32, 64, 128, 256].includes(value)) {
    throw new InvalidInputError(`workgroupSize is ${value}`, 'use a power of two from 1 to 256');
  }
  return value;
}

/** Logits already on the device (e.g. the router's): checked for shape and device, used in place. */
function residentLogits(ctx: GpuContext, input: GpuTensor, tokens: number, experts: number): GPUBuffer {
  if (input.kind !== 'gpu' || input.device !== ctx.device) {
    throw new InvalidInputError('the logits tensor is not on this GPU device', 'pass a Float32Array, or a GpuTensor made on the same device');
  }
  if (input.shape.length !== 2 || input.shape[0] !== tokens || input.shape[1] !== experts || input.byteOffset !== 0) {
    throw new InvalidInputError(`the logits tensor has shape [${input.shape}] at byte ${input.byteOffset}`, `pass a [${tokens}, ${experts}] tensor at the start of its buffer`);
  }
  return input.buffer;
}

/**
 * Gating on the GPU in one submission: [noise] → select (top-k, weights, loss partials per
 * workgroup) → loss (sums and the two losses) → [capacity]. Same semantics as `gatingCpu`.
 * Logits already on the device are used where they are; they cannot be checked for NaN first.
 */
export async function gatingGpu(ctx: GpuContext, input: Float32Array | GpuTensor, options: GatingGpuOptions): Promise<GatingGpuResult> {
  const g: Omit<ResolvedGating, 'logits'> & { logits?: Float32Array } = input instanceof Float32Array ? resolveGating(input, options) : resolveGatingOptions(options);
  const reduction = resolveReduction(ctx, options.reduction);
  const workgroupSize = resolveWorkgroupSize(options.workgroupSize);
  const { device } = ctx;
  const { tokens: T, experts: E, k } = g;
  const groups = Math.ceil(T / workgroupSize);
  const made: GPUBuffer[] = [];
  const keep = (b: GPUBuffer) => (made.push(b), b);
  try {
    const logitsBuffer = g.logits ? keep(bufferFrom(device, g.logits, STORAGE, 'gating logits')) : residentLogits(ctx, input as GpuTensor, T, E);
    const steps: ComputeStep[] = [];
    let scores = logitsBuffer;
    if (g.noise) {
      const noiseBuffer = keep(bufferFrom(device, g.noise.noiseLogits, STORAGE, 'gating noise logits'));
      scores = keep(device.createBuffer({ size: T * E * 4, usage: STORAGE, label: 'gating scores' }));
      const params = keep(uniformFrom(device, [{ u32: T * E }, { u32: g.noise.seed }]));
      steps.push({
        pipeline: getPipeline(device, { shader: 'gating-noise', code: loadWgsl('gating-noise'), constants: { WORKGROUP_SIZE: NOISE_WORKGROUP_SIZE } }),
        buffers: [params, logitsBuffer, noiseBuffer, scores],
        workgroups: dispatchFor(device, T * E, NOISE_WORKGROUP_SIZE),
      });
    }
    const indices = keep(device.createBuffer({ size: T * k * 4, usage: STORAGE, label: 'gating indices' }));
    const weights = keep(device.createBuffer({ size: T * k * 4, usage: STORAGE, label: 'gating weights' }));
    const partials = keep(device.createBuffer({ size: groups * (2 * E + 1) * 4, usage: STORAGE, label: 'gating partials' }));
    const losses = keep(device.createBuffer({ size: (2 + 2 * E) * 4, usage: STORAGE, label: 'gating losses' }));
    const selectParams = keep(uniformFrom(device, [{ u32: T }, { u32: E }, { u32: k }, { u32: g.modeCode }]));
    steps.push({
      pipeline: selectPipeline(device, reduction, workgroupSize),
      buffers: [selectParams, logitsBuffer, scores, indices, weights, partials],
      workgroups: dispatchFor(device, T, workgroupSize),
    });
    const lossParams = keep(uniformFrom(device, [{ u32: T }, { u32: E }, { u32: groups }]));
    steps.push({
      pipeline: getPipeline(device, { shader: 'gating-loss', code: loadWgsl('gating-loss'), constants: { WORKGROUP_SIZE: LOSS_WORKGROUP_SIZE } }),
      buffers: [lossParams, partials, losses],
      workgroups: [1, 1, 1],
    });
    if (g.capacity !== null) {
      const capacityParams = keep(
        uniformFrom(device, [{ u32: T }, { u32: E }, { u32: k }, { u32: g.modeCode }, { u32: Math.min(g.capacity, 0xffffffff) }, { u32: g.reroute ? 1 : 0 }]),
      );
      steps.push({
        pipeline: getPipeline(device, { shader: 'gating-capacity', code: loadWgsl('gating-capacity') }),
        buffers: [capacityParams, scores, indices, weights],
        workgroups: [1, 1, 1],
      });
    }
    const timing = await runCompute(device, steps);
    const indexOut = new Int32Array(await readBuffer(device, indices, T * k * 4));
    const weightOut = await readFloat32(device, weights, T * k);
    const lossOut = await readFloat32(device, losses, 2 + 2 * E);
    return {
      indices: indexOut,
      weights: weightOut,
      expertLoad: expertLoadOf(indexOut, E),
      capacity: g.capacity,
      losses: { balance: lossOut[0], z: lossOut[1] },
      fraction: lossOut.slice(2, 2 + E),
      probability: lossOut.slice(2 + E, 2 + 2 * E),
      path: 'gpu',
      reduction,
      timing,
    };
  } finally {
    for (const b of made) b.destroy();
  }
}
