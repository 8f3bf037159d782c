import { uniformFrom } from '../gpu/buffers';
import type { ComputeStep } from '../gpu/compute';
import { dispatchFor } from '../gpu/dispatch';
import { snnPipeline } from './snn-counters';
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

function stdpUniforms(device: GPUDevice, p: StdpParams, shape: { batch: number; inWidth: number; outWidth: number }, reward: number): GPUBuffer {
  return uniformFrom(device, [
    { u32: shape.batch }, { u32: shape.inWidth }, { u32: shape.outWidth },
    { f32: p.preDecay }, { f32: p.postDecay }, { f32: p.eligDecay }, { f32: p.aPlus }, { f32: p.aMinus },
    { f32: Math.fround(p.learningRate * reward) }, { f32: p.wMax },
  ]);
}

/** The two per-step dispatches (eligibility from the old traces, then the traces). */
export function stdpSteps(
  device: GPUDevice, p: StdpParams, shape: { batch: number; inWidth: number; outWidth: number },
  b: { pre: GPUBuffer; post: GPUBuffer; traces: GPUBuffer; elig: GPUBuffer },
): { steps: ComputeStep[]; uniforms: GPUBuffer } {
  const uniforms = stdpUniforms(device, p, shape, 0);
  const traceCount = shape.batch * (shape.inWidth + shape.outWidth);
  const w = SNN_WORKGROUP_SIZE;
  const trace = snnPipeline(device, 'snn-stdp-trace', { WORKGROUP_SIZE: w });
  const elig = snnPipeline(device, 'snn-stdp-elig', { WORKGROUP_SIZE: w });
  return {
    steps: [
      { pipeline: elig, buffers: [uniforms, b.pre, b.post, b.traces, b.elig], workgroups: dispatchFor(device, shape.inWidth * shape.outWidth, w) },
      { pipeline: trace, buffers: [uniforms, b.pre, b.post, b.traces], workgroups: dispatchFor(device, traceCount, w) },
    ],
    uniforms,
  };
}

/** The end-of-run weight update W ← clamp(W + η·reward·e). */
export function stdpApplyStep(
  device: GPUDevice, p: StdpParams, shape: { batch: number; inWidth: number; outWidth: number }, reward: number,
  b: { elig: GPUBuffer; weights: GPUBuffer },
): { step: ComputeStep; uniforms: GPUBuffer } {
  const uniforms = stdpUniforms(device, p, shape, reward);
  const pipeline = snnPipeline(device, 'snn-stdp-apply', { WORKGROUP_SIZE: SNN_WORKGROUP_SIZE });
  return { step: { pipeline, buffers: [uniforms, b.elig, b.weights], workgroups: dispatchFor(device, shape.inWidth * shape.outWidth, SNN_WORKGROUP_SIZE) }, uniforms };
}
