import type { LabelledRequest } from './dataset';

/** Something that embeds texts into rows of the model's hidden size (the Language service's `embed`). */
export interface RouterTextEmbedder {
  embed(texts: readonly string[], options?: { rows?: boolean }): Promise<{ rows?: Float32Array[] }>;
}

/** Embeddings of the examples that have text, keyed by id, in batches of `batch`. */
export async function embedLabelledRequests(embedder: RouterTextEmbedder, examples: LabelledRequest[], batch = 32): Promise<Map<string, Float32Array>> {
  const withText = examples.filter((e) => e.text !== undefined);
  const out = new Map<string, Float32Array>();
  for (let i = 0; i < withText.length; i += batch) {
    const part = withText.slice(i, i + batch);
    const { rows } = await embedder.embed(part.map((e) => e.text!), { rows: true });
    if (!rows || rows.length !== part.length) throw new Error('the embedder returned no rows');
    part.forEach((e, j) => out.set(e.id, rows[j]));
  }
  return out;
}
