/**
 * Trains the service router's weights: `npm run train:router` (re-run it whenever the default
 * language model changes: the router reads that model's sentence embedding).
 *
 * Data: data/router/requests.jsonl (dataset-grounded, written by training/router/generate.py).
 * Full-batch Adam on the cross-entropy with L2. Everything is chosen on the 'validation' split: the L2 strength, the softmax temperature
 * (calibration, Guo et al. 2017) and the no-fit threshold (below it: "I can't help with that").
 * The 'test' split is scored once at the end and written into the weights' `training` record;
 * `npm run eval -- router` reports it with the hand-written held-out set.
 * Embeddings are cached in training/router/data/ (git-ignored), keyed by the model file's SHA-256,
 * so a new language model is embedded afresh. Writes src/services/router/weights.json (with the embedding) and weights-hashed.json (without,
 * for text that arrives with no embedding).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { SERVICE_NAMES } from '../../src/pipeline/stages';
import { LanguageService } from '../../src/services/language/language-service';
import { featureMatrix, parseLabelledRequests, type LabelledRequest } from '../../src/services/router/dataset';
import { defaultFeatureLayout, type RouterFeatureLayout } from '../../src/services/router/features';
import { ROUTER_WEIGHTS_FORMAT, routerLogitsOf, standardize, type RouterWeights } from '../../src/services/router/model';
import { routerWords, wordBucket } from '../../src/services/router/text-features';
import { DEFAULT_LANGUAGE_MODEL } from '../../src/models/defaults';
import { cachedEmbeddings } from './embedding-cache';
import { fitSoftmax, targetsOf } from './fit';
import { accuracy, chooseTemperature, chooseThreshold, expectedCalibrationError, scoreAll } from './metrics';

const EPOCHS = 300;
const LEARNING_RATE = 0.01;
const L2_GRID = [1e-4, 1e-3, 1e-2];

const root = new URL('../../', import.meta.url);
const examples = parseLabelledRequests(readFileSync(new URL('data/router/requests.jsonl', root), 'utf8'));
const services = [...SERVICE_NAMES];
const bySplit = (split: LabelledRequest['split']) => examples.filter((e) => e.split === split);
const [train, validation, test] = [bySplit('train'), bySplit('validation'), bySplit('test')];
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
  const [trainX, valX, testX] = [train, validation, test].map((part) => featureMatrix(part, layout, embeddings));
  const targets = targetsOf(train, services);
  const trials = L2_GRID.map((l2) => {
    const fitted = fitSoftmax(trainX, targets, { epochs: EPOCHS, learningRate: LEARNING_RATE, l2 });
    const scored = scoreAll(weightsOf(layout, fitted, 1), validation, valX);
    const { accuracy: valAccuracy } = chooseThreshold(scored);
    console.log(`  [${layout.embeddingSize ? 'embedding' : 'hashed'}] l2 ${l2}: train loss ${fitted.loss.toFixed(4)}, validation accuracy (threshold chosen there) ${pct(valAccuracy)}`);
    return { l2, fitted, valAccuracy };
  });
  const best = trials.reduce((a, t) => (t.valAccuracy > a.valAccuracy ? t : a));
  const raw = weightsOf(layout, best.fitted, 1);
  const labels = validation.map((e) => (e.services[0] ? services.indexOf(e.services[0]) : -1));
  const valLogits = valX.map((x) => routerLogitsOf(raw, standardize(raw, x)));
  const temperature = chooseTemperature((t) => valLogits.map((l) => l.map((v) => v / t)), labels);
  const weights = weightsOf(layout, best.fitted, temperature);
  const { threshold, accuracy: valAccuracy } = chooseThreshold(scoreAll(weights, validation, valX));
  weights.noFitThreshold = round(threshold);
  const testScored = scoreAll(weights, test, testX);
  weights.training = {
    data: 'data/router/requests.jsonl (training/router/generate.py)',
    split: 'sha256(id) bucket 0-6 train, 7 validation (chooses l2, temperature, no-fit threshold), 8-9 test',
    trainExamples: train.length,
    validationExamples: validation.length,
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
    validationAccuracy: round(valAccuracy),
    testAccuracy: round(accuracy(testScored)),
    testExpectedCalibrationError: round(expectedCalibrationError(testScored)),
  };
  console.log(`[${textFeatures}]\n  chose l2 ${best.l2}, temperature ${temperature}, no-fit threshold ${threshold.toFixed(3)}; validation ${pct(valAccuracy)}, test ${pct(accuracy(testScored))}, test ECE ${expectedCalibrationError(testScored).toFixed(3)}`);
  return weights;
}

/** Bag-of-words buckets are named after the training words that land in them (most frequent first). */
function featureNames(layout: RouterFeatureLayout): string[] {
  const bucketWords = Array.from({ length: layout.hashBuckets }, () => new Map<string, number>());
  for (const e of train) {
    for (const w of routerWords(e.text ?? '')) {
      const m = bucketWords[wordBucket(w, layout.hashBuckets)];
      m.set(w, (m.get(w) ?? 0) + 1);
    }
  }
  return [
    ...bucketWords.map((m, j) => {
      const words = [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3).map(([w]) => w);
      return words.length ? `words~${words.join('/')}` : `words#${j}`;
    }),
    ...layout.textStats,
    ...layout.seriesStats,
    ...Array.from({ length: layout.embeddingSize }, (_, i) => `bert[${i}]`),
  ];
}

console.log(`router data: train ${train.length}, validation ${validation.length}, test ${test.length}`);
const t0 = performance.now();
const language = await LanguageService.create({ backend: 'cpu', cache: false });
const embeddings = await cachedEmbeddings(language, examples);
await language.destroy();
console.log(`embedded ${embeddings.size} texts with ${DEFAULT_LANGUAGE_MODEL} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const withEmbedding = train1(defaultFeatureLayout(language.hiddenSize), embeddings, `hashed bag of words (FNV-1a, 256 buckets) + text and series statistics + BERT sentence embedding (${DEFAULT_LANGUAGE_MODEL}, hidden ${language.hiddenSize}, mean-pooled, L2-normalised)`);
const hashedOnly = train1(defaultFeatureLayout(0), undefined, 'hashed bag of words (FNV-1a, 256 buckets) + text and series statistics; no BERT embedding');
writeFileSync(new URL('src/services/router/weights.json', root), JSON.stringify(withEmbedding) + '\n');
writeFileSync(new URL('src/services/router/weights-hashed.json', root), JSON.stringify(hashedOnly) + '\n');
console.log('wrote src/services/router/weights.json and weights-hashed.json');
process.exit(0);
