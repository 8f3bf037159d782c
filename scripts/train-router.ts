/**
 * Trains the service router's default weights:
 *   npx vite-node scripts/train-router.ts
 * Reads data/router/requests.jsonl, fits a softmax regression (full-batch gradient descent with L2,
 * deterministic: zero initialisation, fixed order) on the 'train' split, reports accuracy on the
 * held-out 'test' split, and writes src/services/router/weights.json.
 * Targets: the primary service gets 2/3 of the mass and the secondary services share 1/3
 * (a single-service example puts all of it on its service).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { SERVICE_NAMES } from '../src/pipeline/stages';
import { evaluateRouter, featureMatrix, parseLabelledRequests } from '../src/services/router/dataset';
import { defaultFeatureLayout, featureCount } from '../src/services/router/features';
import { ROUTER_WEIGHTS_FORMAT, type RouterWeights } from '../src/services/router/model';
import { routerWords, wordBucket } from '../src/services/router/text-features';

const EPOCHS = 400;
const LEARNING_RATE = 0.5;
const L2 = 1e-3;

const root = new URL('../', import.meta.url);
const examples = parseLabelledRequests(readFileSync(new URL('data/router/requests.jsonl', root), 'utf8'));
const layout = defaultFeatureLayout(0);
const D = featureCount(layout);
const services = [...SERVICE_NAMES];
const S = services.length;
const train = examples.filter((e) => e.split === 'train');
const test = examples.filter((e) => e.split === 'test');
const trainX = featureMatrix(train, layout);
const testX = featureMatrix(test, layout);

// Standardisation from the training split only.
const mean = new Array<number>(D).fill(0);
const std = new Array<number>(D).fill(0);
for (const x of trainX) for (let j = 0; j < D; j++) mean[j] += x[j] / trainX.length;
for (const x of trainX) for (let j = 0; j < D; j++) std[j] += (x[j] - mean[j]) ** 2 / trainX.length;
for (let j = 0; j < D; j++) std[j] = Math.sqrt(std[j]) > 1e-6 ? Math.sqrt(std[j]) : 1;
const Z = trainX.map((x) => x.map((v, j) => (v - mean[j]) / std[j]));
const targets = train.map((e) => {
  const t = new Float64Array(S);
  const rest = e.services.length - 1;
  e.services.forEach((s, i) => (t[services.indexOf(s)] = rest === 0 ? 1 : i === 0 ? 2 / 3 : 1 / 3 / rest));
  return t;
});

const weight = Array.from({ length: S }, () => new Float64Array(D));
const bias = new Float64Array(S);
let loss = 0;
for (let epoch = 0; epoch < EPOCHS; epoch++) {
  const gradW = Array.from({ length: S }, () => new Float64Array(D));
  const gradB = new Float64Array(S);
  loss = 0;
  Z.forEach((z, n) => {
    const logits = weight.map((row, s) => row.reduce((a, w, j) => a + w * z[j], bias[s]));
    const max = Math.max(...logits);
    const exps = logits.map((l) => Math.exp(l - max));
    const sum = exps.reduce((a, b) => a + b);
    for (let s = 0; s < S; s++) {
      const p = exps[s] / sum;
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

// Name each bag-of-words bucket after the training words that land in it (most frequent first).
const bucketWords = Array.from({ length: layout.hashBuckets }, () => new Map<string, number>());
for (const e of train) for (const w of routerWords(e.text ?? '')) {
  const m = bucketWords[wordBucket(w, layout.hashBuckets)];
  m.set(w, (m.get(w) ?? 0) + 1);
}
const featureNames = [
  ...bucketWords.map((m, j) => {
    const words = [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3).map(([w]) => w);
    return words.length ? `words~${words.join('/')}` : `words#${j}`;
  }),
  ...layout.textStats,
  ...layout.seriesStats,
];

const round = (x: number) => Number(x.toPrecision(7));
const weights: RouterWeights = {
  format: ROUTER_WEIGHTS_FORMAT,
  services,
  layout: { ...layout, textStats: [...layout.textStats], seriesStats: [...layout.seriesStats] },
  featureNames,
  mean: mean.map(round),
  std: std.map(round),
  weight: weight.map((row) => [...row].map(round)),
  bias: [...bias].map(round),
  training: {},
};
const trainEval = evaluateRouter(weights, train, trainX);
const testEval = evaluateRouter(weights, test, testX);
// The hand-written examples (ids h…) use phrasings no template produced: reported on their own.
const novel = test.map((e, i) => [e, i] as const).filter(([e]) => e.id.startsWith('h'));
const novelEval = evaluateRouter(weights, novel.map(([e]) => e), novel.map(([, i]) => testX[i]));
weights.training = {
  data: 'data/router/requests.jsonl',
  split: 'fixed: every fifth example (split field) held out',
  trainExamples: train.length,
  testExamples: test.length,
  model: 'softmax regression on standardised features',
  textFeatures: 'hashed bag of words (FNV-1a, 256 buckets) + text statistics; no BERT embedding (embeddingSize 0)',
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
};
writeFileSync(new URL('src/services/router/weights.json', root), JSON.stringify(weights) + '\n');
console.log(`train ${train.length}, test ${test.length}; loss ${loss.toFixed(4)}`);
console.log(`train accuracy ${(trainEval.accuracy * 100).toFixed(1)}%, held-out accuracy ${(testEval.accuracy * 100).toFixed(1)}%, held-out coverage ${(testEval.coverage * 100).toFixed(1)}%`);
console.log(`hand-written held-out (${novelEval.examples}): accuracy ${(novelEval.accuracy * 100).toFixed(1)}%`);
console.log('held-out per service [correct, total]:', JSON.stringify(testEval.perService));
