import { describe, expect, it } from 'vitest';
import { NO_FIT_ANSWER, answerOf, formatEnergy } from '../../../src/pipeline/answer';
import { memoryIntent } from '../../../src/services/memory/memory-notes';
import type { UnifiedResponse } from '../../../src/pipeline/response';

function response(over: Partial<UnifiedResponse>): UnifiedResponse {
  return {
    id: 'r',
    decision: { service: 'none', value: 'no service succeeded' },
    confidence: 0,
    route: { selected: [], skipped: [], reason: '', auxLoss: { loadBalancing: 0, zLoss: 0 } },
    services: {},
    energy: { totalPj: 0, perService: {}, model: 'none' },
    timings: { perStage: {}, totalMs: 1 },
    batchSize: 1,
    ...over,
  };
}

describe('answers in plain words', () => {
  it('energy units are readable', () => {
    expect(formatEnergy(850)).toBe('850 pJ');
    expect(formatEnergy(33_396_736)).toBe('33.4 µJ');
    expect(formatEnergy(2.5e9)).toBe('2.50 mJ');
    expect(formatEnergy(4200)).toBe('4.20 nJ');
  });

  it('no selected service: "I can\'t help with that"', () => {
    expect(answerOf(response({})).text.startsWith(NO_FIT_ANSWER)).toBe(true);
  });

  it('energy rows (embedding first) sum to the total', () => {
    const a = answerOf(response({
      decision: { service: 'language', value: 'spam (p=0.990)' },
      route: { selected: [{ service: 'language', weight: 1 }], skipped: [], reason: '', auxLoss: { loadBalancing: 0, zLoss: 0 } },
      services: { language: { status: 'ok', output: { label: 'spam', probabilities: [0.01, 0.99] } } },
      energy: { totalPj: 5_000_384, perService: { language: 384 }, embeddingPj: 5_000_000, model: 'horowitz-45nm' },
    }));
    expect(a.text).toBe('spam (p=0.990): this looks like spam.');
    expect(a.energy.map((r) => r.name)).toEqual(['embedding', 'language']);
    expect(a.energy.reduce((s, r) => s + r.pj, 0)).toBe(a.totalPj);
    expect(a.totalPj).toBe(5_000_384);
    expect(a.totalText).toBe('5.00 µJ');
  });

  it('reads remember and recall intents', () => {
    expect(memoryIntent('remember that my locker code is 4521')).toEqual({ kind: 'remember', fact: 'my locker code is 4521' });
    expect(memoryIntent('pls rember the plumber comes wednesday')).toEqual({ kind: 'remember', fact: 'the plumber comes wednesday' });
    expect(memoryIntent('Note for later: the car insurance renews in May.')).toEqual({ kind: 'remember', fact: 'the car insurance renews in May' });
    expect(memoryIntent('What did I say about the locker?')).toEqual({ kind: 'recall', about: 'the locker' });
    expect(memoryIntent('Do you remember what I told you about the backup?')).toEqual({ kind: 'recall', about: 'the backup' });
  });
});
