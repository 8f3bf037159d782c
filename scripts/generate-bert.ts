// Writes the default BERT model and its tokenizer files under public/models/aura-bert-tiny/.
// Deterministic: running it again gives the same bytes. Run: npx vite-node scripts/generate-bert.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateBert, DEFAULT_BERT_CONFIG } from '../src/services/language/bert-generator';

const outDir = resolve(import.meta.dirname, '../public/models/aura-bert-tiny');
mkdirSync(outDir, { recursive: true });
const model = generateBert(DEFAULT_BERT_CONFIG);
writeFileSync(resolve(outDir, 'model.onnx'), model.onnx);
writeFileSync(resolve(outDir, 'vocab.txt'), model.vocab.join('\n') + '\n');
writeFileSync(resolve(outDir, 'tokenizer.json'), JSON.stringify(model.tokenizerJson, null, 2) + '\n');
writeFileSync(resolve(outDir, 'tokenizer_config.json'), JSON.stringify(model.tokenizerConfig, null, 2) + '\n');
writeFileSync(resolve(outDir, 'config.json'), JSON.stringify(model.config, null, 2) + '\n');
console.log(`wrote ${outDir}: model.onnx ${(model.onnx.byteLength / 1e6).toFixed(2)} MB, vocab ${model.vocab.length} tokens`);
