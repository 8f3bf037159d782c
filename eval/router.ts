/**
 * `npm run eval -- router`: the committed router weights, run through the runtime's ServiceRouter
 * (CPU gating) with the default language model's embeddings, on
 *  - the held-out dataset-grounded requests (data/router/requests.jsonl, split 'test'; --split validation for that split),
 *  - the hand-written validation set (data/router/validation-handwritten.jsonl; chose the L2 strength, temperature and no-fit threshold),
 *  - the hand-written held-out set (data/router/handwritten.jsonl; never trained on, never used to choose anything).
 * Prints top-1 accuracy (a request no expert fits counts as right when the router selects none),
 * a confusion matrix per set, and the expected calibration error of the top-1 probability; also the
 * hashed-words fallback (weights-hashed.json, used for text that comes with no embedding) on each set.
 * AURA_ROUTER_EVAL=hashed scores the fallback alone (no language model: minutes less on a busy machine).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { SERVICE_NAMES } from '../src/core/names';
import { LanguageService } from '../src/services/language/language-service';
import { NO_FIT, parseLabelledRequests, type LabelledRequest } from '../src/services/router/dataset';
import { defaultRouterFallbackWeights, defaultRouterWeights } from '../src/services/router/default-weights';
import { parseRouterWeights, type RouterWeights } from '../src/services/router/model';
import { ServiceRouter } from '../src/services/router/service-router';
import { embedLabelledRequests } from '../src/services/router/text-embeddings';
import { DEFAULT_LANGUAGE_MODEL } from '../src/models/defaults';
import { handwrittenRequests } from '../training/router/handwritten';
import { confusion, confusionTable, expectedCalibrationError, type Scored } from '../training/router/metrics';
import { EvalInputError, type EvalOptions, type EvalReport } from './types';

const root = new URL('../', import.meta.url);
const CLASSES = [...SERVICE_NAMES, NO_FIT];

async function scoreSet(router: ServiceRouter, language: LanguageService | undefined, examples: LabelledRequest[]): Promise<Scored[]> {
  const embeddings = language ? await embedLabelledRequests(language, examples) : undefined;
  const { decisions } = await router.route(examples.map((e) => ({ request: { text: e.text, series: e.series }, embedding: embeddings?.get(e.id) })));
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

type Summary = ReturnType<typeof summary>;
const BARS = ['≥ 95 %', '–', '≥ 90 %'];

async function scoreAllSets(router: ServiceRouter, language: LanguageService | undefined, split: string, what: string): Promise<Summary[]> {
  const grounded = parseLabelledRequests(readFileSync(new URL('data/router/requests.jsonl', root), 'utf8')).filter((e) => e.split === split);
  return [
    summary(`${what}, dataset-grounded (${split})`, await scoreSet(router, language, grounded)),
    summary(`${what}, hand-written validation (chooses)`, await scoreSet(router, language, handwrittenRequests('validation'))),
    summary(`${what}, hand-written (held out)`, await scoreSet(router, language, handwrittenRequests('heldOut'))),
  ];
}

function describeWeights(name: string, weights: RouterWeights): string {
  return `${name}: ${String(weights.training.textFeatures)}; no-fit threshold ${weights.noFitThreshold}, temperature ${String(weights.training.temperature)}`;
}

export async function evaluate(options: EvalOptions): Promise<EvalReport> {
  if (options.gpu) throw new EvalInputError('the router eval runs the CPU gating path only', 'drop --gpu');
  const split = options.split ?? 'test';
  if (split !== 'test' && split !== 'validation') throw new EvalInputError(`unknown split ${split}`, 'use --split test or --split validation');
  const hashedOnly = process.env.AURA_ROUTER_EVAL === 'hashed';
  const weights = parseRouterWeights(defaultRouterWeights());
  const hashed = parseRouterWeights(defaultRouterFallbackWeights());
  const router = new ServiceRouter({ backend: 'cpu' });
  const sets: Summary[] = [];
  const described = [describeWeights('hashed fallback (weights-hashed.json)', hashed)];
  if (!hashedOnly) {
    const language = await LanguageService.create({ backend: 'cpu', cache: false });
    try {
      if (weights.layout.embeddingSize !== language.hiddenSize) throw new EvalInputError(`the router weights expect an embedding of ${weights.layout.embeddingSize}, the language model gives ${language.hiddenSize}`, 'retrain the router: npm run train:router');
      sets.push(...(await scoreAllSets(router, language, split, `with ${DEFAULT_LANGUAGE_MODEL} embedding`)));
      described.unshift(describeWeights(`default (weights.json, ${DEFAULT_LANGUAGE_MODEL} embedding on CPU/WASM)`, weights));
    } finally {
      await language.destroy();
    }
  }
  const hashedSets = await scoreAllSets(router, undefined, split, 'hashed fallback');
  sets.push(...hashedSets);
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const confusions = hashedOnly ? hashedSets : sets.slice(0, 3);
  const table = [
    ...described,
    '',
    '| set | requests | top-1 | bar | ECE (top-1 prob., 15 bins, requests an expert fits) |',
    '|---|---:|---:|---:|---:|',
    ...sets.map((s, i) => `| ${s.name} | ${s.examples} | ${pct(s.top1)} | ${BARS[i % 3]} | ${s.ece.toFixed(3)} |`),
    ...confusions.flatMap((s) => ['', `confusion, ${s.name} (rows: label, columns: routed to):`, '', s.table]),
  ].join('\n');
  return {
    machine: `${os.cpus().length}-core CPU machine (${os.cpus()[0]?.model ?? 'cpu'}), CPU path`,
    table,
    weights: { noFitThreshold: weights.noFitThreshold, training: weights.training, hashed: { noFitThreshold: hashed.noFitThreshold, training: hashed.training } },
    sets: sets.map(({ table: _t, ...rest }) => rest),
  };
}
