import { InvalidInputError } from '../../errors';
import { SERVICE_NAMES, type ServiceName } from '../../core/names';
import { routerFeatureVector, type RouterFeatureLayout } from './features';
import { routerLogitsOf, standardize, type RouterWeights } from './model';

/** One labelled request of data/router/requests.jsonl; `services[0]` is the primary service. */
export interface LabelledRequest {
  id: string;
  text?: string;
  series?: number[];
  services: ServiceName[];
  split: 'train' | 'test';
}

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
      Array.isArray(r.services) && r.services.length > 0 && r.services.every((s) => SERVICE_NAMES.includes(s)) &&
      (r.split === 'train' || r.split === 'test');
    if (!ok) throw new InvalidInputError(`${where} is not a labelled request`, '{ id, text?, series?, services: [primary, …], split: train|test }');
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

/** Accuracy of the weights on labelled examples (CPU logits; top-1 of softmax = arg-max logit, ties to the lower index). */
export function evaluateRouter(weights: RouterWeights, examples: LabelledRequest[], features: Float32Array[]): RouterEvaluation {
  let correct = 0;
  let covered = 0;
  const perService: Record<string, [number, number]> = {};
  examples.forEach((e, i) => {
    const logits = routerLogitsOf(weights, standardize(weights, features[i]));
    const order = [...logits.keys()].sort((a, b) => logits[b] - logits[a] || a - b).map((s) => weights.services[s]);
    const primary = e.services[0];
    const hit = order[0] === primary;
    correct += hit ? 1 : 0;
    const top = order.slice(0, Math.max(2, e.services.length + 1));
    covered += e.services.every((s) => top.includes(s)) ? 1 : 0;
    const tally = (perService[primary] ??= [0, 0]);
    tally[0] += hit ? 1 : 0;
    tally[1] += 1;
  });
  return { examples: examples.length, accuracy: correct / examples.length, coverage: covered / examples.length, perService };
}
