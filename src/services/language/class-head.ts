import { ModelLoadError } from './errors';

/** One text's classification: softmax of its `logits` row; label from config.json id2label. */
export interface LanguageClassResult {
  label: string;
  index: number;
  score: number;
  logits: Float32Array;
  probabilities: Float32Array;
}

/**
 * The class names of config.json's `id2label` ({"0": "ham", "1": "spam"}), in index order, as
 * transformers reads it. Absent → [] (the model cannot classify). Keys must be the indices 0…n−1
 * once each and labels strings: anything else is a broken config, said at load.
 */
export function labelsFromConfig(config: Record<string, unknown>, source = 'config.json'): string[] {
  const id2label = config.id2label;
  if (id2label === undefined || id2label === null) return [];
  const hint = 'config.json id2label maps "0"…"n-1" to label strings, as transformers writes it';
  if (typeof id2label !== 'object' || Array.isArray(id2label)) throw new ModelLoadError(`${source}: id2label is not an object`, hint);
  const entries = Object.entries(id2label as Record<string, unknown>);
  const labels = new Array<string>(entries.length);
  for (const [key, value] of entries) {
    const index = Number(key);
    if (!/^\d+$/.test(key) || index >= entries.length || labels[index] !== undefined) throw new ModelLoadError(`${source}: id2label has key ${JSON.stringify(key)}`, hint);
    if (typeof value !== 'string' || value.length === 0) throw new ModelLoadError(`${source}: id2label[${key}] is ${JSON.stringify(value)}`, hint);
    labels[index] = value;
  }
  return labels;
}

/** Softmax and arg-max of the first `count` rows of a [batch, classes] logits array. */
export function classesOf(logits: Float32Array, batch: number, count: number, labels: readonly string[]): LanguageClassResult[] {
  const width = logits.length / batch;
  if (labels.length > 0 && labels.length !== width) {
    throw new ModelLoadError(`the model's head has ${width} classes but config.json id2label names ${labels.length}`, 'export config.json with the model it describes');
  }
  const out: LanguageClassResult[] = [];
  for (let r = 0; r < count; r++) {
    const row = logits.slice(r * width, (r + 1) * width);
    const probabilities = softmax(row);
    let index = 0;
    for (let c = 1; c < width; c++) if (probabilities[c] > probabilities[index]) index = c;
    out.push({ label: labels[index] ?? `LABEL_${index}`, index, score: probabilities[index], logits: row, probabilities });
  }
  return out;
}

/** Softmax in f64, returned as f32 (max-subtracted for stability). */
export function softmax(logits: Float32Array): Float32Array {
  let max = -Infinity;
  for (const v of logits) max = Math.max(max, v);
  let sum = 0;
  const out = new Float32Array(logits.length);
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  for (let i = 0; i < logits.length; i++) out[i] = Math.exp(logits[i] - max) / sum;
  return out;
}
