import { RouterWeightsError } from './errors';
import { featureCount, type RouterFeatureLayout } from './features';

export const ROUTER_WEIGHTS_FORMAT = 'aura-router-softmax-regression-v1';

/**
 * A multinomial logistic (softmax) regression over standardised features:
 * logits = W · ((x − mean) / std) + bias. Written by scripts/train-router.ts.
 */
export interface RouterWeights {
  format: typeof ROUTER_WEIGHTS_FORMAT;
  services: string[];
  layout: RouterFeatureLayout;
  /** A readable name per feature (bag-of-words buckets name the training words that hash there). */
  featureNames: string[];
  mean: number[];
  std: number[];
  /** [services][features] */
  weight: number[][];
  bias: number[];
  /**
   * Below this softmax probability of the top service no expert fits the request and the router
   * selects none (chosen on the validation split by the training script); absent = always pick.
   */
  noFitThreshold?: number;
  /** How the weights were made and how well they did (held-out accuracy, split, seed…). */
  training: Record<string, unknown>;
}

function isNumberArray(a: unknown, length: number): a is number[] {
  return Array.isArray(a) && a.length === length && a.every((v) => typeof v === 'number' && Number.isFinite(v));
}

/** Checks a weights object (e.g. parsed from JSON) and returns it typed. */
export function parseRouterWeights(input: unknown): RouterWeights {
  const fix = 'regenerate the file with `npm run train:router`';
  const w = input as Partial<RouterWeights> | null;
  if (!w || typeof w !== 'object' || w.format !== ROUTER_WEIGHTS_FORMAT) {
    throw new RouterWeightsError(`router weights are not in format ${ROUTER_WEIGHTS_FORMAT}`, fix);
  }
  const layout = w.layout;
  if (!layout || !Number.isInteger(layout.hashBuckets) || !Array.isArray(layout.textStats) || !Array.isArray(layout.seriesStats) || !Number.isInteger(layout.embeddingSize)) {
    throw new RouterWeightsError('router weights have no valid feature layout', fix);
  }
  const D = featureCount(layout);
  const S = Array.isArray(w.services) ? w.services.length : 0;
  if (S < 1 || !w.services!.every((s) => typeof s === 'string')) throw new RouterWeightsError('router weights name no services', fix);
  if (!isNumberArray(w.mean, D) || !isNumberArray(w.std, D) || !w.std.every((s) => s > 0)) {
    throw new RouterWeightsError(`router weights need mean and positive std of ${D} features`, fix);
  }
  if (!Array.isArray(w.weight) || w.weight.length !== S || !w.weight.every((row) => isNumberArray(row, D)) || !isNumberArray(w.bias, S)) {
    throw new RouterWeightsError(`router weights need a ${S} × ${D} weight matrix and ${S} biases`, fix);
  }
  if (w.noFitThreshold !== undefined && !(typeof w.noFitThreshold === 'number' && w.noFitThreshold >= 0 && w.noFitThreshold <= 1)) {
    throw new RouterWeightsError('router weights have a no-fit threshold outside [0, 1]', fix);
  }
  if (!Array.isArray(w.featureNames) || w.featureNames.length !== D) throw new RouterWeightsError(`router weights need ${D} feature names`, fix);
  return w as RouterWeights;
}

/** Standardised features (x − mean) / std. */
export function standardize(weights: RouterWeights, x: Float32Array): Float64Array {
  const z = new Float64Array(x.length);
  for (let j = 0; j < x.length; j++) z[j] = (x[j] - weights.mean[j]) / weights.std[j];
  return z;
}

/** Logits of one standardised feature vector. */
export function routerLogitsOf(weights: RouterWeights, z: Float64Array): Float64Array {
  const logits = new Float64Array(weights.services.length);
  for (let s = 0; s < logits.length; s++) {
    const row = weights.weight[s];
    let sum = weights.bias[s];
    for (let j = 0; j < z.length; j++) sum += row[j] * z[j];
    logits[s] = sum;
  }
  return logits;
}

/**
 * The features that pushed service `s` up the most: [name, contribution W·z]. The embedding's
 * dimensions count as one feature, 'BERT embedding' (one dimension alone means nothing to a reader);
 * `embeddingShift` is what the GPU added for an embedding that `z` holds as zeros.
 */
export function topContributions(weights: RouterWeights, z: Float64Array, s: number, count: number, embeddingShift = 0): Array<[string, number]> {
  const row = weights.weight[s];
  const firstEmbedding = z.length - weights.layout.embeddingSize;
  const scored: Array<[string, number]> = [];
  for (let j = 0; j < firstEmbedding; j++) if (row[j] * z[j] > 0) scored.push([weights.featureNames[j], row[j] * z[j]]);
  if (weights.layout.embeddingSize > 0) {
    let embedding = embeddingShift;
    for (let j = firstEmbedding; j < z.length; j++) embedding += row[j] * z[j];
    if (embedding > 0) scored.push(['BERT embedding', embedding]);
  }
  scored.sort((a, b) => b[1] - a[1]);
  return scored.slice(0, count);
}

/**
 * The embedding's weights over their standardisation scale, [services × hidden]: with them the
 * embedding's part of a logit is Σ_h x_h · W_sh / std_h, the rest (−W·mean/std) being a constant
 * the CPU adds by scoring the embedding as zeros.
 */
export function foldedEmbeddingWeights(weights: RouterWeights): Float32Array {
  const H = weights.layout.embeddingSize;
  const first = featureCount(weights.layout) - H;
  const out = new Float32Array(weights.services.length * H);
  weights.weight.forEach((row, s) => {
    for (let h = 0; h < H; h++) out[s * H + h] = row[first + h] / weights.std[first + h];
  });
  return out;
}
