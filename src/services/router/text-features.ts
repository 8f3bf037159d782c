/**
 * Text features the router computes itself: a hashed bag of words (the "hashing trick",
 * Weinberger et al. 2009: FNV-1a of each lower-cased word, modulo the bucket count, sqrt of the
 * count, L2-normalised) and a few statistics of the text.
 */
export const TEXT_STAT_NAMES = ['text.present', 'text.logChars', 'text.logWords', 'text.question', 'text.digitFraction', 'text.numberCount'] as const;

/** Lower-cased runs of letters (any script) and digits. */
export function routerWords(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** 32-bit FNV-1a of a string's UTF-16 code units. */
export function fnv1a(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193) >>> 0;
  return h >>> 0;
}

export function wordBucket(word: string, buckets: number): number {
  return fnv1a(word) % buckets;
}

/** Writes the hashed bag of words into out[offset … offset+buckets). */
export function hashedBagOfWords(words: string[], buckets: number, out: Float32Array, offset: number): void {
  const counts = new Float64Array(buckets);
  for (const w of words) counts[wordBucket(w, buckets)] += 1;
  let norm = 0;
  for (let i = 0; i < buckets; i++) norm += counts[i];
  // sqrt of counts has L2 norm sqrt(Σ counts).
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < buckets; i++) out[offset + i] = Math.sqrt(counts[i]) * scale;
}

/** Writes TEXT_STAT_NAMES into out[offset …); zeros when there is no text. */
export function textStatistics(text: string | undefined, words: string[], out: Float32Array, offset: number): void {
  if (text === undefined) {
    for (let i = 0; i < TEXT_STAT_NAMES.length; i++) out[offset + i] = 0;
    return;
  }
  let digits = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) digits++;
  const numbers = text.match(/-?\d+(\.\d+)?/g)?.length ?? 0;
  out[offset] = 1;
  out[offset + 1] = Math.log1p(text.length) / 8;
  out[offset + 2] = Math.log1p(words.length) / 5;
  out[offset + 3] = text.includes('?') ? 1 : 0;
  out[offset + 4] = text.length > 0 ? digits / text.length : 0;
  out[offset + 5] = Math.log1p(numbers) / 3;
}
