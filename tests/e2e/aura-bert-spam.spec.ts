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
// Shortest first: the int8 check (load + agree) runs on the first INT8_ROWS rows only, to keep SwiftShader's work small.
const order = fixtures.messages.map((_, i) => i).sort((a, b) => fixtures.messages[a].input_ids.length - fixtures.messages[b].input_ids.length);
const messages = order.map((i) => fixtures.messages[i]);
const rows = messages.map((m) => m.input_ids);
const INT8_ROWS = 4;

test('aura-bert-spam: WebGPU EP logits within 1e-3 of the training side for the 20 fixtures; int8 loads and agrees on the shortest', async ({ auraPage }) => {
  test.setTimeout(600_000);
  const result = await auraPage.evaluate(async ({ rows, int8Rows }) => {
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
    const marks: string[] = [];
    let t0 = performance.now();
    const mark = (what: string) => {
      marks.push(`${what} ${Math.round(performance.now() - t0)}ms`);
      t0 = performance.now();
    };
    const logitsOf = async (file: string, count: number) => {
      const dims = [count, width];
      const bytes = new Uint8Array(await (await fetch(`/models/aura-bert-spam/onnx/${file}`)).arrayBuffer());
      const session = await ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'] });
      mark(`${file} create`);
      const size = count * width;
      const out = await session.run({
        input_ids: new ort.Tensor('int64', ids.subarray(0, size), dims),
        attention_mask: new ort.Tensor('int64', mask.subarray(0, size), dims),
        token_type_ids: new ort.Tensor('int64', new BigInt64Array(size), dims),
      }, ['logits']);
      const logits = Array.from((await out.logits.getData()) as Float32Array);
      mark(`${file} run [${count}, ${width}]`);
      await session.release();
      return logits;
    };
    const f32 = await logitsOf('model.onnx', rows.length);
    const int8 = await logitsOf('model_quantized.onnx', int8Rows);
    return { webgpu: webGpuEpAvailable(), f32, int8, marks };
  }, { rows, int8Rows: INT8_ROWS });
  console.log(`aura-bert-spam e2e: ${result.marks.join(', ')}`);

  expect(result.webgpu).toBe(true);
  expect(result.f32).toHaveLength(2 * rows.length);
  expect(result.int8).toHaveLength(2 * INT8_ROWS);
  let worst = 0;
  messages.forEach((m, i) => {
    const f = result.f32.slice(2 * i, 2 * i + 2);
    worst = Math.max(worst, ...f.map((v, k) => Math.abs(v - m.logits[k])));
  });
  expect(worst).toBeLessThanOrEqual(LOGIT_TOLERANCE);
  expect(result.int8.every(Number.isFinite)).toBe(true);
  messages.slice(0, INT8_ROWS).forEach((m, i) => {
    expect(Math.sign(result.int8[2 * i + 1] - result.int8[2 * i])).toBe(Math.sign(m.logits[1] - m.logits[0]));
  });
});
