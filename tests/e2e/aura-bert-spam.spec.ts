import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test, expect, type AuraWindow } from './fixtures';

// The trained model (public/models/aura-bert-spam) through onnxruntime-web's WebGPU EP in Chromium,
// against the training side's float32 logits (tests/fixtures/aura-bert-spam/fixtures.json).

/** WebGPU EP vs PyTorch, both float32 but different kernels and summation orders. */
const LOGIT_TOLERANCE = 1e-3;

interface FixtureMessage {
  name: string;
  input_ids: number[];
  logits: number[];
}

const fixtures = JSON.parse(readFileSync(resolve(import.meta.dirname, '../fixtures/aura-bert-spam/fixtures.json'), 'utf8')) as { messages: FixtureMessage[] };
const rows = fixtures.messages.map((m) => m.input_ids);

test('aura-bert-spam: WebGPU EP logits within 1e-3 of the training side for the 20 fixtures; int8 loads and agrees', async ({ auraPage }) => {
  test.setTimeout(170_000);
  const result = await auraPage.evaluate(async (rows) => {
    const { loadOrt, webGpuEpAvailable } = (window as unknown as AuraWindow).aura;
    const ort = await loadOrt();
    // One padded batch: every row in one run, so SwiftShader compiles each shader once.
    const width = Math.max(...rows.map((r) => r.length));
    const ids = new BigInt64Array(rows.length * width);
    const mask = new BigInt64Array(rows.length * width);
    rows.forEach((r, i) => r.forEach((id, j) => {
      ids[i * width + j] = BigInt(id);
      mask[i * width + j] = 1n;
    }));
    const dims = [rows.length, width];
    const logitsOf = async (file: string) => {
      const bytes = new Uint8Array(await (await fetch(`/models/aura-bert-spam/onnx/${file}`)).arrayBuffer());
      const session = await ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'] });
      const out = await session.run({
        input_ids: new ort.Tensor('int64', ids, dims),
        attention_mask: new ort.Tensor('int64', mask, dims),
        token_type_ids: new ort.Tensor('int64', new BigInt64Array(ids.length), dims),
      }, ['logits']);
      const logits = Array.from((await out.logits.getData()) as Float32Array);
      await session.release();
      return logits;
    };
    return { webgpu: webGpuEpAvailable(), f32: await logitsOf('model.onnx'), int8: await logitsOf('model_quantized.onnx') };
  }, rows);

  expect(result.webgpu).toBe(true);
  expect(result.f32).toHaveLength(2 * rows.length);
  let worst = 0;
  let agree = 0;
  fixtures.messages.forEach((m, i) => {
    const f = result.f32.slice(2 * i, 2 * i + 2);
    const q = result.int8.slice(2 * i, 2 * i + 2);
    worst = Math.max(worst, ...f.map((v, k) => Math.abs(v - m.logits[k])));
    if (Math.sign(q[1] - q[0]) === Math.sign(m.logits[1] - m.logits[0])) agree++;
  });
  expect(worst).toBeLessThanOrEqual(LOGIT_TOLERANCE);
  expect(result.int8.every(Number.isFinite)).toBe(true);
  expect(agree).toBe(rows.length);
});
