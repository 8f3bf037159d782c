import type { LanguageService } from '../../src/services/language/language-service';
import type { SotuParagraph } from './data';
import { rankOf } from './metrics';
import { lengthOrderedChunks } from './model-runs';

/** A query sentence has at least this many words (shorter ones, "Thank you.", name no paragraph). */
export const QUERY_MIN_WORDS = 8;

/** Paragraphs to index and the queries that should find them; the same texts go to every method. */
export interface RecallTask {
  docs: string[];
  queries: string[];
  /** Index into docs of each query's own paragraph. */
  truth: number[];
}

const words = (s: string) => s.split(/\s+/).filter((w) => w.length > 0).length;

/**
 * The rule: a paragraph's query is its first sentence of ≥ QUERY_MIN_WORDS words, and that sentence
 * is removed from the paragraph text that is indexed (so no method can match it verbatim). A
 * paragraph whose other sentences would keep fewer than QUERY_MIN_WORDS words asks no query and is
 * indexed whole, as a distractor. Every held-out paragraph is in the index.
 */
export function recallTask(paragraphs: readonly SotuParagraph[]): RecallTask {
  const task: RecallTask = { docs: [], queries: [], truth: [] };
  for (const p of paragraphs) {
    const at = p.sentences.findIndex((s) => words(s) >= QUERY_MIN_WORDS);
    const rest = at < 0 ? [] : p.sentences.filter((_, i) => i !== at);
    if (at >= 0 && words(rest.join(' ')) >= QUERY_MIN_WORDS) {
      task.truth.push(task.docs.length);
      task.queries.push(p.sentences[at]);
      task.docs.push(rest.join(' '));
    } else {
      task.docs.push(p.text);
    }
  }
  return task;
}

/** Each query's rank of its paragraph by the cosine of the service's embeddings (unit rows: the dot product). */
export async function encoderRanks(language: LanguageService, task: RecallTask): Promise<{ ranks: number[]; truncatedDocs: number }> {
  const embed = async (texts: string[]) => {
    const rows = new Array<Float32Array>(texts.length);
    const { chunks, truncated } = lengthOrderedChunks(language, texts, 32);
    for (const chunk of chunks) {
      const e = await language.embed(chunk.map((i) => texts[i]));
      chunk.forEach((i, j) => (rows[i] = e.rows![j]));
    }
    return { rows, truncated };
  };
  const docs = await embed(task.docs);
  const queries = await embed(task.queries);
  const scores = new Float64Array(docs.rows.length);
  const ranks = queries.rows.map((q, qi) => {
    docs.rows.forEach((d, di) => {
      let dot = 0;
      for (let h = 0; h < d.length; h++) dot += q[h] * d[h];
      scores[di] = dot;
    });
    return rankOf(scores, task.truth[qi]);
  });
  return { ranks, truncatedDocs: docs.truncated };
}
