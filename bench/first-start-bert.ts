import { LanguageService } from '../src/services/language/language-service';
import { loadOrt } from '../src/services/language/ort-runtime';

/** Sentences of 20–30 word pieces, as in the language suite, so a batch is 32 rows of similar length. */
const SENTENCES = [
  'The quick brown fox jumps over the lazy dog while the cat plays in the web browser page.',
  'Spiking neuron networks learn fast when energy and memory are counted for each query.',
  'A router sends the text embedding to the best service, and the model makes a new vector.',
  'Hello world: this sentence is here to make the language model work a little, please help.',
];

export interface BertThroughput {
  /** onnxruntime-web's `env.wasm.numThreads` as this realm runs it. */
  threads: number;
  crossOriginIsolated: boolean | undefined;
  model: string;
  batch: number;
  runs: number;
  /** Median time of one batch-32 run, ms. */
  p50Ms: number;
  textsPerSecond: number;
}

/**
 * BERT batch-32 throughput on the WASM EP, in whatever thread count this realm's onnxruntime-web was
 * loaded with (`env.wasmThreads` or the default, set before the first session): one warm-up run,
 * then the median of `runs` runs of 32 texts each.
 */
export async function bertBatchThroughput(runs: number, batch = 32): Promise<BertThroughput> {
  const service = await LanguageService.create({ backend: 'cpu', cache: false, maxBatch: batch, maxWaitMs: 0 });
  try {
    const texts = Array.from({ length: batch }, (_, i) => SENTENCES[i % SENTENCES.length]);
    const once = async () => {
      const t0 = performance.now();
      const e = await service.embed(texts, { rows: true });
      e.tensor?.dispose();
      return performance.now() - t0;
    };
    await once();
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(await once());
    times.sort((a, b) => a - b);
    const p50Ms = times[Math.floor(times.length / 2)];
    const config = service.config as { num_hidden_layers?: number; hidden_size?: number };
    return {
      threads: (await loadOrt({ build: 'wasm' })).env.wasm.numThreads ?? 1,
      crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated,
      model: `default BERT (${config.num_hidden_layers} layers, hidden ${config.hidden_size})`,
      batch,
      runs,
      p50Ms,
      textsPerSecond: (batch * 1000) / p50Ms,
    };
  } finally {
    await service.destroy();
  }
}
