import { HARD_HAM_GROUP, type Message } from './data';

export interface ClassificationMetrics {
  messages: number;
  accuracy: number;
  spamPrecision: number;
  spamRecall: number;
  spamF1: number;
  hardHamMessages: number;
  hardHamAccuracy: number;
}

/** Accuracy, spam (label 1) precision / recall / F1, and accuracy on the hard ham, of 0/1 predictions. */
export function classificationMetrics(messages: readonly Message[], predictions: readonly number[]): ClassificationMetrics {
  if (predictions.length !== messages.length) throw new Error(`${predictions.length} predictions for ${messages.length} messages`);
  let correct = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let hard = 0;
  let hardCorrect = 0;
  messages.forEach((m, i) => {
    const p = predictions[i];
    if (p === m.label) correct++;
    if (p === 1 && m.label === 1) tp++;
    if (p === 1 && m.label === 0) fp++;
    if (p === 0 && m.label === 1) fn++;
    if (m.group === HARD_HAM_GROUP) {
      hard++;
      if (p === m.label) hardCorrect++;
    }
  });
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  return {
    messages: messages.length,
    accuracy: correct / messages.length,
    spamPrecision: precision,
    spamRecall: recall,
    spamF1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    hardHamMessages: hard,
    hardHamAccuracy: hard === 0 ? NaN : hardCorrect / hard,
  };
}

/** Fraction of positions where two prediction lists agree. */
export function agreement(a: readonly number[], b: readonly number[]): number {
  let same = 0;
  a.forEach((v, i) => (same += v === b[i] ? 1 : 0));
  return same / a.length;
}

/** Rank of `truth` among `scores` (1 = best), ties counted against it: 1 + the others scoring at least as high. */
export function rankOf(scores: ArrayLike<number>, truth: number): number {
  let rank = 0;
  const target = scores[truth];
  for (let i = 0; i < scores.length; i++) if (scores[i] >= target) rank++;
  return rank;
}

export function recallAt(ranks: readonly number[], k: number): number {
  return ranks.filter((r) => r <= k).length / ranks.length;
}

/** The q-quantile of values (nearest rank). */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
