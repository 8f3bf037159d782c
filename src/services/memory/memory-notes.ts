import type { MemoryService } from './memory-service';
import type { MemoryTier } from './memory-types';
import { hashedBagOfWords, routerWords } from '../router/text-features';
import type { MemoryRelations, RelationKind } from './relations';

/** What a text request asks of memory: to store a fact, or to recall what was said about a topic. */
export type MemoryIntent = { kind: 'remember'; fact: string } | { kind: 'recall'; about: string; related?: true };

const REMEMBER = /^\s*(?:(?:please|pls|plz|can you|could you|ok|hey)[\s,]+)*(?:remember|rember|rememebr|remeber|note|save|store|keep in mind|don'?t forget|do not forget|make a note|write down|memori[sz]e|jot(?: this)? down|add to my notes|for future reference)\b(?:\s+(?:this|that|for later|for me))*\s*[:,\-–]?\s*(?:that\s+)?/i;
const RECALL = /^(?:.*?\b(?:about|regarding|on|re)\s+)(.+?)[\s?.!]*$/i;

/** Reads the intent from the words the user typed (the router already chose memory). */
export function memoryIntent(text: string): MemoryIntent {
  const remember = REMEMBER.exec(text);
  const rest = remember ? text.slice(remember[0].length).trim().replace(/[.!?]+$/, '') : '';
  if (remember && rest.length > 0 && !/^(?:what|anything|about|when|where|who)\b/i.test(rest)) return { kind: 'remember', fact: rest };
  const about = (RECALL.exec(text.trim())?.[1] ?? text).trim();
  // "what else do I know about X": the closest note and the notes related to it.
  return /\bwhat else\b/i.test(text) ? { kind: 'recall', about, related: true } : { kind: 'recall', about };
}

/** Notes compared per recall: the closest by embedding, re-ranked with the words they share. */
const CANDIDATES = 16;
/**
 * A new note is linked (similar_embedding, weighted by the recall similarity) to the stored notes whose
 * content words it shares at least this much (word cosine), at most SIMILAR_LINKS. Not by the embedding
 * alone: the encoder's embeddings of any two notes have cosine 0.93–0.996 (measured on eight notes).
 */
const SIMILAR_WORDS = 0.15;
const SIMILAR_LINKS = 4;
/** Related notes named in an answer, at most. */
const RELATED_SHOWN = 3;
const RELATION_WORDS: Record<RelationKind, string> = { stored_after: 'said next to it', similar_embedding: 'similar', similar_shape: 'similar shape', same_conversation: 'same conversation' };
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
  output: {
    intent: MemoryIntent;
    stored?: { key: string; tier: MemoryTier };
    matches?: Array<{ key: string; text: string; similarity: number; tier: MemoryTier }>;
    related?: Array<{ key: string; text: string; depth: number; via: RelationKind[] }>;
    searched: number;
  };
}

/** A text embedder: the language model's sentence embedding of one text, and what it cost. */
export type NoteEmbedder = (text: string) => Promise<{ vector: Float32Array; energyPj: number }>;

/**
 * Notes in the memory service: "remember that X" stores X (its text, with its embedding for search)
 * and says in which tier; "what did I say about Y" finds the closest stored notes: similarity = the
 * mean of the embeddings' cosine and the cosine of their content words. Only notes are searched here: a note key starts with `note:`.
 * With `relations`, a new note is linked to the note stored before it and to similar notes, and
 * "what else do I know about Y" also names the notes related to the closest one (to depth 2).
 */
export class MemoryNotes {
  private lastNote?: string;

  constructor(private readonly memory: MemoryService, private readonly embed: NoteEmbedder, private readonly relations?: MemoryRelations, private readonly recallCount = 3) {}

  async answer(text: string): Promise<NoteAnswer & { energyPj: number }> {
    const intent = memoryIntent(text);
    if (intent.kind === 'remember') {
      const { vector, energyPj } = await this.embed(intent.fact);
      const key = `note:${Date.now().toString(36)}:${crypto.randomUUID().slice(0, 8)}`;
      const similar = this.relations && this.memory.vectorCount > 0 ? await this.scoreNotes(intent.fact, vector) : [];
      const stored = await this.memory.store({ key, data: intent.fact, vector });
      if (this.relations) {
        const previous = this.lastNote && this.memory.has(this.lastNote) ? [{ src: key, dst: this.lastNote, kind: 'stored_after' as const }] : [];
        const near = similar.filter((n) => n.words >= SIMILAR_WORDS).slice(0, SIMILAR_LINKS);
        await this.relations.link([...previous, ...near.map((n) => ({ src: key, dst: n.key, kind: 'similar_embedding' as const, weight: n.similarity }))]);
        this.lastNote = key;
      }
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
    const matches = (await this.scoreNotes(intent.about, vector)).slice(0, this.recallCount).map(({ words: _, ...m }) => m);
    if (matches.length === 0) return { decision: 'Nothing is stored yet: tell me something to remember first ("remember that …").', confidence: 1, energyPj, output: { intent, matches, searched } };
    const best = matches[0];
    const others = matches.slice(1).map((m) => `"${m.text}" (${m.similarity.toFixed(2)})`);
    const related = intent.related ? await this.relatedTo(best.key, new Set(matches.map((m) => m.key))) : undefined;
    const relatedWords = related?.length ? `; related: ${related.map((r) => `"${r.text}" (${RELATION_WORDS[r.via[0]]})`).join(', ')}` : '';
    return {
      decision: `You said: "${best.text}" (similarity ${best.similarity.toFixed(2)})${others.length ? `; also ${others.join(', ')}` : ''}${relatedWords}`,
      confidence: Math.max(0, Math.min(1, best.similarity)),
      energyPj,
      output: { intent, matches, related, searched },
    };
  }

  /** The stored notes closest to a text, most similar first. */
  private async scoreNotes(about: string, vector: Float32Array) {
    const { results } = await this.memory.queryWithInfo(vector, Math.min(this.memory.vectorCount, CANDIDATES), { metric: 'cosine' });
    const scored = await Promise.all(
      results
        .filter((r) => r.key.startsWith('note:'))
        .map(async (r) => {
          const item = await this.memory.retrieve(r.key);
          const text = String(item.data);
          // The fine-tuned encoder's embeddings are crowded (near-chance topic recall, see the language README):
          // the shared words count as much as the embedding.
          const words = wordCosine(about, text);
          return { key: r.key, text, similarity: (r.score + words) / 2, words, tier: item.tier };
        }),
    );
    return scored.sort((a, b) => b.similarity - a.similarity);
  }

  /** Notes related to `key` (depth 2) that are still stored, other than those already named. */
  private async relatedTo(key: string, named: Set<string>) {
    const near = (await this.relations?.neighbours(key, 2)) ?? [];
    const shown = near.filter((n) => !named.has(n.key) && this.memory.has(n.key)).slice(0, RELATED_SHOWN);
    return Promise.all(shown.map(async (n) => ({ key: n.key, text: String((await this.memory.retrieve(n.key)).data), depth: n.depth, via: n.via })));
  }
}
