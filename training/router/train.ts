/**
 * Trains the service router's weights: `npm run train:router` (re-run it whenever the default
 * language model changes: the router reads that model's sentence embedding).
 * `npm run train:router -- --quick`: hashed features only, no language model; prints, writes nothing.
 * `npm run train:router -- --hashed-only`: the same, and writes weights-hashed.json alone.
 *
 * Data: data/router/requests.jsonl (dataset-grounded and composed requests, written by
 * training/router/generate.py) and data/router/validation-handwritten.jsonl (hand-written, validation only).
 * Full-batch Adam on the cross-entropy with L2. Everything is chosen on the 'validation' split together
 * with the hand-written validation set (the mean of their accuracies, so the small hand-written set
 * weighs as much): the L2 strength, the softmax temperature (folded into the weights; Guo et al. 2017)
 * with the no-fit threshold at it (best mean accuracy, then lowest NLL) (below it: "I can't help with that").
 * The 'test' split is scored once at the end and written into the weights' `training` record;
 * `npm run eval -- router` reports it with the hand-written held-out set, which nothing here reads.
 * Embeddings are cached in training/router/data/ (git-ignored), keyed by the model file's SHA-256,
 * so a new language model is embedded afresh. Writes src/services/router/weights.json (with the embedding) and weights-hashed.json (without,
 * for text that arrives with no embedding).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { SERVICE_NAMES } from '../../src/core/names';
import { LanguageService } from '../../src/services/language/language-service';
import { featureMatrix, parseLabelledRequests, type LabelledRequest } from '../../src/services/router/dataset';
import { DEFAULT_CHAR_GRAM_BUCKETS, DEFAULT_HASH_BUCKETS, defaultFeatureLayout, type RouterFeatureLayout } from '../../src/services/router/features';
import { ROUTER_WEIGHTS_FORMAT, routerLogitsOf, standardize, type RouterWeights } from '../../src/services/router/model';
import { routerTerms, routerWords, wordBucket } from '../../src/services/router/text-features';
import { charGrams } from '../../src/services/router/char-grams';
import { DEFAULT_LANGUAGE_MODEL } from '../../src/models/defaults';
import { cachedEmbeddings } from './embedding-cache';
import { fitSoftmax, targetsOf } from './fit';
import { handwrittenRequests } from './handwritten';
import { accuracy, chooseThreshold, confusion, confusionTable, expectedCalibrationError, scoreAll } from './metrics';
import { NO_FIT } from '../../src/services/router/dataset';

const EPOCHS = 300;
const LEARNING_RATE = 0.01;
const L2_GRID = [1e-2, 1e-1, 0.3, 1];
const MAX_VALIDATION_ECE = 0.05;
/** `--quick`: hashed features only (no language model, minutes instead of tens), prints, writes nothing. */
const QUICK = process.argv.includes('--quick');

const root = new URL('../../', import.meta.url);
const examples = parseLabelledRequests(readFileSync(new URL('data/router/requests.jsonl', root), 'utf8'));
const services = [...SERVICE_NAMES];
const bySplit = (split: LabelledRequest['split']) => examples.filter((e) => e.split === split);
const [train, validation, test] = [bySplit('train'), bySplit('validation'), bySplit('test')];
const handValidation = handwrittenRequests('validation');
const round = (x: number) => Number(x.toPrecision(7));
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function weightsOf(layout: RouterFeatureLayout, fitted: ReturnType<typeof fitSoftmax>, temperature: number): RouterWeights {
  return {
    format: ROUTER_WEIGHTS_FORMAT,
    services,
    layout: { ...layout, textStats: [...layout.textStats], seriesStats: [...layout.seriesStats] },
    featureNames: featureNames(layout),
    mean: fitted.mean.map(round),
    std: fitted.std.map(round),
    // Temperature scaling folded into the weights: logits / T.
    weight: fitted.weight.map((row) => row.map((w) => round(w / temperature))),
    bias: fitted.bias.map((b) => round(b / temperature)),
    training: {},
  };
}

function train1(layout: RouterFeatureLayout, embeddings: Map<string, Float32Array> | undefined, textFeatures: string): RouterWeights {
  const [trainX, valX, handX, testX] = [train, validation, handValidation, test].map((part) => featureMatrix(part, layout, embeddings));
  const targets = targetsOf(train, services);
  const tag = layout.embeddingSize ? 'embedding' : 'hashed';
  const trials = L2_GRID.map((l2) => {
    const fitted = fitSoftmax(trainX, targets, { epochs: EPOCHS, learningRate: LEARNING_RATE, l2 });
    const raw = weightsOf(layout, fitted, 1);
    const sets = [scoreAll(raw, validation, valX), scoreAll(raw, handValidation, handX)];
    const { threshold, accuracy: valAccuracy } = chooseThreshold(sets);
    const at = (rows: typeof sets[0]) => accuracy(rows.map((r) => ({ ...r, predicted: r.top < threshold ? NO_FIT : r.topService })));
    console.log(`  [${tag}] l2 ${l2}: train loss ${fitted.loss.toFixed(4)}, validation mean ${pct(valAccuracy)} (generated ${pct(at(sets[0]))}, hand-written ${pct(at(sets[1]))}; threshold chosen there)`);
    return { l2, fitted, valAccuracy };
  });
  const best = trials.reduce((a, t) => (t.valAccuracy > a.valAccuracy ? t : a));
  const raw = weightsOf(layout, best.fitted, 1);
  const calibration = [...validation, ...handValidation];
  const calLogits = [...valX, ...handX].map((x) => routerLogitsOf(raw, standardize(raw, x)));
  const temperature = chooseTemperatureAndThreshold(calLogits, calibration, validation.length);
  const weights = weightsOf(layout, best.fitted, temperature);
  const valScored = scoreAll(weights, validation, valX);
  const handScored = scoreAll(weights, handValidation, handX);
  const { threshold } = chooseThreshold([valScored, handScored]);
  weights.noFitThreshold = round(threshold);
  const rescored = (rows: typeof valScored) => rows.map((r) => ({ ...r, predicted: r.top < threshold ? NO_FIT : r.topService }));
  const [valFinal, handFinal] = [rescored(valScored), rescored(handScored)];
  const testScored = scoreAll(weights, test, testX);
  weights.training = {
    data: 'data/router/requests.jsonl (training/router/generate.py, compose.py, compose_none.py)',
    split: 'sha256(id) bucket 0-6 train, 7 validation, 8-9 test; the validation split and data/router/validation-handwritten.jsonl (mean accuracy) choose l2, then temperature with no-fit threshold (best mean accuracy, ties to the lowest NLL) among temperatures with validation ECE <= 0.05',
    trainExamples: train.length,
    validationExamples: validation.length,
    handwrittenValidationExamples: handValidation.length,
    testExamples: test.length,
    model: 'softmax regression on standardised features; no-fit requests trained towards the uniform distribution',
    textFeatures,
    epochs: EPOCHS,
    learningRate: LEARNING_RATE,
    l2: best.l2,
    l2Grid: L2_GRID,
    temperature,
    noFitThreshold: weights.noFitThreshold,
    finalTrainLoss: round(best.fitted.loss),
    validationAccuracy: round(accuracy(valFinal)),
    handwrittenValidationAccuracy: round(accuracy(handFinal)),
    testAccuracy: round(accuracy(testScored)),
    testExpectedCalibrationError: round(expectedCalibrationError(testScored)),
  };
  console.log(`[${textFeatures}]\n  chose l2 ${best.l2}, temperature ${temperature}, no-fit threshold ${threshold.toFixed(3)}; validation ${pct(accuracy(valFinal))}, hand-written validation ${pct(accuracy(handFinal))}, test ${pct(accuracy(testScored))}, test ECE ${expectedCalibrationError(testScored).toFixed(3)}`);
  const classes = [...services, NO_FIT];
  console.log(`  hand-written validation confusion (rows: label, columns: routed to):\n${confusionTable(confusion(handFinal, classes), classes)}`);
  return weights;
}

/**
 * The temperature (grid 0.25…4) whose no-fit threshold gives the best mean validation accuracy of the
 * two validation sets, among the temperatures that keep the top-1 probability calibrated (ECE on both
 * validation sets ≤ MAX_VALIDATION_ECE); among equals, the lowest NLL of the primary labels. The no-fit
 * rule compares the top probability at that temperature, so the temperature moves which requests fall
 * under the threshold: the NLL-only choice cost the hand-written validation set two points, the
 * accuracy-only choice left the probabilities far from calibrated (test ECE 0.25).
 */
function chooseTemperatureAndThreshold(logits: Float64Array[], examples: LabelledRequest[], generatedCount: number): number {
  const labels = examples.map((e) => e.services[0] ?? NO_FIT);
  let best = { t: 1, accuracy: -1, nll: Infinity, ece: Infinity };
  let fallback = best;
  for (let step = 0; step <= 75; step++) {
    const t = Number((0.25 + 0.05 * step).toFixed(2));
    const rows = logits.map((l, i) => {
      const max = Math.max(...l);
      const exps = [...l].map((v) => Math.exp((v - max) / t));
      const sum = exps.reduce((a, b) => a + b, 0);
      const top = l.indexOf(max);
      return { label: labels[i], predicted: services[top], top: exps[top] / sum, topService: services[top], p: labels[i] === NO_FIT ? NaN : exps[services.indexOf(labels[i])] / sum };
    });
    const { accuracy: acc } = chooseThreshold([rows.slice(0, generatedCount), rows.slice(generatedCount)]);
    const fits = rows.filter((r) => !Number.isNaN(r.p));
    const nll = -fits.reduce((a, r) => a + Math.log(r.p), 0) / fits.length;
    const ece = expectedCalibrationError(rows);
    if (ece <= MAX_VALIDATION_ECE && (acc > best.accuracy + 1e-9 || (Math.abs(acc - best.accuracy) <= 1e-9 && nll < best.nll))) best = { t, accuracy: acc, nll, ece };
    if (ece < fallback.ece) fallback = { t, accuracy: acc, nll, ece };
  }
  return best.accuracy >= 0 ? best.t : fallback.t;
}

/** Bag-of-words buckets are named after the training words that land in them (most frequent first). */
function featureNames(layout: RouterFeatureLayout): string[] {
  const charBuckets = layout.charGramBuckets ?? 0;
  const bucketWords = Array.from({ length: layout.hashBuckets }, () => new Map<string, number>());
  const bucketGrams = Array.from({ length: charBuckets }, () => new Map<string, number>());
  const count = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);
  for (const e of train) {
    const words = routerWords(e.text ?? '');
    for (const w of routerTerms(words, layout.wordBigrams === true)) count(bucketWords[wordBucket(w, layout.hashBuckets)], w);
    if (charBuckets > 0) for (const w of words) for (const g of charGrams(w)) count(bucketGrams[wordBucket(g, charBuckets)], g);
  }
  const named = (buckets: Map<string, number>[], prefix: string) =>
    buckets.map((m, j) => {
      const top = [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3).map(([w]) => w);
      return top.length ? `${prefix}~${top.join('/')}` : `${prefix}#${j}`;
    });
  return [
    ...named(bucketWords, 'words'),
    ...named(bucketGrams, 'chars'),
    ...layout.textStats,
    ...layout.seriesStats,
    ...Array.from({ length: layout.embeddingSize }, (_, i) => `bert[${i}]`),
  ];
}

console.log(`router data: train ${train.length}, validation ${validation.length} + hand-written validation ${handValidation.length}, test ${test.length}`);
if (process.argv.includes('--hashed-only')) {
  // Retrains weights-hashed.json alone (no language model), e.g. when the machine is too busy to embed.
  const hashedOnly = train1(defaultFeatureLayout(0), undefined, `hashed words and word pairs (FNV-1a, ${DEFAULT_HASH_BUCKETS} buckets) + hashed char trigrams (${DEFAULT_CHAR_GRAM_BUCKETS} buckets) + text and series statistics; no BERT embedding`);
  writeFileSync(new URL('src/services/router/weights-hashed.json', root), JSON.stringify(hashedOnly) + '\n');
  console.log('wrote src/services/router/weights-hashed.json');
  process.exit(0);
}
if (QUICK) {
  // Experiments: ROUTER_WORD_BUCKETS, ROUTER_CHAR_BUCKETS, ROUTER_BIGRAMS=0 change the layout of a quick run only.
  const env = (name: string, fallback: number) => (process.env[name] === undefined ? fallback : Number(process.env[name]));
  const layout = { ...defaultFeatureLayout(0), hashBuckets: env('ROUTER_WORD_BUCKETS', DEFAULT_HASH_BUCKETS), charGramBuckets: env('ROUTER_CHAR_BUCKETS', DEFAULT_CHAR_GRAM_BUCKETS), wordBigrams: process.env.ROUTER_BIGRAMS !== '0' };
  console.log(`quick layout: ${JSON.stringify({ hashBuckets: layout.hashBuckets, charGramBuckets: layout.charGramBuckets, wordBigrams: layout.wordBigrams })}`);
  train1(layout, undefined, 'hashed words and pairs + char trigrams + text and series statistics; no BERT embedding (--quick: nothing written)');
  process.exit(0);
}
const t0 = performance.now();
const language = await LanguageService.create({ backend: 'cpu', cache: false });
const embeddings = await cachedEmbeddings(language, [...examples, ...handValidation]);
await language.destroy();
console.log(`embedded ${embeddings.size} texts with ${DEFAULT_LANGUAGE_MODEL} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const words = `hashed words and word pairs (FNV-1a, ${DEFAULT_HASH_BUCKETS} buckets) + hashed char trigrams (${DEFAULT_CHAR_GRAM_BUCKETS} buckets) + text and series statistics`;
const withEmbedding = train1(defaultFeatureLayout(language.hiddenSize), embeddings, `${words} + BERT sentence embedding (${DEFAULT_LANGUAGE_MODEL}, hidden ${language.hiddenSize}, mean-pooled, L2-normalised)`);
const hashedOnly = train1(defaultFeatureLayout(0), undefined, `${words}; no BERT embedding`);
writeFileSync(new URL('src/services/router/weights.json', root), JSON.stringify(withEmbedding) + '\n');
writeFileSync(new URL('src/services/router/weights-hashed.json', root), JSON.stringify(hashedOnly) + '\n');
console.log('wrote src/services/router/weights.json and weights-hashed.json');
process.exit(0);
