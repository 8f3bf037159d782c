import { emptySnnCounts, type SnnCounts } from '../../kernels/snn-counters';
import { encodeStepCpu, isCurrentEncoding, type EncoderParams } from '../../kernels/snn-encode';
import { adaptStepCpu, initialAdaptState, lifKernelParams, lifStepCpu, SNN_STATE_PLANES } from '../../kernels/snn-lif';
import { stdpApplyCpu, stdpStepCpu, type StdpParams } from '../../kernels/snn-stdp';
import { synapseCpu } from '../../kernels/snn-synapse';
import { snnFanout, type SnnNetwork } from './network';
import { synapsePassFor } from './synapse-cpu';

/** What a run of the network returns, from either path, before the service shapes the response. */
export interface SnnRunRaw {
  path: 'gpu' | 'cpu';
  batch: number;
  timeSteps: number;
  counts: SnnCounts;
  /** batch × outputs: the readout, or the last layer's firing rate (count / T). */
  output: Float32Array;
  /** batch × last-layer width: membrane potential after the last step. */
  membrane: Float32Array;
  /** Per batch row: the last layer's (adaptive) threshold after the last step. */
  threshold: Float32Array;
  /** Σ|i| over all neurons and steps. */
  sumAbsCurrent: number;
  /** T × batch × last-layer width, 0/1, when asked for. */
  raster?: Float32Array;
  ms: number;
  timingSource: 'gpu-timestamp' | 'cpu';
}

export interface SnnRunRequest {
  /** batch × input width; for a recorded input (encoder kind recorded-*), timeSteps × batch × input width. */
  input: Float32Array;
  batch: number;
  timeSteps: number;
  encoder: EncoderParams;
  raster?: boolean;
  /** R-STDP on the last layer's synapses with this reward, applied after the run. */
  learn?: { params: StdpParams; reward: number };
}

/**
 * The CPU reference of a whole run (and the CPU path): the same steps in the same order as the GPU
 * path (encode; per layer synapses, recurrent synapses, LIF, adaptation; STDP; readout), f32-rounded
 * as the kernels are. Learning updates `net` in place.
 */
export function runSnnCpu(net: SnnNetwork, req: SnnRunRequest): SnnRunRaw {
  const start = performance.now();
  const { batch, timeSteps } = req;
  const counts = emptySnnCounts();
  const L = net.layers.length;
  const inWidth = net.layers[0].inputs;
  const encoded = new Float32Array(batch * inWidth);
  const direct = isCurrentEncoding(req.encoder.kind);
  const layers = net.layers.map((layer, l) => {
    const p = lifKernelParams(layer.neuron, layer.thresholdGe);
    const n = batch * layer.outputs;
    return {
      layer, p, fanout: snnFanout(net, l), current: new Float32Array(n), spikes: new Float32Array(n),
      state: new Float32Array(SNN_STATE_PLANES * n), adapt: initialAdaptState(p, batch), zeroBias: new Float32Array(layer.outputs),
      // Shapes and passes made once per run: a step allocates nothing.
      forward: synapsePassFor(layer.weights, layer.inputs, layer.outputs),
      forwardShape: { batch, inWidth: layer.inputs, outWidth: layer.outputs, countMacs: l === 0 && direct },
      recurrent: layer.recurrent ? synapsePassFor(layer.recurrent, layer.outputs, layer.outputs) : undefined,
      recurrentShape: { batch, inWidth: layer.outputs, outWidth: layer.outputs, accumulate: true },
    };
  });
  const last = layers[L - 1];
  const raster = req.raster ? new Float32Array(timeSteps * batch * last.layer.outputs) : undefined;
  const learn = req.learn;
  const lastIn = last.layer.inputs;
  const traces = learn ? new Float32Array(batch * (lastIn + last.layer.outputs)) : undefined;
  const elig = learn ? new Float32Array(lastIn * last.layer.outputs) : undefined;

  for (let t = 0; t < timeSteps; t++) {
    encodeStepCpu(req.encoder, req.input, inWidth, timeSteps, t, net.layers[0].outputs, encoded, counts);
    let x = encoded;
    for (let l = 0; l < L; l++) {
      const s = layers[l];
      s.forward.run(s.forwardShape, s.layer.bias, x, s.current, counts);
      s.recurrent?.run(s.recurrentShape, s.zeroBias, s.spikes, s.current, counts);
      lifStepCpu(s.p, s.layer.outputs, s.current, s.adapt, s.state, s.spikes, s.fanout, counts, s === last && raster ? { data: raster, step: t } : undefined);
      if (s.p.adaptive) adaptStepCpu(s.p.adaptive, s.layer.outputs, s.spikes, s.adapt);
      if (l < L - 1) x = s.spikes;
    }
    if (learn && traces && elig) stdpStepCpu(learn.params, batch, lastIn, last.layer.outputs, x, last.spikes, traces, elig);
  }

  const n = batch * last.layer.outputs;
  const spikeCounts = last.state.subarray(3 * n, 4 * n);
  let output: Float32Array;
  if (net.readout) {
    output = new Float32Array(batch * net.readout.outputs);
    synapseCpu(
      { batch, inWidth: net.readout.inputs, outWidth: net.readout.outputs, countMacs: true, inputScale: 1 / timeSteps },
      net.readout.weights, net.readout.bias, spikeCounts, output, counts,
    );
  } else {
    output = spikeCounts.map((c) => c / timeSteps);
  }
  if (learn && elig) {
    stdpApplyCpu(learn.params, learn.reward, elig, last.layer.weights);
    last.forward.invalidate();
  }

  let sumAbsCurrent = 0;
  for (const s of layers) {
    const m = batch * s.layer.outputs;
    for (let i = 4 * m; i < 5 * m; i++) sumAbsCurrent += s.state[i];
  }
  const threshold = new Float32Array(batch);
  for (let r = 0; r < batch; r++) threshold[r] = last.adapt[r * 2 + 1];
  return {
    path: 'cpu', batch, timeSteps, counts, output, membrane: last.state.slice(0, n), threshold, sumAbsCurrent, raster,
    ms: performance.now() - start, timingSource: 'cpu',
  };
}
