import { InvalidInputError } from '../../errors';
import { SERVICE_NAMES, type ServiceName } from '../../core/names';
import { routerFeatureVector, type RouterFeatureLayout } from './features';
import { routerLogitsOf, standardize, type RouterWeights } from './model';

/**
 * One labelled request of data/router/requests.jsonl; `services[0]` is the primary service, and an
 * empty list means no expert fits (the router should answer "I can't help with that").
 */
export interface LabelledRequest {
  id: string;
  text?: string;
  series?: number[];
  services: ServiceName[];
  split: 'train' | 'validation' | 'test';
}

/** The label of a request that no expert fits. */
export const NO_FIT = 'none';

/** Parses the JSON-lines file, checking every line. */
export function parseLabelledRequests(jsonl: string): LabelledRequest[] {
  const out: LabelledRequest[] = [];
  jsonl.split('\n').forEach((line, n) => {
    if (line.trim() === '') return;
    const where = `line ${n + 1}`;
    let r: Partial<LabelledRequest>;
    try {
      r = JSON.parse(line);
    } catch {
      throw new InvalidInputError(`${where} is not JSON`, 'one JSON object per line');
    }
    const ok =
      typeof r.id === 'string' &&
      (r.text === undefined || typeof r.text === 'string') &&
      (r.series === undefined || (Array.isArray(r.series) && r.series.every((v) => typeof v === 'number' && Number.isFinite(v)))) &&
      (r.text !== undefined || r.series !== undefined) &&
      Array.isArray(r.services) && r.services.every((s) => SERVICE_NAMES.includes(s)) &&
      (r.split === 'train' || r.split === 'validation' || r.split === 'test');
    if (!ok) throw new InvalidInputError(`${where} is not a labelled request`, '{ id, text?, series?, services: [primary, …] or [] for no fit, split: train|validation|test }');
    out.push(r as LabelledRequest);
  });
  return out;
}

export function featureMatrix(examples: LabelledRequest[], layout: RouterFeatureLayout, embeddings?: Map<string, Float32Array>): Float32Array[] {
  return examples.map((e) => routerFeatureVector({ text: e.text, series: e.series, embedding: embeddings?.get(e.id) }, layout));
}

export interface RouterEvaluation {
  examples: number;
  /** Top-1 service equals the primary label. */
  accuracy: number;
  /** Every labelled service is among the top |labels| + 1 (at least 2). */
  coverage: number;
  /** Per primary service: [correct, total]. */
  perService: Record<string, [number, number]>;
}

/**
 * The weights' answer for one feature vector: the top service, or NO_FIT when its softmax
 * probability is below the weights' no-fit threshold; with the probabilities in service order.
 */
export function predictRouter(weights: RouterWeights, x: Float32Array): { predicted: string; order: string[]; probabilities: number[] } {
  const logits = routerLogitsOf(weights, standardize(weights, x));
  const order = [...logits.keys()].sort((a, b) => logits[b] - logits[a] || a - b);
  const max = logits[order[0]];
  let sum = 0;
  for (const l of logits) sum += Math.exp(l - max);
  const probabilities = [...logits].map((l) => Math.exp(l - max) / sum);
  const names = order.map((s) => weights.services[s]);
  const predicted = probabilities[order[0]] < (weights.noFitThreshold ?? 0) ? NO_FIT : names[0];
  return { predicted, order: names, probabilities };
}

/** Accuracy of the weights on labelled examples (CPU logits; top-1 = arg-max logit, ties to the lower index; NO_FIT below the threshold). */
export function evaluateRouter(weights: RouterWeights, examples: LabelledRequest[], features: Float32Array[]): RouterEvaluation {
  let correct = 0;
  let covered = 0;
  const perService: Record<string, [number, number]> = {};
  examples.forEach((e, i) => {
    const { predicted, order } = predictRouter(weights, features[i]);
    const primary = e.services[0] ?? NO_FIT;
    const hit = predicted === primary;
    correct += hit ? 1 : 0;
    const top = order.slice(0, Math.max(2, e.services.length + 1));
    covered += e.services.every((s) => top.includes(s)) ? 1 : 0;
    const tally = (perService[primary] ??= [0, 0]);
    tally[0] += hit ? 1 : 0;
    tally[1] += 1;
  });
  return { examples: examples.length, accuracy: correct / examples.length, coverage: covered / examples.length, perService };
}
