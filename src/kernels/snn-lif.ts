import type { ComputeStep } from '../gpu/compute';
import { dispatchFor, foldDispatch } from '../gpu/dispatch';
import { declareKernel } from '../gpu/kernel';
import { declaredStep } from './declared-step';
import type { SnnCounts } from './snn-counters';
import { SNN_WORKGROUP_SIZE } from './snn-encode';

/**
 * A layer's neurons, in one of three semantics (see shaders/wgsl/snn-lif.wgsl):
 * - 'aura': the predecessor's current-based LIF (τ_mem = 10, τ_syn = 5, dt = 1 ms, θ = 1, reset to 0,
 *   5-step refractory period, adaptive threshold θ_a = θ + 0.1·(rate − 0.05), rate ← 0.95·rate + 0.05·mean(spikes)).
 * - 'snntorch': snn.Leaky(beta, threshold, reset_mechanism, reset_delay): with reset_delay=True (snnTorch's
 *   default) a spike's reset lands on the next step; with false it is applied in the step that fires.
 * - 'norse': LIFParameters + lif_feed_forward_step (defaults tau_mem_inv 100, tau_syn_inv 200, v_th 1, dt 0.001).
 */
export type SnnNeuron =
  | {
      model: 'aura';
      tauMem?: number;
      tauSyn?: number;
      dt?: number;
      threshold?: number;
      vReset?: number;
      refractorySteps?: number;
      rateDecay?: number;
      rateGain?: number;
      thetaGain?: number;
      targetRate?: number;
    }
  | { model: 'snntorch'; beta: number; threshold?: number; reset?: 'subtract' | 'zero' | 'none'; resetDelay?: boolean }
  | { model: 'norse'; tauMemInv?: number; tauSynInv?: number; vLeak?: number; vTh?: number; vReset?: number; dt?: number };

export interface AdaptiveThreshold {
  theta: number;
  rateDecay: number;
  rateGain: number;
  thetaGain: number;
  target: number;
}

/** The numbers the LIF kernel sees (f32-rounded), from a neuron description. */
export interface LifKernelParams {
  model: 0 | 1 | 2;
  reset: 0 | 1 | 2;
  /** Threshold test `≥` (GeNN) instead of `>` (snnTorch, Norse, Lava). */
  ge: boolean;
  /** snnTorch reset_delay (true for the other models, where it has no meaning). */
  resetDelay: boolean;
  a: number;
  b: number;
  threshold: number;
  vReset: number;
  vLeak: number;
  refractory: number;
  adaptive: AdaptiveThreshold | null;
}

export const SNN_STATE_PLANES = 5; // v, i, refractory left, spike count, Σ|i|

export function lifKernelParams(neuron: SnnNeuron, ge = false): LifKernelParams {
  const f = Math.fround;
  if (neuron.model === 'aura') {
    const dt = neuron.dt ?? 1;
    const theta = f(neuron.threshold ?? 1);
    return {
      model: 0, reset: 0, ge, resetDelay: true,
      a: f(Math.exp(-dt / (neuron.tauSyn ?? 5))),
      b: f(dt / (neuron.tauMem ?? 10)),
      threshold: theta,
      vReset: f(neuron.vReset ?? 0),
      vLeak: 0,
      refractory: neuron.refractorySteps ?? 5,
      adaptive: {
        theta,
        rateDecay: f(neuron.rateDecay ?? 0.95),
        rateGain: f(neuron.rateGain ?? 0.05),
        thetaGain: f(neuron.thetaGain ?? 0.1),
        target: f(neuron.targetRate ?? 0.05),
      },
    };
  }
  if (neuron.model === 'snntorch') {
    const reset = { subtract: 0, zero: 1, none: 2 }[neuron.reset ?? 'subtract'] as 0 | 1 | 2;
    // snnTorch clamps beta to [0, 1] in the state function.
    return { model: 1, reset, ge, resetDelay: neuron.resetDelay !== false, a: f(Math.min(Math.max(neuron.beta, 0), 1)), b: 0, threshold: f(neuron.threshold ?? 1), vReset: 0, vLeak: 0, refractory: 0, adaptive: null };
  }
  const dt = f(neuron.dt ?? 0.001);
  // Norse: dv = dt * tau_mem_inv * (...), di = -dt * tau_syn_inv * i; the products are f32 tensors.
  return {
    model: 2, reset: 0, ge, resetDelay: true,
    a: f(dt * f(neuron.tauMemInv ?? 100)),
    b: f(dt * f(neuron.tauSynInv ?? 200)),
    threshold: f(neuron.vTh ?? 1),
    vReset: f(neuron.vReset ?? 0),
    vLeak: f(neuron.vLeak ?? 0),
    refractory: 0,
    adaptive: null,
  };
}

/** Initial adaptation state per batch row: [rate, θ_a], with the rate at its target so θ_a starts at θ. */
export function initialAdaptState(p: LifKernelParams, batch: number): Float32Array {
  const adapt = new Float32Array(batch * 2);
  for (let r = 0; r < batch; r++) {
    adapt[r * 2] = p.adaptive?.target ?? 0;
    adapt[r * 2 + 1] = p.adaptive?.theta ?? p.threshold;
  }
  return adapt;
}

function crosses(p: LifKernelParams, v: number, threshold: number): boolean {
  const d = Math.fround(v - threshold);
  return p.ge ? d >= 0 : d > 0;
}

/**
 * CPU reference of one LIF step for `current.length` neurons (batch × width), f32-rounded in the
 * kernel's order. `state` holds SNN_STATE_PLANES planes; `raster`, when given, gets this step's spikes.
 */
export function lifStepCpu(
  p: LifKernelParams, width: number, current: Float32Array, adapt: Float32Array, state: Float32Array,
  spikes: Float32Array, fanout: Uint32Array, counts: SnnCounts, raster?: { data: Float32Array; step: number },
): void {
  const f = Math.fround;
  const n = current.length;
  for (let i = 0; i < n; i++) {
    const input = current[i];
    let v = state[i];
    let syn = state[n + i];
    let refr = state[2 * n + i];
    let spike = false;
    let absI = 0;
    if (p.model === 0) {
      syn = f(f(syn * p.a) + input);
      absI = Math.abs(syn);
      if (refr > 0) {
        refr = f(refr - 1);
        v = p.vReset;
      } else {
        v = f(v + f(f(syn - v) * p.b));
        spike = crosses(p, v, adapt[Math.floor(i / width) * 2 + 1]);
        if (spike) {
          v = p.vReset;
          refr = p.refractory;
        }
      }
    } else if (p.model === 1) {
      const resetPrev = crosses(p, v, p.threshold);
      absI = Math.abs(input);
      if (p.reset === 0) v = f(f(f(p.a * v) + input) - (resetPrev ? p.threshold : 0));
      else if (p.reset === 1) v = f(f(p.a * (resetPrev ? 0 : v)) + input);
      else v = f(f(p.a * v) + input);
      spike = crosses(p, v, p.threshold);
      if (!p.resetDelay) {
        // snnTorch: do_reset = spk − reset ("avoid double reset"), applied to this step's membrane.
        const doReset = (spike ? 1 : 0) - (resetPrev ? 1 : 0);
        if (p.reset === 0) v = f(v - doReset * p.threshold);
        else if (p.reset === 1) v = f(v - doReset * v);
      }
    } else {
      const vDecayed = f(v + f(p.a * f(f(p.vLeak - v) + syn)));
      const iDecayed = f(syn + f(-p.b * syn));
      spike = crosses(p, vDecayed, p.threshold);
      v = spike ? p.vReset : vDecayed;
      syn = f(iDecayed + input);
      absI = Math.abs(syn);
    }
    state[i] = v;
    state[n + i] = syn;
    state[2 * n + i] = refr;
    state[4 * n + i] = f(state[4 * n + i] + absI);
    spikes[i] = spike ? 1 : 0;
    if (spike) {
      state[3 * n + i] += 1;
      counts.neuronSpikes++;
      counts.sop += fanout[i % width];
    }
    if (raster) raster.data[raster.step * n + i] = spike ? 1 : 0;
  }
}

/** CPU reference of the adaptive threshold update (snn-adapt.wgsl) after a step. */
export function adaptStepCpu(a: AdaptiveThreshold, width: number, spikes: Float32Array, adapt: Float32Array): void {
  const f = Math.fround;
  const batch = spikes.length / width;
  for (let r = 0; r < batch; r++) {
    let sum = 0;
    for (let j = 0; j < width; j++) if (spikes[r * width + j] !== 0) sum++;
    const mean = f(sum / width);
    const rate = f(f(a.rateDecay * adapt[r * 2]) + f(a.rateGain * mean));
    adapt[r * 2] = rate;
    adapt[r * 2 + 1] = f(a.theta + f(a.thetaGain * f(rate - a.target)));
  }
}

export interface LifBuffers {
  current: GPUBuffer;
  adapt: GPUBuffer;
  state: GPUBuffer;
  spikes: GPUBuffer;
  /** Holds the step clock (read for the raster). */
  counters: GPUBuffer;
  raster: GPUBuffer;
}

/** One LIF step (shaders/wgsl/snn-lif.wgsl); MODEL, RESET, GE and RESET_DELAY are set per neuron model. */
export const SNN_LIF_KERNEL = declareKernel({
  shader: 'snn-lif',
  constants: { WORKGROUP_SIZE: SNN_WORKGROUP_SIZE },
  workgroupSize: SNN_WORKGROUP_SIZE,
  uniforms: { count: 'u32', width: 'u32', raster: 'u32', refractory: 'u32', a: 'f32', b: 'f32', threshold: 'f32', vReset: 'f32', vLeak: 'f32' },
  bindings: ['current', 'adapt', 'state', 'spikes', 'counters', 'raster'],
});

/** The adaptive-threshold update, one workgroup per batch row (shaders/wgsl/snn-adapt.wgsl). */
export const SNN_ADAPT_KERNEL = declareKernel({
  shader: 'snn-adapt',
  constants: { WORKGROUP_SIZE: SNN_WORKGROUP_SIZE },
  workgroupSize: SNN_WORKGROUP_SIZE,
  uniforms: { batch: 'u32', width: 'u32', theta: 'f32', rateDecay: 'f32', rateGain: 'f32', thetaGain: 'f32', targetRate: 'f32' },
  bindings: ['spikes', 'adapt'],
});

/** One LIF step on the GPU for batch × width neurons. Returns the step and the uniforms it owns. */
export function lifStep(
  device: GPUDevice, p: LifKernelParams, b: LifBuffers, shape: { batch: number; width: number; raster: boolean },
  workgroupSize = SNN_WORKGROUP_SIZE,
): { step: ComputeStep; uniforms: GPUBuffer } {
  const count = shape.batch * shape.width;
  return declaredStep(device, {
    kernel: SNN_LIF_KERNEL,
    uniforms: { count, width: shape.width, raster: shape.raster ? 1 : 0, refractory: p.refractory, a: p.a, b: p.b, threshold: p.threshold, vReset: p.vReset, vLeak: p.vLeak },
    buffers: { current: b.current, adapt: b.adapt, state: b.state, spikes: b.spikes, counters: b.counters, raster: b.raster },
    workgroups: dispatchFor(device, count, workgroupSize),
    constants: { WORKGROUP_SIZE: workgroupSize, MODEL: p.model, RESET: p.reset, GE: p.ge ? 1 : 0, RESET_DELAY: p.resetDelay ? 1 : 0 },
  });
}

/** The adaptive-threshold update on the GPU (one workgroup per batch row). */
export function adaptStep(
  device: GPUDevice, a: AdaptiveThreshold, spikes: GPUBuffer, adapt: GPUBuffer, shape: { batch: number; width: number },
  workgroupSize = SNN_WORKGROUP_SIZE,
): { step: ComputeStep; uniforms: GPUBuffer } {
  return declaredStep(device, {
    kernel: SNN_ADAPT_KERNEL,
    uniforms: { batch: shape.batch, width: shape.width, theta: a.theta, rateDecay: a.rateDecay, rateGain: a.rateGain, thetaGain: a.thetaGain, targetRate: a.target },
    buffers: { spikes, adapt },
    workgroups: foldDispatch(shape.batch, device.limits.maxComputeWorkgroupsPerDimension),
    constants: { WORKGROUP_SIZE: workgroupSize },
  });
}
