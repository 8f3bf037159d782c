import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuraError } from '../../../src/errors';
import { createAura, type Aura } from '../../../src/runtime/create-aura';
import type { UnifiedResponse } from '../../../src/pipeline/response';

/**
 * One bad request fails only itself: random mixes of valid and hostile requests are sent at once
 * (so they share batches), and every valid one must be answered exactly as it is answered alone.
 * CPU path and small inputs keep 1,000 mixes fast.
 */

/** What must not depend on the company a request keeps in its batch (timings and batch size may). */
function answerOf(r: UnifiedResponse) {
  return {
    decision: r.decision,
    confidence: r.confidence,
    selected: r.route.selected,
    services: Object.fromEntries(Object.entries(r.services).map(([name, s]) => [name, s && { status: s.status, decision: s.decision, confidence: s.confidence }])),
    energy: r.energy.totalPj,
  };
}

const words = ['hello', 'there', 'spike', 'train', 'memory', 'backup', 'finished', 'forecast', 'sensor', 'night'];
const validText = fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 6 }).map((w) => w.join(' '));
const validValue = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.double({ min: -1000, max: 1000, noNaN: true }),
  fc.constantFrom(3.4e38, -3.4e38, 1e-45, 0, 1),
);
const validSeries = fc.array(validValue, { minLength: 1, maxLength: 12 });
const valid = fc.oneof(
  fc.record({ text: validText }),
  fc.record({ series: validSeries }),
  fc.record({ text: validText, series: validSeries }),
);

/** A text getter that answers the check with a string and then something else. */
function changingText() {
  let reads = 0;
  return {
    get text() {
      return reads++ === 0 ? 'hello there' : { toString: () => 'x'.repeat(1e6) };
    },
  };
}

const hostile = fc.oneof(
  fc.constantFrom<unknown>(null, undefined, 42, 'text', [], {}, { text: '' }, { text: 42 }, { series: [] }, { series: 'abc' }),
  fc.constantFrom<unknown>({ series: [1, 1e39] }, { series: [1e308] }, { series: [NaN] }, { series: [1, Infinity] }, { series: [1, '2'] }),
  fc.constantFrom<unknown>({ text: 'x'.repeat(10_001) }, { text: 'a', timeoutMs: -1 }, { text: 'a', id: '' }, { text: 'a', signal: 'stop' }),
  fc.constantFrom<unknown>(JSON.parse('{"__proto__": {"text": "polluted"}}'), { text: 'a', timeoutMs: 1e9 }),
  fc.constant(null).map(() => changingText()),
  fc.constant(null).map(() => ({
    get series() {
      throw new Error('a getter that throws');
    },
  })),
  fc.double({ min: 3.5e38, max: 1e300, noNaN: true }).map((big) => ({ series: [0, big] })),
);

const mix = fc.array(fc.oneof(valid.map((request) => ({ valid: true as const, request })), hostile.map((request) => ({ valid: false as const, request }))), { minLength: 2, maxLength: 8 });

describe('a mixed batch', () => {
  let aura: Aura;
  const alone = new Map<string, ReturnType<typeof answerOf>>();
  const answerAlone = async (request: object) => {
    const key = JSON.stringify(request);
    if (!alone.has(key)) alone.set(key, answerOf(await aura.infer(request)));
    return alone.get(key)!;
  };

  beforeAll(async () => {
    aura = await createAura({ backend: 'cpu', planStore: false, services: ['lnn', 'neuromorphic'], batching: { maxBatch: 8, maxWaitMs: 1 } });
  });
  afterAll(() => aura.destroy());

  it('1e39 in one request does not fail the text request beside it', async () => {
    const [text, big] = await Promise.allSettled([aura.infer({ text: 'hello there' }), aura.infer({ series: [1, 1e39] })]);
    expect(text.status).toBe('fulfilled');
    expect(big).toMatchObject({ status: 'rejected', reason: { code: 'INVALID_INPUT', message: expect.stringContaining('float32') } });
  });

  it('1,000 random mixes: every valid request is answered as it is alone, every hostile one fails with its own typed error', async () => {
    let validAnswered = 0;
    let hostileRejected = 0;
    await fc.assert(
      fc.asyncProperty(mix, async (members) => {
        const settled = await Promise.allSettled(members.map((m) => aura.infer(m.request as never)));
        for (const [i, member] of members.entries()) {
          const outcome = settled[i];
          if (member.valid) {
            if (outcome.status === 'rejected') throw new Error(`valid ${JSON.stringify(member.request)} failed: ${outcome.reason}`);
            expect(answerOf(outcome.value)).toEqual(await answerAlone(member.request));
            validAnswered++;
          } else {
            if (outcome.status === 'fulfilled') continue; // a hostile-looking request may be answerable (a polluted prototype is ignored)
            expect(outcome.reason).toBeInstanceOf(AuraError);
            expect(outcome.reason.code).toBe('INVALID_INPUT');
            hostileRejected++;
          }
        }
      }),
      { numRuns: 1000, seed: 18 },
    );
    expect(validAnswered).toBeGreaterThan(1000);
    expect(hostileRejected).toBeGreaterThan(1000);
  });
});
