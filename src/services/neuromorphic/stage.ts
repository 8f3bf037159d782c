import type { GpuContext } from '../../gpu/device';
import { shapeSeriesCpu, shapeSeriesGpu } from '../../kernels/series-shape';
import type { NeuromorphicService } from './service';
import { tensorValues } from '../../gpu/tensor';
import type { ValidRequest } from '../../core/request';
import type { ServiceStage, StageInput, StageResult } from '../service-stage';
import { macEnergyPj } from '../../metrics/energy';
import type { SnnNetwork } from './network';

export const SPIKE_TIME_STEPS = 25;

/**
 * The spiking network as a pipeline stage. The request's series (or, for text, its embedding) is
 * resampled to the network's input width and scaled into [0, 1]. A classifier (the default digits
 * model) runs it with its own encoding and time steps and answers its top label with the softmax
 * probability; any other network is rate-encoded over 25 steps and answers the output neuron that fired
 * most, its confidence that neuron's share of output spikes.
 */
export class NeuromorphicStage implements ServiceStage {
  readonly name = 'neuromorphic' as const;

  /** `gpu`: the network's device, where an embedding that lives there is shaped without a read-back. */
  constructor(private readonly snn: NeuromorphicService, private readonly gpu?: GpuContext) {}

  /** The embedding is read only for a request without a series. */
  embeddingPlacement(request: ValidRequest) {
    return request.series ? undefined : { path: this.snn.backend, device: this.snn.device };
  }

  async run({ request, embedding }: StageInput): Promise<StageResult> {
    const tensor = request.series ? undefined : embedding?.tensor;
    if (!request.series && !tensor) return { decision: 'no numbers to encode', confidence: 0, energyPj: 0, energyModel: 'horowitz-45nm', path: this.snn.backend, output: null };
    const width = this.snn.inputWidth;
    const resident = tensor?.kind === 'gpu' && this.gpu?.device === tensor.device ? await shapeSeriesGpu(this.gpu, tensor, width) : undefined;
    const input = resident ?? shapeSeriesCpu(request.series ?? (await tensorValues(tensor!)), width);
    const classifier = this.snn.classifier;
    const run = classifier ? { timeSteps: classifier.timeSteps, encoding: classifier.encoding } : { timeSteps: SPIKE_TIME_STEPS, encoding: 'rate' as const };
    const r = await this.snn.process({ input, ...run, raster: true }).finally(() => resident?.destroy());
    const top = r.classes?.[0];
    let best = 0;
    let total = 0;
    for (let i = 0; i < r.output.length; i++) {
      total += r.output[i];
      if (r.output[i] > r.output[best]) best = i;
    }
    return {
      decision: top ? `${top.label} (p ${top.probability.toFixed(2)})` : total > 0 ? `class ${best} of ${r.output.length} (rate ${r.output[best].toFixed(2)})` : 'no output spikes',
      confidence: top ? top.probability : total > 0 ? r.output[best] / total : 0,
      energyPj: r.energyPj,
      energyModel: r.energyModel,
      gpuMs: r.path === 'gpu' ? r.timing.ms : undefined,
      path: r.path,
      output: {
        ...(top ? { label: top.label, probability: top.probability, logits: Array.from(r.output) } : { rates: Array.from(r.output) }),
        spikeCount: r.spikeCount,
        // The same-size ANN: one pass of the same layers as dense multiply-accumulates (no time steps).
        annEnergyPj: classifier ? macEnergyPj(denseMacs(classifier.network)) : undefined,
        spikeRate: r.spikeRate,
        sparsity: r.sparsity,
        energyPerSpikePj: r.energyPerSpikePj,
        membrane: Array.from(r.membrane),
        threshold: Array.from(r.threshold),
        raster: r.raster && { timeSteps: r.raster.timeSteps, neurons: r.raster.neurons, spikes: Array.from(r.raster.spikes) },
      },
    };
  }
}

/** Multiply-accumulates of one dense pass through the network's layers and readout. */
export function denseMacs(net: SnnNetwork): number {
  return net.layers.reduce((n, l) => n + l.inputs * l.outputs, 0) + (net.readout ? net.readout.inputs * net.readout.outputs : 0);
}
