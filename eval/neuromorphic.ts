/**
 * `npm run eval -- neuromorphic`: the committed spiking digit classifier (public/models/aura-snn-digits)
 * on the digits test split, through the runtime's NeuromorphicService (CPU path; `--gpu`: Dawn), for
 * 4, 8 and 16 time steps: accuracy, counted spikes, synaptic operations and energy per image (the
 * service's own Horowitz 45 nm counter), next to logistic regression and a same-size MLP fitted in the
 * same run (their MACs × 4.6 pJ).
 */
import { shapeSeriesCpu } from '../src/kernels/series-shape';
import { SNN_E_MAC_PJ } from '../src/metrics/energy';
import { loadDefaultSnnClassifier, SNN_DIGITS_TIME_STEPS } from '../src/services/neuromorphic/default-model';
import { NeuromorphicService } from '../src/services/neuromorphic/service';
import { evalGpu, fixed, machineLine, markdownTable, runBaseline } from './common';
import type { EvalOptions, EvalReport } from './types';

interface DigitsBaselines {
  test: { images: number[][]; labels: number[] };
  baselines: Array<{ name: string; accuracy: number; macs: number; fitSeconds: number }>;
}

const STEPS = [4, 8, 16];

export async function evaluate(options: EvalOptions): Promise<EvalReport> {
  const classifier = await loadDefaultSnnClassifier();
  const hidden = classifier.network.layers.map((l) => l.outputs);
  // The MLP baseline has the spiking network's layer sizes.
  const data = runBaseline<DigitsBaselines>('eval/baselines/digits.py', hidden.map(String));
  const ctx = await evalGpu(options.gpu);
  const name = `spiking 64-${hidden.map((h) => `${h}(LIF)`).join('-')}-readout ${classifier.labels.length}`;
  const snn = new NeuromorphicService(ctx ?? null, { backend: ctx ? 'gpu' : 'cpu', classifier });
  // The runtime's own shaping of a 64-value series (min–max into [0, 1]), as the pipeline stage does it.
  const inputs = data.test.images.map((image) => shapeSeriesCpu(image, snn.inputWidth));
  const n = inputs.length;
  const runs = [];
  for (const timeSteps of STEPS) {
    const r = await snn.process({ input: inputs, timeSteps });
    const correct = r.classes!.filter((c, i) => Number(c.label) === data.test.labels[i]).length;
    runs.push({
      timeSteps, default: timeSteps === SNN_DIGITS_TIME_STEPS, accuracy: correct / n,
      meanProbability: r.classes!.reduce((s, c) => s + c.probability, 0) / n,
      inputSpikesPerImage: r.inputSpikeCount / n, spikesPerImage: r.spikeCount / n,
      synapticOpsPerImage: r.synapticOps / n, macsPerImage: r.macs / n, energyPjPerImage: r.energyPj / n,
      path: r.path, wallMs: r.timing.wallMs,
    });
  }
  snn.destroy();
  ctx?.destroy();
  const baselines = data.baselines.map((b) => ({ ...b, energyPjPerImage: b.macs * SNN_E_MAC_PJ }));
  const mlp = baselines.find((b) => b.name.startsWith('MLP'))!;
  const table = markdownTable(
    ['model', 'T', 'test accuracy', 'input spikes / image', 'LIF spikes / image', 'SOPs / image', 'MACs / image', 'energy / image', 'vs MLP energy'],
    [
      ...runs.map((r) => [`${name}${r.default ? ' (default T)' : ''}`, r.timeSteps, `${fixed(100 * r.accuracy, 2)} %`, fixed(r.inputSpikesPerImage), fixed(r.spikesPerImage), fixed(r.synapticOpsPerImage, 0), fixed(r.macsPerImage, 0), `${fixed(r.energyPjPerImage / 1000, 2)} nJ`, `${fixed(r.energyPjPerImage / mlp.energyPjPerImage, 3)}×`]),
      ...baselines.map((b) => [b.name, '–', `${fixed(100 * b.accuracy, 2)} %`, '–', '–', '–', b.macs, `${fixed(b.energyPjPerImage / 1000, 2)} nJ`, `${fixed(b.energyPjPerImage / mlp.energyPjPerImage, 3)}×`]),
    ],
  );
  return { machine: machineLine(ctx), table: `${n} test images (hash split), energy: SOP × 0.9 pJ + MAC × 4.6 pJ (Horowitz, 45 nm)\n\n${table}`, testImages: n, runs, baselines };
}
