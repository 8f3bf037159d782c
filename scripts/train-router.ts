/**
 * Trains the service router's default weights:
 *   npx vite-node scripts/train-router.ts
 * Reads data/router/requests.jsonl and fits two softmax regressions (full-batch gradient descent
 * with L2; deterministic: zero initialisation, fixed order) on the 'train' split:
 *  - src/services/router/weights.json: hashed bag of words + text and series statistics + the
 *    Language service's BERT sentence embedding (the default language model, CPU/WASM path; its
 *    hidden size is read from the model);
 *  - src/services/router/weights-hashed.json: the same without the embedding, used for requests
 *    whose text arrives without one (no Language service running).
 * Reports accuracy on the held-out 'test' split, and on its templated (ids r…), hand-written (ids h…)
 * and e-mail (ids e…, SpamAssassin training-split messages) parts alone.
 * Targets: the primary service gets 2/3 of the mass and the secondary services share 1/3
 * (a single-service example puts all of it on its service).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { SERVICE_NAMES } from '../src/core/names';
import { LanguageService } from '../src/services/language/language-service';
import { evaluateRouter, featureMatrix, parseLabelledRequests, type LabelledRequest } from '../src/services/router/dataset';
import { defaultFeatureLayout, featureCount, type RouterFeatureLayout } from '../src/services/router/features';
import { ROUTER_WEIGHTS_FORMAT, type RouterWeights } from '../src/services/router/model';
import { embedLabelledRequests } from '../src/services/router/text-embeddings';
import { DEFAULT_LANGUAGE_MODEL } from '../src/models/defaults';
import { routerWords, wordBucket } from '../src/services/router/text-features';

const EPOCHS = 400;
const LEARNING_RATE = 0.5;
const L2 = 1e-3;

const root = new URL('../', import.meta.url);
const examples = parseLabelledRequests(readFileSync(new URL('data/router/requests.jsonl', root), 'utf8'));
const services = [...SERVICE_NAMES];
const train = examples.filter((e) => e.split === 'train');
const test = examples.filter((e) => e.split === 'test');
const round = (x: number) => Number(x.toPrecision(7));

function fit(layout: RouterFeatureLayout, embeddings: Map<string, Float32Array> | undefined, textFeatures: string): RouterWeights {
  const D = featureCount(layout);
  const S = services.length;
  const trainX = featureMatrix(train, layout, embeddings);
  const testX = featureMatrix(test, layout, embeddings);
  // Standardisation from the training split only.
  const mean = new Array<number>(D).fill(0);
  const std = new Array<number>(D).fill(0);
  for (const x of trainX) for (let j = 0; j < D; j++) mean[j] += x[j] / trainX.length;
  for (const x of trainX) for (let j = 0; j < D; j++) std[j] += (x[j] - mean[j]) ** 2 / trainX.length;
  for (let j = 0; j < D; j++) std[j] = Math.sqrt(std[j]) > 1e-6 ? Math.sqrt(std[j]) : 1;
  const Z = trainX.map((x) => Float64Array.from(x, (v, j) => (v - mean[j]) / std[j]));
  const targets = train.map((e) => {
    const t = new Float64Array(S);
    const rest = e.services.length - 1;
    e.services.forEach((s, i) => (t[services.indexOf(s)] = rest === 0 ? 1 : i === 0 ? 2 / 3 : 1 / 3 / rest));
    return t;
  });
  const weight = Array.from({ length: S }, () => new Float64Array(D));
  const bias = new Float64Array(S);
  const logits = new Float64Array(S);
  let loss = 0;
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    const gradW = Array.from({ length: S }, () => new Float64Array(D));
    const gradB = new Float64Array(S);
    loss = 0;
    Z.forEach((z, n) => {
      let max = -Infinity;
      for (let s = 0; s < S; s++) {
        let sum = bias[s];
        for (let j = 0; j < D; j++) sum += weight[s][j] * z[j];
        logits[s] = sum;
        max = Math.max(max, sum);
      }
      let total = 0;
      for (let s = 0; s < S; s++) total += Math.exp(logits[s] - max);
      for (let s = 0; s < S; s++) {
        const p = Math.exp(logits[s] - max) / total;
        const g = (p - targets[n][s]) / Z.length;
        if (targets[n][s] > 0) loss -= (targets[n][s] * Math.log(p)) / Z.length;
        gradB[s] += g;
        for (let j = 0; j < D; j++) gradW[s][j] += g * z[j];
      }
    });
    for (let s = 0; s < S; s++) {
      bias[s] -= LEARNING_RATE * gradB[s];
      for (let j = 0; j < D; j++) weight[s][j] -= LEARNING_RATE * (gradW[s][j] + L2 * weight[s][j]);
    }
  }
  const weights: RouterWeights = {
    format: ROUTER_WEIGHTS_FORMAT,
    services,
    layout: { ...layout, textStats: [...layout.textStats], seriesStats: [...layout.seriesStats] },
    featureNames: featureNames(layout),
    mean: mean.map(round),
    std: std.map(round),
    weight: weight.map((row) => [...row].map(round)),
    bias: [...bias].map(round),
    training: {},
  };
  const trainEval = evaluateRouter(weights, train, trainX);
  const testEval = evaluateRouter(weights, test, testX);
  // The hand-written examples (ids h…) use phrasings no template produced, the e-mails (ids e…) are
  // pasted messages: each part is reported on its own, as is the templated part (ids r…).
  const part = (prefix: string) => {
    const rows = test.map((e, i) => [e, i] as const).filter(([e]) => e.id.startsWith(prefix));
    return evaluateRouter(weights, rows.map(([e]) => e), rows.map(([, i]) => testX[i]));
  };
  const novelEval = part('h');
  const templatedEval = part('r');
  const emailEval = part('e');
  weights.training = {
    data: 'data/router/requests.jsonl',
    split: 'fixed: the split field (every fifth generated example and e-mail, and every hand-written one, held out)',
    trainExamples: train.length,
    testExamples: test.length,
    model: 'softmax regression on standardised features',
    textFeatures,
    epochs: EPOCHS,
    learningRate: LEARNING_RATE,
    l2: L2,
    finalTrainLoss: round(loss),
    trainAccuracy: round(trainEval.accuracy),
    testAccuracy: round(testEval.accuracy),
    testCoverage: round(testEval.coverage),
    testPerService: testEval.perService,
    handwrittenTestExamples: novelEval.examples,
    handwrittenTestAccuracy: round(novelEval.accuracy),
    templatedTestExamples: templatedEval.examples,
    templatedTestAccuracy: round(templatedEval.accuracy),
    emailTestExamples: emailEval.examples,
    emailTestAccuracy: round(emailEval.accuracy),
  };
  console.log(`[${textFeatures}] train ${train.length}, test ${test.length}; loss ${loss.toFixed(4)}`);
  console.log(`  train accuracy ${pct(trainEval.accuracy)}, held-out accuracy ${pct(testEval.accuracy)}, held-out coverage ${pct(testEval.coverage)}, hand-written held-out (${novelEval.examples}) ${pct(novelEval.accuracy)}, templated held-out (${templatedEval.examples}) ${pct(templatedEval.accuracy)}, e-mail held-out (${emailEval.examples}) ${pct(emailEval.accuracy)}`);
  console.log('  held-out per service [correct, total]:', JSON.stringify(testEval.perService));
  return weights;
}

/** Bag-of-words buckets are named after the training words that land in them (most frequent first). */
function featureNames(layout: RouterFeatureLayout): string[] {
  const bucketWords = Array.from({ length: layout.hashBuckets }, () => new Map<string, number>());
  for (const e of train as LabelledRequest[]) {
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

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

const language = await LanguageService.create({ backend: 'cpu', cache: false });
const embeddings = await embedLabelledRequests(language, examples);
await language.destroy();
const withEmbedding = fit(defaultFeatureLayout(language.hiddenSize), embeddings, `hashed bag of words (FNV-1a, 256 buckets) + text statistics + BERT sentence embedding (${DEFAULT_LANGUAGE_MODEL}, hidden ${language.hiddenSize}, mean-pooled, L2-normalised)`);
const hashedOnly = fit(defaultFeatureLayout(0), undefined, 'hashed bag of words (FNV-1a, 256 buckets) + text statistics; no BERT embedding');
writeFileSync(new URL('src/services/router/weights.json', root), JSON.stringify(withEmbedding) + '\n');
writeFileSync(new URL('src/services/router/weights-hashed.json', root), JSON.stringify(hashedOnly) + '\n');
process.exit(0);
