import type { NeuromorphicService } from '../../services/neuromorphic/service';
import type { ServiceStage, StageInput, StageResult } from '../stages';
import { SHAPED_ON_CPU, numbersOf, resample, unitScale } from './features';

export const SPIKE_TIME_STEPS = 25;

/**
 * The spiking network as a pipeline stage. The request's series (or, for text, its embedding) is
 * resampled to the network's input width, scaled into [0, 1] and rate-encoded over 25 steps; the
 * answer is the output neuron that fired most, its confidence that neuron's share of output spikes.
 */
export class NeuromorphicStage implements ServiceStage {
  readonly name = 'neuromorphic' as const;

  readonly embeddingPlacement = SHAPED_ON_CPU;

  constructor(private readonly snn: NeuromorphicService) {}

  async run(given: StageInput): Promise<StageResult> {
    const source = numbersOf(given);
    if (!source) return { decision: 'no numbers to encode', confidence: 0, energyPj: 0, energyModel: 'horowitz-45nm', path: this.snn.backend, output: null };
    const input = unitScale(resample(source, this.snn.inputWidth));
    const r = await this.snn.process({ input, timeSteps: SPIKE_TIME_STEPS, encoding: 'rate', raster: true });
    let best = 0;
    let total = 0;
    for (let i = 0; i < r.output.length; i++) {
      total += r.output[i];
      if (r.output[i] > r.output[best]) best = i;
    }
    return {
      decision: total > 0 ? `class ${best} of ${r.output.length} (rate ${r.output[best].toFixed(2)})` : 'no output spikes',
      confidence: total > 0 ? r.output[best] / total : 0,
      energyPj: r.energyPj,
      energyModel: r.energyModel,
      gpuMs: r.path === 'gpu' ? r.timing.ms : undefined,
      path: r.path,
      output: {
        rates: Array.from(r.output),
        spikeCount: r.spikeCount,
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
