import { STORAGE, bufferFrom, checkBindingSize, readFloat32 } from '../../gpu/buffers';
import { BufferPool } from '../../gpu/buffer-pool';
import { runCompute, type BufferCopy, type ComputeStep } from '../../gpu/compute';
import { contextOf, type GpuContext } from '../../gpu/device';
import { createSnnCounters, readSnnCounters, resetSnnCounters, snnCountStep, snnTickStep } from '../../kernels/snn-counters';
import { encodeStep, isCurrentEncoding } from '../../kernels/snn-encode';
import { createSnnInputFault, readSnnInputFault, snnInputCheckStep, type SnnInputFault } from '../../kernels/snn-input-check';
import { adaptStep, initialAdaptState, lifKernelParams, lifStep, SNN_STATE_PLANES, type LifKernelParams } from '../../kernels/snn-lif';
import { stdpApplyStep, stdpSteps } from '../../kernels/snn-stdp';
import { denseSynapseStep, eventSynapseSteps, transposeSnnWeights } from '../../kernels/snn-synapse';
import { snnFanout, type SnnNetwork } from './network';
import type { SnnRunRaw, SnnRunRequest } from './run-cpu';

/**
 * An input that already lives on the runner's device (`batch × input width` floats from `byteOffset`, a
 * multiple of 4). It is copied into the run's input buffer on the device and checked there: finite, and
 * within [0, 1] (|x| ≤ maxDirect for direct currents).
 */
export interface SnnResidentInput {
  buffer: GPUBuffer;
  byteOffset: number;
  maxDirect: number;
}

export type SnnGpuRunRequest = Omit<SnnRunRequest, 'input'> & { input: Float32Array | SnnResidentInput };

/** A GPU run's results; `inputFault` is set when a resident input failed its check (discard the rest). */
export type SnnGpuRunRaw = SnnRunRaw & { inputFault?: SnnInputFault };

interface LayerWeights {
  weights: GPUBuffer;
  bias: GPUBuffer;
  zeroBias: GPUBuffer;
  recurrent?: GPUBuffer;
  fanout: GPUBuffer;
  p: LifKernelParams;
}

/** Every input drives each neuron of the first layer. */
function inputFanout(net: SnnNetwork): Uint32Array {
  return new Uint32Array(net.layers[0].inputs).fill(net.layers[0].outputs);
}

/**
 * The GPU path: weights stay resident on the device (transposed, in × out, and learn there); a run of T steps is encoded as
 * one submission (T × the per-step dispatches, the clock advanced by a tick kernel), and only the
 * results are read back.
 */
export class SnnGpuRunner {
  private readonly layers: LayerWeights[];
  private readonly readout?: { weights: GPUBuffer; bias: GPUBuffer };
  private readonly counters: GPUBuffer;
  private readonly inputFanout: GPUBuffer;

  private readonly ctx: GpuContext;

  constructor(ctx: GpuContext, private readonly net: SnnNetwork, private readonly synapses: 'event' | 'dense' = 'event') {
    // Pinned to the device of this moment (a runtime's view moves on after a device loss; the weights do not).
    this.ctx = contextOf(ctx.device) ?? ctx;
    const { device } = this.ctx;
    this.layers = net.layers.map((layer, l) => ({
      weights: bufferFrom(device, transposeSnnWeights(layer.weights, layer.outputs, layer.inputs), STORAGE, `snn-w${l}`),
      bias: bufferFrom(device, layer.bias, STORAGE, `snn-b${l}`),
      zeroBias: bufferFrom(device, new Float32Array(layer.outputs), STORAGE, `snn-zero${l}`),
      recurrent: layer.recurrent && bufferFrom(device, transposeSnnWeights(layer.recurrent, layer.outputs, layer.outputs), STORAGE, `snn-rec${l}`),
      fanout: bufferFrom(device, snnFanout(net, l), STORAGE, `snn-fanout${l}`),
      p: lifKernelParams(layer.neuron, layer.thresholdGe),
    }));
    if (net.readout) {
      this.readout = { weights: bufferFrom(device, transposeSnnWeights(net.readout.weights, net.readout.outputs, net.readout.inputs), STORAGE, 'snn-readout-w'), bias: bufferFrom(device, net.readout.bias, STORAGE, 'snn-readout-b') };
    }
    this.counters = createSnnCounters(device);
    this.inputFanout = bufferFrom(device, inputFanout(net), STORAGE, 'snn-input-fanout');
  }

  /** The device the weights live on: a resident input must be on it. */
  get device(): GPUDevice {
    return this.ctx.device;
  }

  /** Reads a layer's weights back in nn.Linear layout (out × in); they change under R-STDP. */
  async weights(layer: number): Promise<Float32Array> {
    const { inputs, outputs } = this.net.layers[layer];
    return transposeSnnWeights(await readFloat32(this.ctx.device, this.layers[layer].weights, inputs * outputs), inputs, outputs);
  }

  async run(req: SnnGpuRunRequest): Promise<SnnGpuRunRaw> {
    const { device, pool } = this.ctx;
    const { batch, timeSteps } = req;
    const net = this.net;
    const L = net.layers.length;
    const owned: GPUBuffer[] = [];
    const pooled: GPUBuffer[] = [];
    const acquire = (floats: number, label: string, init?: Float32Array) => {
      // A clear BufferTooLargeError (split the batch, fewer steps) before any GPU work is encoded; the
      // pool rounds sizes up to a power of two, so check what it will allocate.
      checkBindingSize(device, BufferPool.bucketSize(Math.max(4, floats * 4)), label);
      const buffer = pool.acquire(Math.max(4, floats * 4), STORAGE, label);
      pooled.push(buffer);
      device.queue.writeBuffer(buffer, 0, (init ?? new Float32Array(floats)) as Float32Array<ArrayBuffer>);
      return buffer;
    };
    try {
      resetSnnCounters(device, this.counters);
      const inWidth = net.layers[0].inputs;
      const copies: BufferCopy[] = [];
      const steps: ComputeStep[] = [];
      let fault: GPUBuffer | undefined;
      let input: GPUBuffer;
      if (req.input instanceof Float32Array) {
        checkBindingSize(device, req.input.byteLength, 'snn-input');
        input = bufferFrom(device, req.input, STORAGE, 'snn-input');
        owned.push(input);
      } else {
        // Resident: copied on the device, then checked there before the first step (same submission).
        const bytes = batch * inWidth * 4;
        input = device.createBuffer({ size: bytes, usage: STORAGE, label: 'snn-input' });
        fault = createSnnInputFault(device);
        owned.push(input, fault);
        copies.push({ source: req.input.buffer, sourceOffset: req.input.byteOffset, destination: input, destinationOffset: 0, size: bytes });
        const check = snnInputCheckStep(device, { input, fault }, { count: batch * inWidth, direct: req.encoder.kind === 'direct', maxDirect: req.input.maxDirect });
        owned.push(check.uniforms);
        steps.push(check.step);
      }
      const encoded = acquire(batch * inWidth, 'snn-encoded');
      const inputCounts = acquire(batch * inWidth, 'snn-input-counts');
      const perStep: ComputeStep[] = [];
      const track = (r: { uniforms: GPUBuffer | GPUBuffer[] }) => owned.push(...([] as GPUBuffer[]).concat(r.uniforms));

      const enc = encodeStep(device, req.encoder, { input, encoded, counters: this.counters, inputCounts }, { count: batch * inWidth, width: inWidth, timeSteps });
      track(enc);
      perStep.push(enc.step);

      let x = encoded;
      const states: GPUBuffer[] = [];
      let lastSpikes = encoded;
      let lastAdapt = encoded;
      let raster = encoded;
      const maxWidth = Math.max(inWidth, ...net.layers.map((l) => l.outputs));
      const list = this.synapses === 'event' ? acquire(batch * maxWidth, 'snn-list') : undefined;
      const listCount = this.synapses === 'event' ? acquire(batch, 'snn-list-count') : undefined;
      let lastInput = encoded;
      net.layers.forEach((layer, l) => {
        const w = this.layers[l];
        const n = batch * layer.outputs;
        const current = acquire(n, 'snn-current');
        const spikes = acquire(n, 'snn-spikes');
        const state = acquire(SNN_STATE_PLANES * n, 'snn-state');
        const adapt = acquire(batch * 2, 'snn-adapt', initialAdaptState(w.p, batch));
        states.push(state);
        const isLast = l === L - 1;
        if (isLast && req.raster) raster = acquire(timeSteps * n, 'snn-raster');
        const spiking = !(l === 0 && isCurrentEncoding(req.encoder.kind));
        const shape = { batch, inWidth: layer.inputs, outWidth: layer.outputs };
        if (spiking && list && listCount) {
          const ev = eventSynapseSteps(device, shape, { weights: w.weights, bias: w.bias, x, current, counters: this.counters, list, listCount });
          track(ev);
          perStep.push(...ev.steps);
        } else {
          const dense = denseSynapseStep(device, { ...shape, countMacs: !spiking }, { weights: w.weights, bias: w.bias, x, current, counters: this.counters });
          track(dense);
          perStep.push(dense.step);
        }
        if (w.recurrent) {
          const recShape = { batch, inWidth: layer.outputs, outWidth: layer.outputs, accumulate: true };
          const b = { weights: w.recurrent, bias: w.zeroBias, x: spikes, current, counters: this.counters };
          if (list && listCount) {
            const ev = eventSynapseSteps(device, recShape, { ...b, list, listCount });
            track(ev);
            perStep.push(...ev.steps);
          } else {
            const dense = denseSynapseStep(device, recShape, b);
            track(dense);
            perStep.push(dense.step);
          }
        }
        const lif = lifStep(device, w.p, { current, adapt, state, spikes, counters: this.counters, raster }, { batch, width: layer.outputs, raster: isLast && !!req.raster });
        track(lif);
        perStep.push(lif.step);
        if (w.p.adaptive) {
          const ad = adaptStep(device, w.p.adaptive, spikes, adapt, { batch, width: layer.outputs });
          track(ad);
          perStep.push(ad.step);
        }
        if (isLast) {
          lastInput = x;
          lastSpikes = spikes;
          lastAdapt = adapt;
        }
        x = spikes;
      });

      const last = net.layers[L - 1];
      const learnShape = { batch, inWidth: last.inputs, outWidth: last.outputs };
      let elig: GPUBuffer | undefined;
      if (req.learn) {
        const traces = acquire(batch * (last.inputs + last.outputs), 'snn-traces');
        elig = acquire(last.inputs * last.outputs, 'snn-elig');
        const st = stdpSteps(device, req.learn.params, learnShape, { pre: lastInput, post: lastSpikes, traces, elig });
        track(st);
        perStep.push(...st.steps);
      }
      perStep.push(snnTickStep(device, this.counters));

      for (let t = 0; t < timeSteps; t++) steps.push(...perStep);

      // The spikes and their synaptic operations, counted from the tallies on the GPU.
      const count = snnCountStep(device, { tallies: inputCounts, fanout: this.inputFanout, counters: this.counters }, { count: batch * inWidth, width: inWidth, offset: 0, slot: 'inputSpikes' });
      track(count);
      steps.push(count.step);
      net.layers.forEach((layer, l) => {
        const m = batch * layer.outputs;
        const c = snnCountStep(device, { tallies: states[l], fanout: this.layers[l].fanout, counters: this.counters }, { count: m, width: layer.outputs, offset: 3 * m, slot: 'neuronSpikes' });
        track(c);
        steps.push(c.step);
      });

      const n = batch * last.outputs;
      const lastState = states[L - 1];
      let outputBuffer: GPUBuffer | undefined;
      if (net.readout && this.readout) {
        outputBuffer = acquire(batch * net.readout.outputs, 'snn-readout');
        const ro = denseSynapseStep(
          device,
          { batch, inWidth: net.readout.inputs, outWidth: net.readout.outputs, countMacs: true, xOffset: 3 * n, inputScale: 1 / timeSteps },
          { weights: this.readout.weights, bias: this.readout.bias, x: lastState, current: outputBuffer, counters: this.counters },
        );
        track(ro);
        steps.push(ro.step);
      }
      if (req.learn && elig) {
        const ap = stdpApplyStep(device, req.learn.params, learnShape, req.learn.reward, { elig, weights: this.layers[L - 1].weights });
        track(ap);
        steps.push(ap.step);
      }

      const timing = await runCompute(device, steps, { copiesFirst: copies });
      const inputFault = fault && (await readSnnInputFault(device, fault));

      const counts = await readSnnCounters(device, this.counters);
      let sumAbsCurrent = 0;
      let lastStateData: Float32Array = new Float32Array(0);
      for (let l = 0; l < L; l++) {
        const m = batch * net.layers[l].outputs;
        const data = await readFloat32(device, states[l], SNN_STATE_PLANES * m);
        for (let i = 4 * m; i < 5 * m; i++) sumAbsCurrent += data[i];
        if (l === L - 1) lastStateData = data;
      }
      const output = outputBuffer ? await readFloat32(device, outputBuffer, batch * net.readout!.outputs) : lastStateData.slice(3 * n, 4 * n).map((c) => c / timeSteps);
      const adapt = await readFloat32(device, lastAdapt, batch * 2);
      const threshold = new Float32Array(batch);
      for (let r = 0; r < batch; r++) threshold[r] = adapt[r * 2 + 1];
      const rasterData = req.raster ? await readFloat32(device, raster, timeSteps * n) : undefined;
      return {
        path: 'gpu', batch, timeSteps,
        counts: { sop: counts.sop, mac: counts.mac, neuronSpikes: counts.neuronSpikes, inputSpikes: counts.inputSpikes },
        output, membrane: lastStateData.slice(0, n), threshold, sumAbsCurrent, raster: rasterData,
        ms: timing.ms, timingSource: timing.source,
        ...(inputFault && (inputFault.firstNonFinite >= 0 || inputFault.firstOutOfRange >= 0) ? { inputFault } : {}),
      };
    } finally {
      for (const b of owned) b.destroy();
      pool.release(...pooled);
    }
  }

  destroy(): void {
    for (const l of this.layers) {
      l.weights.destroy();
      l.bias.destroy();
      l.zeroBias.destroy();
      l.recurrent?.destroy();
      l.fanout.destroy();
    }
    this.readout?.weights.destroy();
    this.readout?.bias.destroy();
    this.counters.destroy();
    this.inputFanout.destroy();
  }
}
