import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as ort from 'onnxruntime-web';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LanguageStage } from '../../../src/services/language/stage';
import { MemoryStage } from '../../../src/services/memory/stage';
import { SharedTensor } from '../../../src/pipeline/handoff';
import { tensorValues, type Tensor } from '../../../src/gpu/tensor';
import { bertMeanPoolCpu } from '../../../src/kernels/bert-pooling';
import { LanguageService } from '../../../src/services/language/language-service';
import { MemoryService } from '../../../src/services/memory/memory-service';
import { TOLERANCE, maxAbsDiff } from '../../helpers/gpu';
import { writeHfModelDirectory } from '../language/hf-layout';

const TEXTS = ['remember that the gate code is 4521 and the boiler was serviced on friday', 'what did I store', 'WIN A FREE CRUISE!!! click here now'];
const request = (text: string, i: number) => ({ id: `r${i}`, text, timeoutMs: 30_000 });

/**
 * The stages as the pipeline wires them, with a model directory in the HF layout (a generated
 * ham/spam BERT): the language stage answers with config.json's labels, and the memory stage is
 * handed the encoder's embedding: the mean of last_hidden_state over the attention mask,
 * L2-normalised, equal to the CPU reference on a raw onnxruntime-web run of the same file.
 */
describe('language and memory stages on a Hugging Face model directory', () => {
  const model = writeHfModelDirectory();
  let language: LanguageService;
  let stage: LanguageStage;
  beforeAll(async () => {
    language = await LanguageService.create({ backend: 'cpu', model: model.dir, cache: false });
    stage = new LanguageStage(language, { hiddenSize: language.hiddenSize, layers: 2, intermediateSize: 512, labels: 2 });
  });
  afterAll(async () => {
    await language.destroy();
    rmSync(model.dir, { recursive: true, force: true });
  });

  it("the decision says 'ham (p=…)' or 'spam (p=…)', from the embedding run and from a run of its own alike", async () => {
    const made = await stage.embed(TEXTS);
    for (const [i, text] of TEXTS.entries()) {
      const shared = await stage.run({ request: request(text, i), byproduct: made.byproducts[i] });
      const alone = await stage.run({ request: request(text, i) });
      expect(shared.decision).toMatch(/^(ham|spam) \(p=(0\.\d{3}|1\.000)\)$/);
      expect(shared.decision).toBe(alone.decision);
      expect((shared.output as { label: string }).label).toBe(shared.decision.split(' ')[0]);
    }
    made.release();
  });

  it('memory recall is handed the mean over the attention mask of last_hidden_state, L2-normalised (padding in the batch ignored)', async () => {
    const memory = await MemoryService.open({ name: `hf-${Date.now()}`, dimension: language.hiddenSize, backend: 'cpu' });
    const recallStage = new MemoryStage(memory, language.hiddenSize);
    const query = vi.spyOn(memory, 'queryWithInfo');
    const session = await ort.InferenceSession.create(readFileSync(join(model.dir, 'onnx', 'model_quantized.onnx')), { executionProviders: ['wasm'] });
    try {
      const rows = await language.embedRows(TEXTS);
      await memory.storeMany(TEXTS.map((text, i) => ({ key: `note-${i}`, data: text, vector: rows[i] })));
      // The three texts run as one padded batch, as concurrent requests do in the pipeline.
      const made = await stage.embed(TEXTS);
      const shared = new SharedTensor(made.tensor, TEXTS.length, made.release);
      for (const [i, text] of TEXTS.entries()) {
        const { tensor } = await shared.row(i, 'cpu');
        const result = await recallStage.run({ request: request(text, i), embedding: { tensor } });
        const handed = await tensorValues(query.mock.calls.at(-1)![0] as Tensor);
        const ids = language.tokenizer.encode(text).ids;
        const S = ids.length;
        const mask = new BigInt64Array(S).fill(1n);
        const out = await session.run({
          input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, S]),
          attention_mask: new ort.Tensor('int64', mask, [1, S]),
          token_type_ids: new ort.Tensor('int64', new BigInt64Array(S), [1, S]),
        });
        const expected = bertMeanPoolCpu(out.last_hidden_state.data as Float32Array, mask, { batch: 1, seq: S, hidden: language.hiddenSize });
        expect(maxAbsDiff(handed, expected)).toBeLessThanOrEqual(TOLERANCE.f32Reduction);
        expect(Math.hypot(...handed)).toBeCloseTo(1, 5);
        expect(result.path).toBe('cpu');
        // Its own note comes first: the embedding of the same text, alone or in a padded batch, is the same.
        expect(result.decision).toBe(`recalls 'note-${i}' (cosine 1.000)`);
        shared.release();
      }
    } finally {
      await session.release();
      await memory.close();
    }
  });
});
