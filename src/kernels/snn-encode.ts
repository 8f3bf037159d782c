import type { ComputeStep } from '../gpu/compute';
import { dispatchFor } from '../gpu/dispatch';
import { declareKernel } from '../gpu/kernel';
import { declaredStep } from './declared-step';
import type { SnnCounts } from './snn-counters';
import { snnUniform } from './snn-rng';
import { SNN_ENCODING } from './wgsl-constants';

export const SNN_WORKGROUP_SIZE = 256;

export type SnnEncodingKind = 'rate' | 'poisson' | 'latency' | 'direct' | 'recorded-current' | 'recorded-spikes';

/** A recorded input (T × batch × width, snnTorch's time-first layout): step t feeds slice t, no encoder. */
export function isRecordedEncoding(kind: SnnEncodingKind): boolean {
  return kind === 'recorded-current' || kind === 'recorded-spikes';
}

/** Real-valued input into the first layer: its synapses count dense MACs, not spike events. */
export function isCurrentEncoding(kind: SnnEncodingKind): boolean {
  return kind === 'direct' || kind === 'recorded-current';
}

/**
 * How numbers become input for the first layer at each step:
 * - rate: spike with probability clamp(x·gain + offset, 0, 1) (Bernoulli, seeded);
 * - poisson: spike when rand < dt·f_max·x (dt in seconds, f_max in Hz);
 * - latency: one spike at step round((1 − x)·(T − 1)); x ≤ latencyThreshold never spikes;
 * - direct: the current x·gain every step (real-valued, so the first layer counts dense MACs);
 * - recorded-current / recorded-spikes: no encoder; the input holds T slices (T × batch × width) and step t
 *   feeds slice t as it is (a current: dense MACs; a 0/1 spike train: synaptic events).
 */
export interface SnnEncoding {
  kind: SnnEncodingKind;
  seed?: number;
  gain?: number;
  offset?: number;
  /** Poisson: seconds per step (default 0.001). */
  dt?: number;
  /** Poisson: the rate at x = 1, in Hz (default 1000, so p = x at dt = 1 ms). */
  maxRateHz?: number;
  /** Latency: inputs at or below this never spike (default 0.01). */
  latencyThreshold?: number;
}

/** The encoder's numbers, resolved once and rounded to f32 as the GPU sees them. */
export interface EncoderParams {
  kind: SnnEncodingKind;
  seed: number;
  gain: number;
  offset: number;
  poissonScale: number;
  latencyThreshold: number;
}

export function encoderParams(e: SnnEncoding): EncoderParams {
  const f = Math.fround;
  return {
    kind: e.kind,
    seed: (e.seed ?? 0) >>> 0,
    gain: f(e.gain ?? 1),
    offset: f(e.offset ?? 0),
    poissonScale: f((e.dt ?? 0.001) * (e.maxRateHz ?? 1000)),
    latencyThreshold: f(e.latencyThreshold ?? 0.01),
  };
}

/**
 * CPU reference of one encoder step (same semantics and f32 rounding as snn-encode.wgsl). Writes
 * `encoded` (batch × width) and counts the spikes and their synaptic operations. A recorded input holds
 * T slices of `encoded.length`; step t reads slice t.
 */
export function encodeStepCpu(
  p: EncoderParams, input: Float32Array, width: number, timeSteps: number, step: number, fanout: number,
  encoded: Float32Array, counts: SnnCounts,
): void {
  const f = Math.fround;
  let spikes = 0;
  const count = encoded.length;
  const base = isRecordedEncoding(p.kind) ? step * count : 0;
  for (let i = 0; i < count; i++) {
    const x = input[base + i];
    const row = Math.floor(i / width);
    const col = i % width;
    let value = 0;
    switch (p.kind) {
      case 'rate': {
        const prob = Math.min(Math.max(f(f(x * p.gain) + p.offset), 0), 1);
        value = snnUniform(p.seed, step, row, col) < prob ? 1 : 0;
        break;
      }
      case 'poisson':
        value = snnUniform(p.seed, step, row, col) < f(p.poissonScale * x) ? 1 : 0;
        break;
      case 'latency': {
        const at = Math.floor(f(f(f(1 - x) * (timeSteps - 1)) + 0.5));
        value = x > p.latencyThreshold && at === step ? 1 : 0;
        break;
      }
      case 'recorded-current':
      case 'recorded-spikes':
        value = x;
        break;
      default:
        value = f(x * p.gain);
    }
    encoded[i] = value;
    if (!isCurrentEncoding(p.kind) && value !== 0) spikes++;
  }
  counts.inputSpikes += spikes;
  counts.sop += spikes * fanout;
}

/** One encoder step (shaders/wgsl/snn-encode.wgsl); ENCODING is set per encoding (SNN_ENCODING). */
export const SNN_ENCODE_KERNEL = declareKernel({
  shader: 'snn-encode',
  constants: { WORKGROUP_SIZE: SNN_WORKGROUP_SIZE },
  workgroupSize: SNN_WORKGROUP_SIZE,
  uniforms: { count: 'u32', width: 'u32', seed: 'u32', timeSteps: 'u32', gain: 'f32', offset: 'f32', poissonScale: 'f32', latencyThreshold: 'f32' },
  bindings: ['input', 'encoded', 'counters', 'inputCounts'],
});

/**
 * Encodes one step of `input` (batch × width) into `encoded` on the GPU, at the step the clock says,
 * tallying each input's spikes in `inputCounts` (zeroed by the caller; see snnCountStep).
 */
export function encodeStep(
  device: GPUDevice, p: EncoderParams, buffers: { input: GPUBuffer; encoded: GPUBuffer; counters: GPUBuffer; inputCounts: GPUBuffer },
  shape: { count: number; width: number; timeSteps: number }, workgroupSize = SNN_WORKGROUP_SIZE,
): { step: ComputeStep; uniforms: GPUBuffer } {
  return declaredStep(device, {
    kernel: SNN_ENCODE_KERNEL,
    uniforms: { count: shape.count, width: shape.width, seed: p.seed, timeSteps: shape.timeSteps, gain: p.gain, offset: p.offset, poissonScale: p.poissonScale, latencyThreshold: p.latencyThreshold },
    buffers: { input: buffers.input, encoded: buffers.encoded, counters: buffers.counters, inputCounts: buffers.inputCounts },
    workgroups: dispatchFor(device, shape.count, workgroupSize),
    constants: { WORKGROUP_SIZE: workgroupSize, ENCODING: SNN_ENCODING[p.kind] },
  });
}
