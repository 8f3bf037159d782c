import { describe, expect, it, vi } from 'vitest';
import { createAura } from '../../../src/runtime/create-aura';

/**
 * A text request that the router sends to the language service runs BERT once: the embedding run
 * that routed it also fetched the class head's logits, and the language stage answers from them.
 */
describe('a text request routed to language', () => {
  it('runs BERT once, and the answer equals a classification of its own', async () => {
    const aura = await createAura({ backend: 'cpu', planStore: false, services: ['language', 'lnn'] });
    try {
      const language = aura.services.language!;
      const run = vi.spyOn(language.session, 'run');
      const text = 'Is this spam? Subject: cheap meds online. Buy now, no prescription needed, 80% off, click here';
      const response = await aura.infer({ text });
      expect(response.route.selected.map((s) => s.service)).toContain('language');
      expect(run).toHaveBeenCalledTimes(1);
      const output = response.services.language!.output as { label: string; probabilities: number[]; sharedRunWithEmbedding: boolean; macs: number; tokens: number };
      expect(output.sharedRunWithEmbedding).toBe(true);
      // The token count comes from the same run's encoding.
      expect(output.tokens).toBe(language.tokenizer.encode(text, { maxLength: language.maxLength }).ids.length);
      // The stage counts only the head (hidden × labels); the body's energy came with the embedding.
      expect(output.macs).toBe(language.hiddenSize * output.probabilities.length);
      const alone = (await language.classify([text])).results[0];
      expect(output.label).toBe(alone.label);
      output.probabilities.forEach((p, i) => expect(p).toBeCloseTo(alone.probabilities[i], 5));
    } finally {
      await aura.destroy();
    }
  });
});
