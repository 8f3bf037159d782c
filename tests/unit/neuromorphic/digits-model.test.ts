import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shapeSeriesCpu } from '../../../src/kernels/series-shape';
import { loadDefaultSnnClassifier, SNN_DIGITS_TIME_STEPS } from '../../../src/services/neuromorphic/default-model';
import { NeuromorphicService } from '../../../src/services/neuromorphic/service';
import { TOLERANCE, maxAbsDiff, withGpu } from '../../helpers/gpu';

/**
 * Parity with the training side (training/neuromorphic/train.py, plain torch with snnTorch's Leaky
 * equations): the committed model, run by the runtime on the fixture's 12 test images, fires exactly the
 * spikes torch fired (the last layer's spike by spike, every layer's count) and gives its readout logits.
 */
interface Fixture {
  images: number[][];
  inputs: number[][];
  labels: number[];
  /** Per T: the last layer's spikes (T × images × neurons), the logits, and each layer's spike count per image. */
  steps: Record<string, { raster: number[][][]; output: number[][]; layerSpikes: number[][] }>;
}
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/aura-snn-digits/fixture.json', import.meta.url), 'utf8')) as Fixture;
/** The readout is a 128-term f32 sum in another order than torch's: a reduction tolerance on logits of size ~10. */
const LOGIT_TOLERANCE = TOLERANCE.f32Reduction;

async function checkParity(snn: NeuromorphicService) {
  for (const [steps, expected] of Object.entries(fixture.steps)) {
    const r = await snn.process({ input: fixture.inputs, timeSteps: Number(steps), raster: true });
    const spikes = Uint8Array.from(expected.raster.flat(2));
    expect(r.raster!.spikes.length).toBe(spikes.length);
    let differing = 0;
    for (let i = 0; i < spikes.length; i++) if (r.raster!.spikes[i] !== spikes[i]) differing++;
    expect(differing, `T=${steps}: spikes that differ from torch`).toBe(0);
    // The raster is the last layer's; the earlier layers' spikes are checked through the run's count of all LIF spikes.
    const perLayer = expected.layerSpikes.map((images) => images.reduce((a, b) => a + b, 0));
    expect(perLayer.length).toBe(snn.classifier!.network.layers.length);
    expect(perLayer[perLayer.length - 1]).toBe(spikes.reduce((a, b) => a + b, 0));
    expect(r.spikeCount, `T=${steps}: LIF spikes of all layers`).toBe(perLayer.reduce((a, b) => a + b, 0));
    expect(maxAbsDiff(r.output, expected.output.flat())).toBeLessThanOrEqual(LOGIT_TOLERANCE);
    r.classes!.forEach((c, b) => {
      const row = expected.output[b];
      expect(c.index).toBe(row.indexOf(Math.max(...row)));
    });
  }
}

describe('the default spiking digit classifier (public/models/aura-snn-digits)', () => {
  it('CPU path: spikes identical to the training side, logits within f32 reduction tolerance', async () => {
    const snn = new NeuromorphicService(null, { backend: 'cpu', classifier: await loadDefaultSnnClassifier() });
    await checkParity(snn);
  });

  it('GPU path (Dawn): spikes identical to the training side, logits within f32 reduction tolerance', () =>
    withGpu(async (ctx) => {
      const snn = new NeuromorphicService(ctx, { backend: 'gpu', classifier: await loadDefaultSnnClassifier() });
      try {
        await checkParity(snn);
      } finally {
        snn.destroy();
      }
    }));

  it('answers a raw 64-value image (shaped as the pipeline does) with its digit and a softmax probability', async () => {
    const snn = new NeuromorphicService(null, { backend: 'cpu', classifier: await loadDefaultSnnClassifier() });
    const inputs = fixture.images.map((image) => shapeSeriesCpu(image, snn.inputWidth));
    inputs.forEach((x, i) => expect(Array.from(x)).toEqual(fixture.inputs[i].map(Math.fround)));
    const r = await snn.process({ input: inputs });
    const correct = r.classes!.filter((c, i) => c.label === String(fixture.labels[i])).length;
    expect(correct).toBeGreaterThanOrEqual(11);
    for (const c of r.classes!) {
      expect(c.probability).toBeGreaterThan(0.1);
      expect(c.probability).toBeLessThanOrEqual(1);
    }
    expect(r.path).toBe('cpu');
  });
});

describe('the neuromorphic stage with the default digit classifier', () => {
  it('a request whose series is an image\'s 64 values is answered with its digit and probability', async () => {
    const { NeuromorphicStage } = await import('../../../src/services/neuromorphic/stage');
    const { validateRequest } = await import('../../../src/core/request');
    const snn = new NeuromorphicService(null, { backend: 'cpu', classifier: await loadDefaultSnnClassifier() });
    const stage = new NeuromorphicStage(snn);
    const r = await stage.run({ request: validateRequest({ series: fixture.images[0] }) });
    const expected = fixture.steps[String(SNN_DIGITS_TIME_STEPS)].output[0];
    const digit = expected.indexOf(Math.max(...expected));
    expect(r.decision).toMatch(new RegExp(`^${digit} \\(p 0\\.\\d\\d|^${digit} \\(p 1\\.00`));
    expect((r.output as { label: string }).label).toBe(String(digit));
    expect(r.confidence).toBeGreaterThan(0.5);
  });
});
