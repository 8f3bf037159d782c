/**
 * `npm run eval -- router`: the committed router weights, run through the runtime's ServiceRouter
 * (CPU gating) with the default language model's embeddings, on
 *  - the held-out dataset-grounded requests (data/router/requests.jsonl, split 'test'; --split validation for that split),
 *  - the hand-written held-out set (data/router/handwritten.jsonl; never trained on, never used to choose anything).
 * Prints top-1 accuracy (a request no expert fits counts as right when the router selects none),
 * a confusion matrix per set, and the expected calibration error of the top-1 probability.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { SERVICE_NAMES } from '../src/core/names';
import { LanguageService } from '../src/services/language/language-service';
import { NO_FIT, parseLabelledRequests, type LabelledRequest } from '../src/services/router/dataset';
import { defaultRouterWeights } from '../src/services/router/default-weights';
import { parseRouterWeights } from '../src/services/router/model';
import { ServiceRouter } from '../src/services/router/service-router';
import { embedLabelledRequests } from '../src/services/router/text-embeddings';
import { DEFAULT_LANGUAGE_MODEL } from '../src/models/defaults';
import { confusion, confusionTable, expectedCalibrationError, type Scored } from '../training/router/metrics';
import { EvalInputError, type EvalOptions, type EvalReport } from './types';

const root = new URL('../', import.meta.url);
const CLASSES = [...SERVICE_NAMES, NO_FIT];

/** The hand-written requests, with the held-out series their `attach` names (written by training/router/generate.py). */
export function handwrittenRequests(): LabelledRequest[] {
  const series = JSON.parse(readFileSync(new URL('data/router/handwritten-series.json', root), 'utf8')) as Record<string, number[]>;
  const lines = readFileSync(new URL('data/router/handwritten.jsonl', root), 'utf8').split('\n').filter((l) => l.trim());
  const rows = lines.map((line) => {
    const r = JSON.parse(line) as { id: string; text?: string; attach?: string; services: string[] };
    if (r.attach && !series[r.id]) throw new EvalInputError(`hand-written request ${r.id} has no attached series`, 'run /usr/bin/python3 training/router/generate.py');
    return JSON.stringify({ id: r.id, text: r.text, series: r.attach ? series[r.id] : undefined, services: r.services, split: 'test' });
  });
  return parseLabelledRequests(rows.join('\n'));
}

async function scoreSet(router: ServiceRouter, language: LanguageService, examples: LabelledRequest[]): Promise<Scored[]> {
  const embeddings = await embedLabelledRequests(language, examples);
  const { decisions } = await router.route(examples.map((e) => ({ request: { text: e.text, series: e.series }, embedding: embeddings.get(e.id) })));
  return decisions.map((d, i) => {
    const probabilities = Object.entries(d.probabilities) as Array<[string, number]>;
    const [topService, top] = probabilities.reduce((a, b) => (b[1] > a[1] ? b : a));
    return { label: examples[i].services[0] ?? NO_FIT, predicted: d.selected[0]?.service ?? NO_FIT, top, topService };
  });
}

function summary(name: string, rows: Scored[]) {
  const correct = rows.filter((r) => r.label === r.predicted).length;
  const matrix = confusion(rows, CLASSES);
  return { name, examples: rows.length, correct, top1: correct / rows.length, ece: expectedCalibrationError(rows), confusion: { classes: CLASSES, matrix }, table: confusionTable(matrix, CLASSES) };
}

export async function evaluate(options: EvalOptions): Promise<EvalReport> {
  if (options.gpu) throw new EvalInputError('the router eval runs the CPU gating path only', 'drop --gpu');
  const split = options.split ?? 'test';
  if (split !== 'test' && split !== 'validation') throw new EvalInputError(`unknown split ${split}`, 'use --split test or --split validation');
  const all = parseLabelledRequests(readFileSync(new URL('data/router/requests.jsonl', root), 'utf8'));
  const grounded = all.filter((e) => e.split === split);
  const handwritten = handwrittenRequests();
  const weights = parseRouterWeights(defaultRouterWeights());
  const language = await LanguageService.create({ backend: 'cpu', cache: false });
  try {
    if (weights.layout.embeddingSize !== language.hiddenSize) throw new EvalInputError(`the router weights expect an embedding of ${weights.layout.embeddingSize}, the language model gives ${language.hiddenSize}`, 'retrain the router: npm run train:router');
    const router = new ServiceRouter({ backend: 'cpu' });
    const sets = [summary(`dataset-grounded (${split})`, await scoreSet(router, language, grounded)), summary('hand-written (held out)', await scoreSet(router, language, handwritten))];
    const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
    const table = [
      `router: ${DEFAULT_LANGUAGE_MODEL} embedding (CPU/WASM) + hashed words + series statistics; no-fit threshold ${weights.noFitThreshold}, temperature ${String(weights.training.temperature)}`,
      '',
      '| set | requests | top-1 | bar | ECE (top-1 prob., 15 bins, requests an expert fits) |',
      '|---|---:|---:|---:|---:|',
      `| ${sets[0].name} | ${sets[0].examples} | ${pct(sets[0].top1)} | ≥ 95 % | ${sets[0].ece.toFixed(3)} |`,
      `| ${sets[1].name} | ${sets[1].examples} | ${pct(sets[1].top1)} | ≥ 90 % | ${sets[1].ece.toFixed(3)} |`,
      ...sets.flatMap((s) => ['', `confusion, ${s.name} (rows: label, columns: routed to):`, '', s.table]),
    ].join('\n');
    return {
      machine: `${os.cpus().length}-core CPU machine (${os.cpus()[0]?.model ?? 'cpu'}), CPU path`,
      table,
      weights: { noFitThreshold: weights.noFitThreshold, training: weights.training },
      sets: sets.map(({ table: _t, ...rest }) => rest),
    };
  } finally {
    await language.destroy();
  }
}
