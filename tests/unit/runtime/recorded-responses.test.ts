import 'fake-indexeddb/auto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createAura } from '../../../src/runtime/create-aura';
import type { UnifiedResponse } from '../../../src/pipeline/response';

/**
 * A fixed set of requests through `createAura` on the CPU path in Node, compared with the responses
 * recorded from the code before the layering refactor (issue 15): the same routes, decisions,
 * confidences, energy and outputs, value for value. Timings are left aside (they vary run to run),
 * as are ids and the consensus group's signatures and clocks (fresh keys each start).
 * Re-record on purpose only: `AURA_RECORD=1 npx vitest run tests/unit/runtime/recorded-responses.test.ts`.
 */
const RECORDED = new URL('../../fixtures/recorded-responses/responses.json', import.meta.url);
const digits = (JSON.parse(readFileSync(new URL('../../fixtures/aura-snn-digits/fixture.json', import.meta.url), 'utf8')) as { images: number[][] }).images;

const REQUESTS = [
  { id: 'spam', text: 'WIN A FREE CRUISE!!! click here now to claim your prize' },
  { id: 'ham', text: 'can we move the project meeting to thursday afternoon?' },
  { id: 'sine', series: Array.from({ length: 48 }, (_, t) => Math.sin(t / 5)) },
  { id: 'triangle', series: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1] },
  { id: 'spikes', series: Array.from({ length: 32 }, (_, t) => (t % 4 === 0 ? 1 : 0)) },
  { id: 'digit-0', series: digits[0] },
  { id: 'digit-1', series: digits[1] },
  { id: 'digit-2', series: digits[2] },
  { id: 'remember', text: 'remember that the gate code is 4521 and the boiler was serviced on friday' },
  { id: 'recall', text: 'what is the gate code?' },
  { id: 'recall-2', text: 'did the photo backup finish?' },
  { id: 'mixed', text: 'how warm is the greenhouse', series: [18, 19, 21, 24, 26, 25, 23, 20] },
  { id: 'mixed-2', text: 'sensor readings from the north wall', series: Array.from({ length: 64 }, (_, t) => Math.cos(t / 3) * 4) },
];

const NOTES = ['the gate code is 4521 and the boiler was serviced on friday', 'the backup of the photos finished last night', 'the greenhouse heater is set to 21 degrees'];

/** Keys whose values change from run to run for reasons outside the computation. */
const VOLATILE = new Set(['timings', 'wallMs', 'gpuMs', 'ms', 'timestamp', 'signature', 'signatures', 'publicKey', 'digest', 'replicaId', 'certificate', 'latencyMs', 'elapsedMs']);

/** A note's key is made from the clock when it is stored ("note:<time>:<hash>"). */
const NOTE_KEY = /^note:[0-9a-z]+:[0-9a-f]+$/;

function stable(value: unknown): unknown {
  if (typeof value === 'string' && NOTE_KEY.test(value)) return 'note:(clock-made key)';
  if (Array.isArray(value)) return value.map(stable);
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!VOLATILE.has(k)) out[k] = stable(v);
    return out;
  }
  return value;
}

/** The paths and reasons of each stage's timing are behaviour, the milliseconds are not. */
function record(response: UnifiedResponse) {
  const perStage = Object.fromEntries(Object.entries(response.timings.perStage).map(([stage, t]) => [stage, { path: t.path, why: t.why, input: t.input }]));
  return { response: stable(response), stages: stable(perStage) };
}

describe('recorded responses through createAura (CPU path, Node)', () => {
  it('are identical to those recorded before the refactor', async () => {
    const aura = await createAura({ backend: 'cpu', planStore: false, services: ['language', 'neuromorphic', 'lnn', 'memory'], memory: { name: `recorded-${Date.now()}` } });
    const got: Record<string, unknown> = {};
    try {
      // Storing is the caller's explicit act (the memory stage only recalls): remember through the service.
      const memory = aura.services.memory!;
      const language = aura.services.language!;
      for (const [i, note] of NOTES.entries()) {
        const [vector] = await language.embedRows([note]);
        await memory.store({ key: `note-${i}`, data: note, vector });
      }
      await memory.store({ key: 'triangle-shape', data: 'a triangle', shape: { series: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1] } });
      // One at a time, in order.
      for (const r of REQUESTS) got[r.id] = record(await aura.infer(r));
      // And the same requests batched together, as the orchestrator's batcher groups them.
      const batched = await Promise.all(REQUESTS.map((r) => aura.infer({ ...r, id: `${r.id}-batched` })));
      for (const b of batched) got[b.id] = record(b);
    } finally {
      await aura.destroy();
    }
    if (process.env.AURA_RECORD === '1' || !existsSync(RECORDED)) {
      writeFileSync(RECORDED, `${JSON.stringify(got, null, 1)}\n`);
      if (process.env.AURA_RECORD !== '1') throw new Error('no recorded responses existed: recorded them; run again to compare');
    }
    const recorded = JSON.parse(readFileSync(RECORDED, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(got)).toEqual(Object.keys(recorded));
    for (const id of Object.keys(recorded)) expect(JSON.parse(JSON.stringify(got[id])), id).toEqual(recorded[id]);
  });
});
