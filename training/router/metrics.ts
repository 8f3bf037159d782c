/** Router metrics shared by the training script and `npm run eval -- router`. */
import { NO_FIT, predictRouter, type LabelledRequest } from '../../src/services/router/dataset';
import type { RouterWeights } from '../../src/services/router/model';

export interface Scored {
  label: string;
  predicted: string;
  /** Softmax probability of the top service (before the no-fit threshold). */
  top: number;
  topService: string;
}

export function scoreAll(weights: RouterWeights, examples: LabelledRequest[], X: Float32Array[]): Scored[] {
  return examples.map((e, i) => {
    const { predicted, order, probabilities } = predictRouter(weights, X[i]);
    return { label: e.services[0] ?? NO_FIT, predicted, top: Math.max(...probabilities), topService: order[0] };
  });
}

export function accuracy(rows: Scored[]): number {
  return rows.filter((r) => r.label === r.predicted).length / Math.max(1, rows.length);
}

/** The threshold with the best accuracy (labels include NO_FIT); ties go to the lower threshold. */
export function chooseThreshold(rows: Scored[]): { threshold: number; accuracy: number } {
  const candidates = [0, ...[...new Set(rows.map((r) => r.top))].sort((a, b) => a - b)];
  let best = { threshold: 0, accuracy: -1 };
  for (const t of candidates) {
    const acc = rows.filter((r) => (r.top < t ? NO_FIT : r.topService) === r.label).length / rows.length;
    if (acc > best.accuracy + 1e-12) best = { threshold: t, accuracy: acc };
  }
  // Half-way to the next candidate below, so a value equal to a validation score is not on the edge.
  const below = candidates.filter((c) => c < best.threshold).pop() ?? 0;
  return { threshold: (best.threshold + below) / 2, accuracy: best.accuracy };
}

/**
 * Expected calibration error of the top-1 probability on requests an expert fits (Guo et al. 2017,
 * 15 equal-width bins): Σ_b |B_b|/n · |accuracy(B_b) − confidence(B_b)|.
 */
export function expectedCalibrationError(rows: Scored[], bins = 15): number {
  const fits = rows.filter((r) => r.label !== NO_FIT);
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    const inBin = fits.filter((r) => Math.min(bins - 1, Math.floor(r.top * bins)) === b);
    if (inBin.length === 0) continue;
    const acc = inBin.filter((r) => r.topService === r.label).length / inBin.length;
    const conf = inBin.reduce((a, r) => a + r.top, 0) / inBin.length;
    ece += (inBin.length / fits.length) * Math.abs(acc - conf);
  }
  return ece;
}

/** Confusion matrix rows = labels, columns = predictions, over `classes` (services then NO_FIT). */
export function confusion(rows: Scored[], classes: string[]): number[][] {
  const m = classes.map(() => classes.map(() => 0));
  for (const r of rows) m[classes.indexOf(r.label)][classes.indexOf(r.predicted)] += 1;
  return m;
}

export function confusionTable(matrix: number[][], classes: string[]): string {
  const short = classes.map((c) => c.slice(0, 6));
  const lines = [`| label \\ predicted | ${short.join(' | ')} |`, `|---|${short.map(() => '---:').join('|')}|`];
  matrix.forEach((row, i) => lines.push(`| ${classes[i]} | ${row.join(' | ')} |`));
  return lines.join('\n');
}

/** The temperature (grid 0.25…4) that minimises the negative log-likelihood of the primary labels on `examples`. */
export function chooseTemperature(logitsOf: (temperature: number) => Float64Array[], labels: number[]): number {
  let best = { t: 1, nll: Infinity };
  for (let t = 0.25; t <= 4.0001; t += 0.05) {
    const all = logitsOf(t);
    let nll = 0;
    let n = 0;
    all.forEach((l, i) => {
      if (labels[i] < 0) return;
      const max = Math.max(...l);
      const lse = max + Math.log(l.reduce((a, v) => a + Math.exp(v - max), 0));
      nll += lse - l[labels[i]];
      n++;
    });
    if (nll / n < best.nll) best = { t: Number(t.toFixed(2)), nll: nll / n };
  }
  return best.t;
}
