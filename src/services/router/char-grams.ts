/**
 * Hashed character trigrams of the words (fastText-style subwords, Bojanowski et al. 2017: each word
 * padded as `<word>`): a typo ("rember", "spma") still shares most trigrams with the word it
 * misspells, where the word's own hash bucket is lost. Same scaling as the bag of words: FNV-1a mod
 * the bucket count, sqrt of the counts, L2-normalised.
 */
import { wordBucket } from './text-features';

export const CHAR_GRAM_SIZE = 3;

/** The trigrams of one lower-cased word, padded with '<' and '>'. */
export function charGrams(word: string): string[] {
  const padded = `<${word}>`;
  const out: string[] = [];
  for (let i = 0; i + CHAR_GRAM_SIZE <= padded.length; i++) out.push(padded.slice(i, i + CHAR_GRAM_SIZE));
  return out;
}

/** Writes the hashed trigrams of `words` into out[offset … offset+buckets); zeros for no words. */
export function hashedCharGrams(words: string[], buckets: number, out: Float32Array, offset: number): void {
  const counts = new Float64Array(buckets);
  let total = 0;
  for (const w of words) {
    for (const g of charGrams(w)) {
      counts[wordBucket(g, buckets)] += 1;
      total += 1;
    }
  }
  const scale = total > 0 ? 1 / Math.sqrt(total) : 0;
  for (let i = 0; i < buckets; i++) out[offset + i] = Math.sqrt(counts[i]) * scale;
}
