import type { MemoryService } from './memory-service';
import type { MemoryTier } from './memory-types';
import { hashedBagOfWords, routerWords } from '../router/text-features';

/** What a text request asks of memory: to store a fact, or to recall what was said about a topic. */
export type MemoryIntent = { kind: 'remember'; fact: string } | { kind: 'recall'; about: string };

const REMEMBER = /^\s*(?:(?:please|pls|plz|can you|could you|ok|hey)[\s,]+)*(?:remember|rember|rememebr|remeber|note|save|store|keep in mind|don'?t forget|do not forget|make a note|write down|memori[sz]e|jot(?: this)? down|add to my notes|for future reference)\b(?:\s+(?:this|that|for later|for me))*\s*[:,\-–]?\s*(?:that\s+)?/i;
const RECALL = /^(?:.*?\b(?:about|regarding|on|re)\s+)(.+?)[\s?.!]*$/i;

/** Reads the intent from the words the user typed (the router already chose memory). */
export function memoryIntent(text: string): MemoryIntent {
  const remember = REMEMBER.exec(text);
  const rest = remember ? text.slice(remember[0].length).trim().replace(/[.!?]+$/, '') : '';
  if (remember && rest.length > 0 && !/^(?:what|anything|about|when|where|who)\b/i.test(rest)) return { kind: 'remember', fact: rest };
  const about = RECALL.exec(text.trim());
  return { kind: 'recall', about: (about?.[1] ?? text).trim() };
}

/** Notes compared per recall: the closest by embedding, re-ranked with the words they share. */
const CANDIDATES = 16;
const STOP_WORDS = new Set('a an and are at be did do for from had has have i in is it its me my of on or said say that the this to told was we what when where who you your about again'.split(' '));

/** Cosine of the hashed bags of content words (1024 buckets) of two texts. */
export function wordCosine(a: string, b: string): number {
  const bag = (t: string) => {
    const out = new Float32Array(1024);
    hashedBagOfWords(routerWords(t).filter((w) => !STOP_WORDS.has(w)), 1024, out, 0);
    return out;
  };
  const [x, y] = [bag(a), bag(b)];
  let dot = 0;
  for (let i = 0; i < x.length; i++) dot += x[i] * y[i];
  return dot;
}

/** Words for a tier, for answers a person reads. */
export const TIER_NAMES: Record<MemoryTier, string> = { L1: 'L1 (GPU memory)', L2: 'L2 (IndexedDB on this device)', L3: 'L3 (remote store)' };

export interface NoteAnswer {
  decision: string;
  confidence: number;
  output: { intent: MemoryIntent; stored?: { key: string; tier: MemoryTier }; matches?: Array<{ key: string; text: string; similarity: number; tier: MemoryTier }>; searched: number };
}

/** A text embedder: the language model's sentence embedding of one text, and what it cost. */
export type NoteEmbedder = (text: string) => Promise<{ vector: Float32Array; energyPj: number }>;

/**
 * Notes in the memory service: "remember that X" stores X (its text, with its embedding for search)
 * and says in which tier; "what did I say about Y" finds the closest stored notes: similarity = the
 * mean of the embeddings' cosine and the cosine of their content words. Only notes are searched here: a note key starts with `note:`.
 */
export class MemoryNotes {
  constructor(private readonly memory: MemoryService, private readonly embed: NoteEmbedder, private readonly recallCount = 3) {}

  async answer(text: string): Promise<NoteAnswer & { energyPj: number }> {
    const intent = memoryIntent(text);
    if (intent.kind === 'remember') {
      const { vector, energyPj } = await this.embed(intent.fact);
      const key = `note:${Date.now().toString(36)}:${crypto.randomUUID().slice(0, 8)}`;
      const stored = await this.memory.store({ key, data: intent.fact, vector });
      return {
        decision: `Remembered "${intent.fact}" (stored in ${TIER_NAMES[stored.tier]})`,
        confidence: 1,
        energyPj,
        output: { intent, stored: { key, tier: stored.tier }, searched: 0 },
      };
    }
    const searched = this.memory.vectorCount;
    if (searched === 0) {
      return { decision: 'Nothing is stored yet: tell me something to remember first ("remember that …").', confidence: 1, energyPj: 0, output: { intent, matches: [], searched } };
    }
    const { vector, energyPj } = await this.embed(intent.about);
    const { results } = await this.memory.queryWithInfo(vector, Math.min(searched, CANDIDATES), { metric: 'cosine' });
    const notes = results.filter((r) => r.key.startsWith('note:'));
    const scored = await Promise.all(
      notes.map(async (r) => {
        const item = await this.memory.retrieve(r.key);
        const text = String(item.data);
        // The fine-tuned encoder's embeddings are crowded (near-chance topic recall, see the language README):
        // the shared words count as much as the embedding.
        return { key: r.key, text, similarity: (r.score + wordCosine(intent.about, text)) / 2, tier: item.tier };
      }),
    );
    const matches = scored.sort((a, b) => b.similarity - a.similarity).slice(0, this.recallCount);
    if (matches.length === 0) return { decision: 'Nothing is stored yet: tell me something to remember first ("remember that …").', confidence: 1, energyPj, output: { intent, matches, searched } };
    const best = matches[0];
    const others = matches.slice(1).map((m) => `"${m.text}" (${m.similarity.toFixed(2)})`);
    return {
      decision: `You said: "${best.text}" (similarity ${best.similarity.toFixed(2)})${others.length ? `; also ${others.join(', ')}` : ''}`,
      confidence: Math.max(0, Math.min(1, best.similarity)),
      energyPj,
      output: { intent, matches, searched },
    };
  }
}
