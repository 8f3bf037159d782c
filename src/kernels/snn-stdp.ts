import type { ComputeStep } from '../gpu/compute';
import { dispatchFor } from '../gpu/dispatch';
import { declareKernel, kernelPipeline, uniformBlock } from '../gpu/kernel';
import { declaredStep } from './declared-step';
import { SNN_WORKGROUP_SIZE } from './snn-encode';

/**
 * Reward-modulated STDP (eligibility traces; Izhikevich 2007, Frémaux & Gerstner 2016) on the synapses
 * of one layer. Each step: e ← e·e^(−1/τ_e) + Σ_b (A+·x'·s_post − A−·y'·s_pre) with x' = x·e^(−1/τ+) + s_pre
 * (a pre spike drives the post neuron in the same step: causal) and y' = y·e^(−1/τ−) (earlier post spikes
 * only); then the traces move to x', y'·… + s_post. After the run: W ← clamp(W + η·r·e, ±wMax).
 */
export interface StdpOptions {
  tauPlus?: number;
  tauMinus?: number;
  tauElig?: number;
  aPlus?: number;
  aMinus?: number;
  learningRate?: number;
  wMax?: number;
}

export interface StdpParams {
  preDecay: number;
  postDecay: number;
  eligDecay: number;
  aPlus: number;
  aMinus: number;
  learningRate: number;
  wMax: number;
}

export function stdpParams(o: StdpOptions = {}): StdpParams {
  const f = Math.fround;
  return {
    preDecay: f(Math.exp(-1 / (o.tauPlus ?? 20))),
    postDecay: f(Math.exp(-1 / (o.tauMinus ?? 20))),
    eligDecay: f(Math.exp(-1 / (o.tauElig ?? 1000))),
    aPlus: f(o.aPlus ?? 0.01),
    aMinus: f(o.aMinus ?? 0.01),
    learningRate: f(o.learningRate ?? 0.5),
    wMax: f(o.wMax ?? 4),
  };
}

/** CPU reference of one step: traces (batch·in pre, then batch·out post) and eligibility (out × in). */
export function stdpStepCpu(p: StdpParams, batch: number, inWidth: number, outWidth: number, pre: Float32Array, post: Float32Array, traces: Float32Array, elig: Float32Array): void {
  const f = Math.fround;
  const preCount = batch * inWidth;
  for (let o = 0; o < outWidth; o++) {
    for (let i = 0; i < inWidth; i++) {
      let dw = 0;
      for (let b = 0; b < batch; b++) {
        const preNow = pre[b * inWidth + i];
        const xNow = f(f(traces[b * inWidth + i] * p.preDecay) + preNow);
        const yBefore = f(traces[preCount + b * outWidth + o] * p.postDecay);
        const ltp = f(f(p.aPlus * xNow) * post[b * outWidth + o]);
        const ltd = f(f(p.aMinus * yBefore) * preNow);
        dw = f(dw + f(ltp - ltd));
      }
      const k = o * inWidth + i;
      elig[k] = f(f(elig[k] * p.eligDecay) + dw);
    }
  }
  for (let k = 0; k < preCount; k++) traces[k] = f(f(traces[k] * p.preDecay) + pre[k]);
  for (let k = 0; k < batch * outWidth; k++) traces[preCount + k] = f(f(traces[preCount + k] * p.postDecay) + post[k]);
}

/** CPU reference of the reward-gated weight update. */
export function stdpApplyCpu(p: StdpParams, reward: number, elig: Float32Array, weights: Float32Array): void {
  const f = Math.fround;
  const lrReward = f(p.learningRate * reward);
  for (let k = 0; k < weights.length; k++) weights[k] = Math.min(Math.max(f(weights[k] + f(lrReward * elig[k])), -p.wMax), p.wMax);
}

/** The three STDP kernels share one uniform struct (StdpParams in shaders/wgsl/snn-stdp-params.wgsl). */
const stdpDeclaration = {
  constants: { WORKGROUP_SIZE: SNN_WORKGROUP_SIZE },
  workgroupSize: SNN_WORKGROUP_SIZE,
  uniforms: { batch: 'u32', inWidth: 'u32', outWidth: 'u32', preDecay: 'f32', postDecay: 'f32', eligDecay: 'f32', aPlus: 'f32', aMinus: 'f32', lrReward: 'f32', wMax: 'f32' },
} as const;
/** Eligibility from the old traces, one thread per synapse (shaders/wgsl/snn-stdp-elig.wgsl). */
export const SNN_STDP_ELIG_KERNEL = declareKernel({ shader: 'snn-stdp-elig', ...stdpDeclaration, bindings: ['pre', 'post', 'traces', 'elig'] });
/** The pre and post traces, one thread per trace (shaders/wgsl/snn-stdp-trace.wgsl). */
export const SNN_STDP_TRACE_KERNEL = declareKernel({ shader: 'snn-stdp-trace', ...stdpDeclaration, bindings: ['pre', 'post', 'traces'] });
/** The reward-gated weight update (shaders/wgsl/snn-stdp-apply.wgsl). */
export const SNN_STDP_APPLY_KERNEL = declareKernel({ shader: 'snn-stdp-apply', ...stdpDeclaration, bindings: ['elig', 'weights'] });

function stdpUniforms(p: StdpParams, shape: { batch: number; inWidth: number; outWidth: number }, reward: number) {
  return {
    batch: shape.batch, inWidth: shape.inWidth, outWidth: shape.outWidth,
    preDecay: p.preDecay, postDecay: p.postDecay, eligDecay: p.eligDecay, aPlus: p.aPlus, aMinus: p.aMinus,
    lrReward: Math.fround(p.learningRate * reward), wMax: p.wMax,
  };
}

/** The two per-step dispatches (eligibility from the old traces, then the traces), sharing one uniform block. */
export function stdpSteps(
  device: GPUDevice, p: StdpParams, shape: { batch: number; inWidth: number; outWidth: number },
  b: { pre: GPUBuffer; post: GPUBuffer; traces: GPUBuffer; elig: GPUBuffer },
): { steps: ComputeStep[]; uniforms: GPUBuffer } {
  const uniforms = uniformBlock(device, SNN_STDP_ELIG_KERNEL, stdpUniforms(p, shape, 0));
  const traceCount = shape.batch * (shape.inWidth + shape.outWidth);
  const w = SNN_WORKGROUP_SIZE;
  return {
    steps: [
      { pipeline: kernelPipeline(device, SNN_STDP_ELIG_KERNEL), buffers: [uniforms, b.pre, b.post, b.traces, b.elig], workgroups: dispatchFor(device, shape.inWidth * shape.outWidth, w) },
      { pipeline: kernelPipeline(device, SNN_STDP_TRACE_KERNEL), buffers: [uniforms, b.pre, b.post, b.traces], workgroups: dispatchFor(device, traceCount, w) },
    ],
    uniforms,
  };
}

/** The end-of-run weight update W ← clamp(W + η·reward·e). */
export function stdpApplyStep(
  device: GPUDevice, p: StdpParams, shape: { batch: number; inWidth: number; outWidth: number }, reward: number,
  b: { elig: GPUBuffer; weights: GPUBuffer },
): { step: ComputeStep; uniforms: GPUBuffer } {
  return declaredStep(device, {
    kernel: SNN_STDP_APPLY_KERNEL,
    uniforms: stdpUniforms(p, shape, reward),
    buffers: { elig: b.elig, weights: b.weights },
    workgroups: dispatchFor(device, shape.inWidth * shape.outWidth, SNN_WORKGROUP_SIZE),
  });
}
