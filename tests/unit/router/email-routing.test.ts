import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAura, type Aura } from '../../../src/runtime/create-aura';

interface EmailFixture { name: string; label: 'ham' | 'spam'; text: string; logits: number[] }
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/router/emails.json', import.meta.url), 'utf8')) as { labels: string[]; emails: EmailFixture[] };

/** The training side's answer for a fixture e-mail: arg-max label and its softmax probability. */
function trainingSide(logits: number[]): { label: string; p: number } {
  const max = Math.max(...logits);
  const exps = logits.map((x) => Math.exp(x - max));
  const best = logits.indexOf(max);
  return { label: fixture.labels[best], p: exps[best] / exps.reduce((a, b) => a + b, 0) };
}

/**
 * Pasted e-mails (5 ham, 5 spam; SpamAssassin test-split and hand-written messages that are not in
 * the router's training data) go to the language service with every service running, and the
 * response's decision is the language model's 'ham (p=…)' / 'spam (p=…)'.
 */
// fake-indexeddb lets the memory service run in Node, so every service competes for the e-mails.
describe('e-mails through createAura (CPU path, default models)', () => {
  let aura: Aura;
  beforeAll(async () => {
    aura = await createAura({ backend: 'cpu', planStore: false });
  }, 120_000);
  afterAll(async () => aura?.destroy());

  it('has 5 ham and 5 spam e-mails whose training-side answer is their label', () => {
    expect(fixture.emails.filter((e) => e.label === 'ham')).toHaveLength(5);
    expect(fixture.emails.filter((e) => e.label === 'spam')).toHaveLength(5);
    for (const e of fixture.emails) expect(trainingSide(e.logits).label, e.name).toBe(e.label);
  });

  it.each(fixture.emails.map((e) => [e.name, e] as const))('routes %s to language and answers its label', async (_name, email) => {
    const response = await aura.infer({ text: email.text });
    expect(response.route.reason).not.toMatch(/excluded/);
    expect(response.route.selected[0].service, response.route.reason).toBe('language');
    // Routed by the weights trained with this model's embedding, not the hashed-words fallback.
    expect(response.route.reason).toContain('(with its BERT embedding)');
    expect(response.decision.service).toBe('language');
    const match = /^(ham|spam) \(p=(0\.\d{3}|1\.000)\)$/.exec(response.decision.value);
    expect(match, response.decision.value).not.toBeNull();
    expect(match![1]).toBe(email.label);
    // The runtime's own classification of the text (q8 on WASM) agrees with the decision…
    const alone = (await aura.services.language!.classify([email.text])).results[0];
    expect(alone.label).toBe(match![1]);
    // …and with the training side's fp32 probability within the quantisation's reach.
    expect(Math.abs(Number(match![2]) - trainingSide(email.logits).p)).toBeLessThanOrEqual(0.05);
  }, 60_000);
});
