/**
 * The router's training embeddings, cached per language model: training/router/data/embeddings-<sha>.json
 * where <sha> is the SHA-256 of the model's ONNX file the CPU path loads, so a retrained model is
 * embedded afresh and an unchanged one is not embedded twice (embedding the requests takes minutes here).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import type { LanguageService } from '../../src/services/language/language-service';
import type { LabelledRequest } from '../../src/services/router/dataset';
import { embedLabelledRequests } from '../../src/services/router/text-embeddings';
import { DEFAULT_LANGUAGE_MODEL } from '../../src/models/defaults';

const root = new URL('../../', import.meta.url);

function modelHash(): string {
  const dir = new URL(`public/models/${DEFAULT_LANGUAGE_MODEL}/onnx/`, root);
  const hash = createHash('sha256');
  for (const name of readdirSync(dir).sort()) hash.update(name).update(readFileSync(new URL(name, dir)));
  return hash.digest('hex').slice(0, 16);
}

export async function cachedEmbeddings(language: LanguageService, examples: LabelledRequest[]): Promise<Map<string, Float32Array>> {
  const dir = new URL('training/router/data/', root);
  const file = new URL(`embeddings-${modelHash()}.json`, dir);
  const textKey = (e: LabelledRequest) => createHash('sha256').update(e.text ?? '').digest('hex').slice(0, 16);
  const cached: Record<string, number[]> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const missing = examples.filter((e) => e.text !== undefined && !cached[textKey(e)]);
  if (missing.length > 0) {
    console.log(`embedding ${missing.length} texts (${examples.length - missing.length} cached)`);
    const made = await embedLabelledRequests(language, missing);
    for (const e of missing) cached[textKey(e)] = Array.from(made.get(e.id)!);
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, JSON.stringify(cached));
  }
  const out = new Map<string, Float32Array>();
  for (const e of examples) if (e.text !== undefined) out.set(e.id, Float32Array.from(cached[textKey(e)]));
  return out;
}
