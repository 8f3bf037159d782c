import type { ComputeStep } from '../gpu/compute';
import { dispatchFor } from '../gpu/dispatch';
import { declareKernel } from '../gpu/kernel';
import { declaredStep } from './declared-step';
import type { SnnCounts } from './snn-counters';
import { SNN_WORKGROUP_SIZE } from './snn-encode';

/** One thread compacts one batch row. */
const COMPACT_WORKGROUP_SIZE = 64;

/** W (rows × cols, row-major) transposed: the GPU keeps weights as in × out (see snn-synapse-dense.wgsl). */
export function transposeSnnWeights(w: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = w[r * cols + c];
  return t;
}

/** Shape of one synapse pass: weights are out × in (nn.Linear layout); x is batch × in from xOffset. */
export interface SynapseShape {
  batch: number;
  inWidth: number;
  outWidth: number;
  /** Add to `current` instead of starting from the bias (a second, recurrent input). */
  accumulate?: boolean;
  /** Real-valued inputs: count batch·in·out multiply-accumulates. */
  countMacs?: boolean;
  xOffset?: number;
  /** Multiplies the weighted sum (e.g. 1/T to read out mean activity from spike counts). */
  inputScale?: number;
}

/**
 * CPU reference of the dense and event-driven synapses: current = base + scale·Σ W[o, i]·x[b, i],
 * summed in ascending i. Zero inputs are skipped (the event-driven rule), which leaves an f32 sum of
 * w·x unchanged, so this one reference serves both kernels.
 */
export function synapseCpu(s: SynapseShape, weights: Float32Array, bias: Float32Array, x: Float32Array, current: Float32Array, counts: SnnCounts): void {
  const f = Math.fround;
  const off = s.xOffset ?? 0;
  const scale = f(s.inputScale ?? 1);
  const active = new Int32Array(s.inWidth);
  for (let b = 0; b < s.batch; b++) {
    const xRow = off + b * s.inWidth;
    let n = 0;
    for (let i = 0; i < s.inWidth; i++) if (x[xRow + i] !== 0) active[n++] = i;
    for (let o = 0; o < s.outWidth; o++) {
      const wRow = o * s.inWidth;
      let acc = 0;
      for (let e = 0; e < n; e++) {
        const i = active[e];
        acc = f(acc + f(weights[wRow + i] * x[xRow + i]));
      }
      const k = b * s.outWidth + o;
      const base = s.accumulate ? current[k] : bias[o];
      current[k] = f(base + f(acc * scale));
    }
  }
  if (s.countMacs) counts.mac += s.batch * s.inWidth * s.outWidth;
}

export interface SynapseBuffers {
  /** in × out: transposeSnnWeights(nn.Linear weight, out, in). */
  weights: GPUBuffer;
  bias: GPUBuffer;
  x: GPUBuffer;
  current: GPUBuffer;
  counters: GPUBuffer;
}

/** Dense synapses, one thread per (row, output) (shaders/wgsl/snn-synapse-dense.wgsl). */
export const SNN_SYNAPSE_DENSE_KERNEL = declareKernel({
  shader: 'snn-synapse-dense',
  constants: { WORKGROUP_SIZE: SNN_WORKGROUP_SIZE },
  workgroupSize: SNN_WORKGROUP_SIZE,
  uniforms: { batch: 'u32', inWidth: 'u32', outWidth: 'u32', accumulate: 'u32', countMacs: 'u32', xOffset: 'u32', inputScale: 'f32' },
  bindings: ['weights', 'bias', 'x', 'current', 'counters'],
});

/** The active inputs of each batch row, ascending, one thread per row (shaders/wgsl/snn-compact.wgsl). */
export const SNN_COMPACT_KERNEL = declareKernel({
  shader: 'snn-compact',
  constants: { WORKGROUP_SIZE: COMPACT_WORKGROUP_SIZE },
  workgroupSize: COMPACT_WORKGROUP_SIZE,
  uniforms: { batch: 'u32', width: 'u32', xOffset: 'u32' },
  bindings: ['x', 'list', 'listCount'],
});

/** Event-driven synapses over the compacted inputs (shaders/wgsl/snn-synapse-event.wgsl). */
export const SNN_SYNAPSE_EVENT_KERNEL = declareKernel({
  shader: 'snn-synapse-event',
  constants: { WORKGROUP_SIZE: SNN_WORKGROUP_SIZE },
  workgroupSize: SNN_WORKGROUP_SIZE,
  uniforms: { batch: 'u32', inWidth: 'u32', outWidth: 'u32', accumulate: 'u32' },
  bindings: ['weights', 'bias', 'list', 'listCount', 'current'],
});

/** Dense synapses on the GPU: one thread per (row, output). */
export function denseSynapseStep(device: GPUDevice, s: SynapseShape, b: SynapseBuffers, workgroupSize = SNN_WORKGROUP_SIZE): { step: ComputeStep; uniforms: GPUBuffer } {
  return declaredStep(device, {
    kernel: SNN_SYNAPSE_DENSE_KERNEL,
    uniforms: {
      batch: s.batch, inWidth: s.inWidth, outWidth: s.outWidth, accumulate: s.accumulate ? 1 : 0, countMacs: s.countMacs ? 1 : 0,
      xOffset: s.xOffset ?? 0, inputScale: s.inputScale ?? 1,
    },
    buffers: { weights: b.weights, bias: b.bias, x: b.x, current: b.current, counters: b.counters },
    workgroups: dispatchFor(device, s.batch * s.outWidth, workgroupSize),
    constants: { WORKGROUP_SIZE: workgroupSize },
  });
}

export interface EventBuffers extends SynapseBuffers {
  /** batch × in u32: the active inputs of each row, ascending. */
  list: GPUBuffer;
  /** batch u32: how many are active. */
  listCount: GPUBuffer;
}

/**
 * Event-driven synapses on the GPU for spiking inputs: compact the active inputs of each row, then
 * add only their weights. Two steps; the result equals the dense kernel's bit for bit.
 */
export function eventSynapseSteps(device: GPUDevice, s: SynapseShape, b: EventBuffers, workgroupSize = SNN_WORKGROUP_SIZE): { steps: ComputeStep[]; uniforms: GPUBuffer[] } {
  const compact = declaredStep(device, {
    kernel: SNN_COMPACT_KERNEL,
    uniforms: { batch: s.batch, width: s.inWidth, xOffset: s.xOffset ?? 0 },
    buffers: { x: b.x, list: b.list, listCount: b.listCount },
    workgroups: dispatchFor(device, s.batch, COMPACT_WORKGROUP_SIZE),
  });
  const event = declaredStep(device, {
    kernel: SNN_SYNAPSE_EVENT_KERNEL,
    uniforms: { batch: s.batch, inWidth: s.inWidth, outWidth: s.outWidth, accumulate: s.accumulate ? 1 : 0 },
    buffers: { weights: b.weights, bias: b.bias, list: b.list, listCount: b.listCount, current: b.current },
    workgroups: dispatchFor(device, s.batch * s.outWidth, workgroupSize),
    constants: { WORKGROUP_SIZE: workgroupSize },
  });
  return { steps: [compact.step, event.step], uniforms: [compact.uniforms, event.uniforms] };
}
