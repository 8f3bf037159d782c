import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_BERT_CONFIG, generateBert } from '../../../src/services/language/bert-generator';

/**
 * A model directory in the Hugging Face layout made from two generated BERTs with a ham/spam head:
 * onnx/model.onnx and onnx/model_quantized.onnx hold different weights (seeds), so a test can tell
 * which file was loaded from the outputs too. Written under the OS temp directory.
 */
export function writeHfModelDirectory(config: Record<string, unknown> = { id2label: { 0: 'ham', 1: 'spam' }, label2id: { ham: 0, spam: 1 } }) {
  const dir = mkdtempSync(join(tmpdir(), 'aura-hf-model-'));
  mkdirSync(join(dir, 'onnx'));
  const fp32 = generateBert({ ...DEFAULT_BERT_CONFIG, numLabels: 2 });
  const q8 = generateBert({ ...DEFAULT_BERT_CONFIG, numLabels: 2, seed: DEFAULT_BERT_CONFIG.seed + 1 });
  writeFileSync(join(dir, 'onnx', 'model.onnx'), fp32.onnx);
  writeFileSync(join(dir, 'onnx', 'model_quantized.onnx'), q8.onnx);
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(fp32.tokenizerJson));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(fp32.tokenizerConfig));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...fp32.config, ...config }));
  return { dir, fp32: fp32.onnx, q8: q8.onnx };
}
