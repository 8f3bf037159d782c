import { describe, expect, it } from 'vitest';
import { LnnStage } from '../../../src/services/lnn/stage';
import { fitOneStepCorrection } from '../../../src/services/lnn/lnn-forecast';
import { loadDefaultLnnModel } from '../../../src/services/lnn/default-model';
import { LnnService } from '../../../src/services/lnn/service';

interface Next { step: number; value: number; low: number; high: number }

/** The trained births CfC (CPU path), adapted online to each series it is given. */
async function forecast(series: number[]) {
  const lnn = new LnnService(null, { backend: 'cpu', model: await loadDefaultLnnModel() });
  try {
    const stage = new LnnStage(lnn, lnn.model);
    const r = await stage.run({ request: { id: 't', series: Float32Array.from(series), timeoutMs: 10_000 } });
    return { ...r, next: (r.output as { next: Next[] }).next };
  } finally {
    lnn.destroy();
  }
}

describe('LNN forecasts adapted to the series', () => {
  it('a constant series forecasts the constant, with a zero-width interval', async () => {
    const r = await forecast(Array(40).fill(1234));
    expect(r.next).toHaveLength(3);
    for (const n of r.next) {
      expect(n.value).toBeCloseTo(1234, 2);
      expect(n.high - n.low).toBeLessThan(0.01);
    }
    expect(r.decision).toMatch(/^next 1,234 \(95 % interval/);
  });

  it('a linear ramp continues the ramp (next three values within 0.5 of the line)', async () => {
    const ramp = Array.from({ length: 56 }, (_, i) => 100 + 2 * i);
    const r = await forecast(ramp);
    r.next.forEach((n, i) => expect(Math.abs(n.value - (100 + 2 * (56 + i)))).toBeLessThan(0.5));
  });

  it('daily births-like data (weekly pattern): the interval contains the forecast and widens with the horizon', async () => {
    const week = [11000, 12500, 12300, 12100, 12000, 9000, 8200];
    const series = Array.from({ length: 56 }, (_, i) => week[i % 7] + 50 * Math.sin(i));
    const r = await forecast(series);
    for (const n of r.next) expect(n.low).toBeLessThanOrEqual(n.value), expect(n.high).toBeGreaterThanOrEqual(n.value);
    expect(r.next[2].high - r.next[2].low).toBeGreaterThan(r.next[0].high - r.next[0].low);
    expect(r.energyPj).toBeGreaterThan(0);
  });

  it('the correction fit recovers an exact linear rule', () => {
    const z = [0, 1, 2, 3, 4, 5];
    const k = fitOneStepCorrection(z, z.map(() => 0.3));
    expect(k.b).toBeCloseTo(1, 3);
    expect(k.sigma).toBeLessThan(1e-2);
  });
});
