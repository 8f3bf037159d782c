import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { MemoryNotes, memoryIntent } from '../../../src/services/memory/memory-notes';
import { MemoryService } from '../../../src/services/memory/memory-service';
import { inMemoryRelationStore, MemoryRelations } from '../../../src/services/memory/relations';
import { hashedBagOfWords, routerWords } from '../../../src/services/router/text-features';

// The notes' logic, not the encoder, is under test: texts are embedded by their hashed words (deterministic).
const DIM = 64;
const embed = async (text: string) => {
  const vector = new Float32Array(DIM);
  hashedBagOfWords(routerWords(text), DIM, vector, 0);
  return { vector, energyPj: 0 };
};

describe('notes linked as relations: "what else do I know about X"', () => {
  it('reads "what else" as a recall that wants related notes', () => {
    expect(memoryIntent('What else do I know about the boiler?')).toEqual({ kind: 'recall', about: 'the boiler', related: true });
    expect(memoryIntent('What did I say about the boiler?')).toEqual({ kind: 'recall', about: 'the boiler' });
  });

  it('links each note to the one stored before it and to similar notes; the answer names related notes beyond the matches', async () => {
    const memory = await MemoryService.open({ name: `notes-rel-${Date.now()}`, dimension: DIM, backend: 'cpu' });
    const relations = new MemoryRelations(inMemoryRelationStore());
    const notes = new MemoryNotes(memory, embed, relations, 1);
    const keys: string[] = [];
    for (const fact of ['the boiler was serviced in May', 'the plumber charged 80 euros', 'my sister visits in June', 'the boiler service costs 120 euros a year']) {
      const a = await notes.answer(`remember that ${fact}`);
      keys.push(a.output.stored!.key);
    }
    // Stored one after another: each note to the one before it.
    expect((await relations.neighbours(keys[1], 1, ['stored_after'])).map((n) => n.key).sort()).toEqual([keys[0], keys[2]].sort());
    // The second boiler note is similar to the first (shared words), not to the sister's visit.
    const similar = (await relations.neighbours(keys[3], 1, ['similar_embedding'])).map((n) => n.key);
    expect(similar).toContain(keys[0]);
    expect(similar).not.toContain(keys[2]);

    const plain = await notes.answer('What did I say about the boiler service?');
    expect(plain.output.related).toBeUndefined();
    const more = await notes.answer('What else do I know about the boiler service?');
    const best = more.output.matches![0].key;
    expect([keys[0], keys[3]]).toContain(best);
    const related = more.output.related!.map((r) => r.key);
    expect(related.length).toBeGreaterThan(0);
    expect(related).not.toContain(best);
    expect(more.decision).toMatch(/; related: "/);
    await memory.close();
  });

  it('a related note that was deleted from memory is not named', async () => {
    const memory = await MemoryService.open({ name: `notes-rel-del-${Date.now()}`, dimension: DIM, backend: 'cpu' });
    const relations = new MemoryRelations(inMemoryRelationStore());
    const notes = new MemoryNotes(memory, embed, relations, 1);
    const first = (await notes.answer('remember that the car needs new tyres')).output.stored!.key;
    await notes.answer('remember that the car tyres are in the garage');
    await memory.delete([first]);
    const more = await notes.answer('What else do I know about the car tyres?');
    expect((more.output.related ?? []).map((r) => r.key)).not.toContain(first);
    await memory.close();
  });
});
