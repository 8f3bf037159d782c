import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAura, type Aura } from '../../../src/runtime/create-aura';

const gallery = JSON.parse(readFileSync(new URL('../../../src/app/gallery.json', import.meta.url), 'utf8')) as {
  examples: Array<{ id: string; expect: string; request: { text?: string; series?: number[] } }>;
};
const example = (id: string) => gallery.examples.find((e) => e.id === id)!.request;

/** Answers end to end through createAura (CPU path, default models, memory on fake-indexeddb). */
describe('answers through createAura', () => {
  let aura: Aura;
  beforeAll(async () => {
    aura = await createAura({ backend: 'cpu', planStore: false, memory: { name: `answers-${Date.now()}` } });
  }, 180_000);
  afterAll(async () => aura?.destroy());

  it('memory: an empty store says so, "remember that X" stores X with its tier, "what did I say about Y" recalls it with its similarity', async () => {
    const empty = await aura.infer({ text: 'What did I say about the backup?' });
    expect(empty.route.selected[0]?.service, empty.route.reason).toBe('memory');
    expect(empty.answer.text).toMatch(/^Nothing is stored yet/);
    const stored = await aura.infer({ text: 'Remember that the backup finished at 2 am last night' });
    expect(stored.answer.text).toMatch(/^Remembered "the backup finished at 2 am last night" \(stored in L1 \(GPU memory\)\)$/);
    await aura.infer({ text: 'Remember that my dentist appointment is on Tuesday' });
    const recalled = await aura.infer({ text: 'What did I say about the backup?' });
    expect(recalled.answer.service).toBe('memory');
    expect(recalled.answer.text).toMatch(/^You said: "the backup finished at 2 am last night" \(similarity 0\.\d\d\)/);
    const matches = (recalled.services.memory!.output as { matches: Array<{ text: string; similarity: number }> }).matches;
    expect(matches.map((m) => m.text)).toContain('my dentist appointment is on Tuesday');
    expect(matches[0].similarity).toBeGreaterThan(matches[1].similarity);
  }, 120_000);

  it('language: spam / ham with p; energy rows (embedding first) sum to the total', async () => {
    for (const id of ['spam', 'ham']) {
      const r = await aura.infer(example(id));
      expect(r.answer.service, r.route.reason).toBe('language');
      expect(r.answer.text).toMatch(/^(spam|ham) \(p=\d\.\d{3}\): this looks like (spam|a normal e-mail)\./);
      expect(r.answer.energy[0].name).toBe('embedding');
      expect(r.answer.energy.reduce((a, row) => a + row.pj, 0)).toBeCloseTo(r.energy.totalPj, 3);
      expect(r.answer.totalText).toMatch(/^[\d.]+ (pJ|nJ|µJ|mJ|J)$/);
    }
  }, 120_000);

  it('neuromorphic: the digit with its probability, spike count and energy beside the same-size ANN', async () => {
    const r = await aura.infer(example('digit'));
    expect(r.answer.service, r.route.reason).toBe('neuromorphic');
    expect(r.answer.text).toMatch(/^It's a \d \(p=\d\.\d\d\)\. [\d,]+ spikes, [\d.]+ (pJ|nJ|µJ); the same-size ANN: [\d.]+ (pJ|nJ|µJ)\.$/);
  }, 60_000);

  it('lnn: the next values with a 95 % interval', async () => {
    const r = await aura.infer(example('births'));
    expect(r.answer.service, r.route.reason).toBe('lnn');
    expect(r.answer.text).toMatch(/^Forecast: next [\d,]+ \(95 % interval [\d,.]+ to [\d,.]+\), then [\d,]+, [\d,]+\.$/);
  }, 60_000);

  it('no expert fits: "I can\'t help with that"', async () => {
    for (const text of ['hello there', 'What is the weather like in Paris?']) {
      const r = await aura.infer({ text });
      expect(r.route.selected, r.route.reason).toEqual([]);
      expect(r.answer.text).toMatch(/^I can't help with that\./);
      expect(r.answer.energy.map((row) => row.name)).toEqual(['embedding']);
    }
  }, 60_000);
});
