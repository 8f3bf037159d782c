import { InvalidInputError } from '../errors';
import { STORAGE, readBuffer, readFloat32 } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';
import { dispatchFor } from '../gpu/dispatch';
import { declareKernel, dispatch, type KernelRun } from '../gpu/kernel';
import type { GpuTiming } from '../gpu/timing';
import type { GpuTensor } from '../gpu/tensor';
import { NO_INDEX } from './wgsl-constants';
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

/** Noisy top-k: scores = logits + softplus(noise_logits)·N(0,1), from a counter-based RNG. */
const GATING_NOISE_KERNEL = declareKernel({
  shader: 'gating-noise',
  constants: { WORKGROUP_SIZE: NOISE_WORKGROUP_SIZE },
  workgroupSize: NOISE_WORKGROUP_SIZE,
  uniforms: { count: 'u32', seed: 'u32' },
  bindings: ['logits', 'noiseLogits', 'scores'],
});

/** One select kernel per reduction (the same prelude with its workgroup sum); WORKGROUP_SIZE set per run. */
function selectKernel(reduction: GatingReduction) {
  return reduction === 'subgroup' ? GATING_SELECT_SUBGROUP : GATING_SELECT_WORKGROUP;
}
const selectDeclaration = {
  workgroupSize: GATING_WORKGROUP_SIZE,
  uniforms: { tokens: 'u32', experts: 'u32', k: 'u32', mode: 'u32' },
  bindings: ['logits', 'scores', 'indices', 'weights', 'partials'],
} as const;
const GATING_SELECT_WORKGROUP = declareKernel({ shader: 'gating-select-workgroup', ...selectDeclaration });
const GATING_SELECT_SUBGROUP = declareKernel({ shader: 'gating-select-subgroup', ...selectDeclaration });

const GATING_LOSS_KERNEL = declareKernel({
  shader: 'gating-loss',
  constants: { WORKGROUP_SIZE: LOSS_WORKGROUP_SIZE },
  workgroupSize: LOSS_WORKGROUP_SIZE,
  uniforms: { tokens: 'u32', experts: 'u32', groups: 'u32' },
  bindings: ['partials', 'losses'],
});

const GATING_CAPACITY_KERNEL = declareKernel({
  shader: 'gating-capacity',
  workgroupSize: 1,
  uniforms: { tokens: 'u32', experts: 'u32', k: 'u32', mode: 'u32', capacity: 'u32', reroute: 'u32' },
  bindings: ['scores', 'indices', 'weights'],
});

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
  const { device, pool } = ctx;
  const { tokens: T, experts: E, k } = g;
  const groups = Math.ceil(T / workgroupSize);
  const pooled: GPUBuffer[] = [];
  const take = (bytes: number, label: string) => {
    const b = pool.acquire(bytes, STORAGE, label);
    pooled.push(b);
    return b;
  };
  const upload = (data: Float32Array, label: string) => {
    const b = take(data.byteLength, label);
    device.queue.writeBuffer(b, 0, data as Float32Array<ArrayBuffer>);
    return b;
  };
  try {
    const logitsBuffer = g.logits ? upload(g.logits, 'gating logits') : residentLogits(ctx, input as GpuTensor, T, E);
    const runs: KernelRun[] = [];
    let scores = logitsBuffer;
    if (g.noise) {
      const noiseLogits = upload(g.noise.noiseLogits, 'gating noise logits');
      scores = take(T * E * 4, 'gating scores');
      runs.push({ kernel: GATING_NOISE_KERNEL, uniforms: { count: T * E, seed: g.noise.seed }, buffers: { logits: logitsBuffer, noiseLogits, scores }, elements: T * E });
    }
    const indices = take(T * k * 4, 'gating indices');
    const weights = take(T * k * 4, 'gating weights');
    const partials = take(groups * (2 * E + 1) * 4, 'gating partials');
    const losses = take((2 + 2 * E) * 4, 'gating losses');
    runs.push({
      kernel: selectKernel(reduction),
      uniforms: { tokens: T, experts: E, k, mode: g.modeCode },
      buffers: { logits: logitsBuffer, scores, indices, weights, partials },
      workgroups: dispatchFor(device, T, workgroupSize),
      constants: { WORKGROUP_SIZE: workgroupSize },
    });
    runs.push({ kernel: GATING_LOSS_KERNEL, uniforms: { tokens: T, experts: E, groups }, buffers: { partials, losses }, workgroups: [1, 1, 1] });
    if (g.capacity !== null) {
      runs.push({
        kernel: GATING_CAPACITY_KERNEL,
        uniforms: { tokens: T, experts: E, k, mode: g.modeCode, capacity: Math.min(g.capacity, NO_INDEX), reroute: g.reroute ? 1 : 0 },
        buffers: { scores, indices, weights },
        workgroups: [1, 1, 1],
      });
    }
    const timing = await dispatch(ctx, runs);
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
    pool.release(...pooled);
  }
}
