import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { LanguageService } from '../../../src/services/language/language-service';
import { createTransformersPeer, type TransformersPeer } from '../../../bench/peer/transformers-peer';
import { PEER_TEXTS } from '../../../bench/peer/texts';

// AURA and transformers.js v4 (the bench's peer) run the same f32 model file on the same whole
// e-mails: their logits must agree. Both are float32 ONNX runs, but different runtimes (onnxruntime-web
// WASM vs onnxruntime-node) and padding (AURA pads to a sequence bucket under the attention mask).
const LOGIT_TOLERANCE = 1e-3;
const MODELS = resolve(import.meta.dirname, '../../../public/models');

describe('AURA and transformers.js agree on aura-bert-spam (f32)', () => {
  let aura: LanguageService;
  let peer: TransformersPeer;
  beforeAll(async () => {
    aura = await LanguageService.create({ model: resolve(MODELS, 'aura-bert-spam'), dtype: 'fp32', backend: 'cpu', cache: false, warmUp: false });
    peer = await createTransformersPeer({ device: 'cpu', modelRoot: `${MODELS}/`, model: 'aura-bert-spam', dtype: 'fp32' });
  });
  afterAll(async () => {
    await aura?.destroy();
    await peer?.dispose();
  });

  it('uses the e-mails that fit the 256-token window whole, ham and spam among them', () => {
    expect(PEER_TEXTS.length).toBeGreaterThanOrEqual(6);
    expect(new Set(PEER_TEXTS.map((t) => t.label))).toEqual(new Set(['ham', 'spam']));
    expect(peer.runtime).toMatch(/^onnxruntime-node /);
  });

  it('gives the same logits (within 1e-3), labels and probabilities on every text', async () => {
    const { results } = await aura.classify(PEER_TEXTS.map((t) => t.text));
    for (const [i, t] of PEER_TEXTS.entries()) {
      const theirs = await peer.logits(t.text);
      const ours = results[i].logits;
      expect(theirs.length, t.name).toBe(ours.length);
      for (let k = 0; k < ours.length; k++) expect(Math.abs(ours[k] - theirs[k]), `${t.name} logit ${k}`).toBeLessThan(LOGIT_TOLERANCE);
      const top = await peer.classify(t.text);
      expect(top.label, t.name).toBe(results[i].label);
      expect(Math.abs(top.score - results[i].score), t.name).toBeLessThan(LOGIT_TOLERANCE);
    }
  });
});
