import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAura, type Aura } from '../../../src/runtime/create-aura';
import type { AuraRequest } from '../../../src/core/request';
import type { UnifiedResponse } from '../../../src/pipeline/response';

/**
 * Batching changes how the work is shared, never the answer: the same requests through a runtime
 * that batches (front batch 32, stages over the batch) and one that runs one request per run (BERT
 * too) give the same responses, value for value, apart from timings and the batch size. CPU path.
 */
const SERVICES = ['language', 'neuromorphic', 'lnn', 'memory'] as const;

/** Requests like the pipeline bench's mixed set, with series of several lengths (one read in chunks) and text with a series. */
function requests(): AuraRequest[] {
  const texts = ['what is the weather in lisbon', 'WIN A FREE CRUISE click here now', 'classify this support ticket', 'all tabs should agree on the next leader'];
  const lengths = [48, 48, 8, 19, 300, 64];
  return Array.from({ length: 40 }, (_, i) => {
    if (i % 2 === 0) return { id: `r${i}`, text: `${texts[(i / 2) % texts.length]} ${i}`, ...(i % 10 === 0 ? { series: [18, 19, 21, 24, 26, 25, 23, 20] } : {}) };
    return { id: `r${i}`, series: Array.from({ length: lengths[i % lengths.length] }, (_, t) => Math.sin((t + i) / 5)) };
  });
}

/**
 * The response without what belongs to the batch rather than the request: timings (and the batch's
 * embed and route steps), the batch size, and the gating's auxiliary losses (statistics over the batch's tokens).
 */
function stable(r: UnifiedResponse) {
  const { timings, batchSize, route, ...rest } = r;
  const { auxLoss, ...routed } = route;
  const paths = Object.fromEntries(Object.entries(timings.perStage).filter(([stage]) => stage !== 'embed' && stage !== 'route').map(([stage, t]) => [stage, { path: t.path, input: t.input }]));
  return JSON.parse(JSON.stringify({ ...rest, route: routed, paths }));
}

/**
 * A text's embedding depends on the texts it ran with: the default (q8) BERT quantizes its activations
 * with one scale per tensor (DynamicQuantizeLinear), that is per batch, so a text's route weights move
 * by up to a few hundredths with its company. For text the choices must be equal (services selected,
 * the deciding service, each service's status); a series alone must match value for value.
 */
function expectSame(a: UnifiedResponse, b: UnifiedResponse, request: AuraRequest) {
  if (request.text === undefined) return expect(stable(a), request.id).toEqual(stable(b));
  const choices = (r: UnifiedResponse) => ({
    decision: r.decision.service,
    selected: r.route.selected.map((c) => c.service),
    services: Object.fromEntries(Object.entries(r.services).map(([name, s]) => [name, s?.status])),
  });
  expect(choices(a), request.id).toEqual(choices(b));
}

let batched: Aura;
let oneByOne: Aura;
beforeAll(async () => {
  const common = { backend: 'cpu' as const, planStore: false as const, services: [...SERVICES] };
  batched = await createAura({ ...common, batching: { maxBatch: 32, maxWaitMs: 2 }, memory: { name: `batched-${Date.now()}` } });
  oneByOne = await createAura({ ...common, batching: { maxBatch: 1, maxWaitMs: 0 }, language: { maxBatch: 1, maxWaitMs: 0 }, memory: { name: `alone-${Date.now()}` } });
}, 300_000);
afterAll(async () => {
  await batched?.destroy();
  await oneByOne?.destroy();
});

describe('batched and one request per run', () => {
  it('give equal responses to the same concurrent requests', async () => {
    const set = requests();
    const [a, b] = [await Promise.all(set.map((r) => batched.infer(r))), await Promise.all(set.map((r) => oneByOne.infer(r)))];
    expect(Math.max(...a.map((r) => r.batchSize))).toBeGreaterThan(1);
    expect(b.every((r) => r.batchSize === 1)).toBe(true);
    // Several services took part, among them the LNN over series of several lengths.
    expect(new Set(a.flatMap((r) => Object.keys(r.services))).size).toBeGreaterThanOrEqual(3);
    a.forEach((r, i) => expectSame(r, b[i], set[i]));
  }, 300_000);

  it('and a request that runs out of time in the batch fails only itself', async () => {
    const set = requests().slice(0, 8);
    const late = { id: 'late', series: Array.from({ length: 48 }, (_, t) => Math.cos(t / 5)), timeoutMs: 1 };
    const settled = await Promise.allSettled([...set.slice(0, 4), late, ...set.slice(4)].map((r) => batched.infer(r)));
    expect(settled[4]).toMatchObject({ status: 'rejected', reason: { code: 'TIMEOUT' } });
    const good = settled.filter((_, i) => i !== 4);
    for (const [i, r] of set.entries()) {
      const answered = good[i];
      expect(answered.status, r.id).toBe('fulfilled');
      if (answered.status === 'fulfilled') expectSame(answered.value, await oneByOne.infer(r), r);
    }
  }, 300_000);
});
