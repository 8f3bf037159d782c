/**
 * `npm run eval -- language [--split test|validation] [--gpu]`
 * The committed aura-bert-spam (onnx/model.onnx f32 and onnx/model_quantized.onnx int8) through the
 * runtime's LanguageService on onnxruntime-web (WASM EP in Node; with --gpu the classification runs on
 * the WebGPU EP in Chromium) on the held-out split of prepared.jsonl, next to naive Bayes and logistic
 * regression on TF-IDF (scikit-learn) fitted on the train split in the same run; SOTU paragraph recall
 * by the encoder's embedding next to TF-IDF cosine; the batch-1 latency of the language stage.
 */
import { cpus } from 'node:os';
import { readFileSync } from 'node:fs';
import type { EvalOptions, EvalReport } from './types';
import { readMessages, readSotu, requireSplit, PREPARED_PATH, SOTU_PATH } from './language/data';
import { agreement, classificationMetrics, recallAt, type ClassificationMetrics } from './language/metrics';
import { batchOneLatency, classifyAll, DTYPES, loadCpuServices, modelFacts, type ModelRun } from './language/model-runs';
import { encoderRanks, recallTask, QUERY_MIN_WORDS } from './language/sotu';
import { runBaselines } from './language/baselines';
import { classifyInChromium } from './language/chromium';

const pct = (x: number) => (Number.isNaN(x) ? '—' : `${(100 * x).toFixed(1)}%`);
const f3 = (x: number) => x.toFixed(3);

interface Row {
  method: string;
  metrics?: ClassificationMetrics;
  agreesWithF32?: number;
  recall?: { at1: number; at10: number };
  latency?: { p50Ms: number; p90Ms: number };
}

function table(rows: Row[]): string {
  const head = ['method', 'accuracy', 'spam precision', 'spam recall', 'spam F1', 'hard-ham accuracy', 'int8 = f32', 'SOTU recall@1', 'SOTU recall@10', 'batch-1 ms (p50 / p90)'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const r of rows) {
    const m = r.metrics;
    const cells = [
      r.method,
      m ? pct(m.accuracy) : '—',
      m ? f3(m.spamPrecision) : '—',
      m ? f3(m.spamRecall) : '—',
      m ? f3(m.spamF1) : '—',
      m ? pct(m.hardHamAccuracy) : '—',
      r.agreesWithF32 === undefined ? '—' : pct(r.agreesWithF32),
      r.recall ? pct(r.recall.at1) : '—',
      r.recall ? pct(r.recall.at10) : '—',
      r.latency ? `${r.latency.p50Ms.toFixed(1)} / ${r.latency.p90Ms.toFixed(1)}` : '—',
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

function ortVersion(): string {
  return (JSON.parse(readFileSync('node_modules/onnxruntime-web/package.json', 'utf8')) as { version: string }).version;
}

export async function evaluate(options: EvalOptions): Promise<EvalReport> {
  // Inputs first, then both model files: bad input fails before anything runs.
  const split = requireSplit(options.split);
  const messages = readMessages(split);
  const task = recallTask(readSotu());
  const services = await loadCpuServices();
  try {
    const texts = messages.map((m) => m.text);
    const log = (line: string) => console.error(`[eval language] ${line}`);
    log(`${messages.length} ${split} messages; SOTU: ${task.queries.length} queries over ${task.docs.length} paragraphs`);
    const baselines = runBaselines(split, task);
    if (baselines.classification.ids.join() !== messages.map((m) => m.id).join()) throw new Error('the baselines saw other messages than the model');
    log(`baselines done (scikit-learn ${baselines.sklearn})`);

    let runs: ModelRun[];
    let machine: string;
    const cpu = cpus();
    const host = `${cpu.length}-core CPU machine (${cpu[0]?.model.trim()}), Node ${process.version}`;
    if (options.gpu) {
      const chromium = await classifyInChromium(texts);
      runs = chromium.runs;
      machine = `${host}; classification on onnxruntime-web ${ortVersion()} WebGPU EP in Chromium ${chromium.browser}, adapter ${chromium.adapter}; SOTU recall and latency on the WASM EP in Node`;
    } else {
      runs = [];
      for (const dtype of DTYPES) {
        runs.push(await classifyAll(services.get(dtype)!, dtype, texts));
        log(`${dtype}: ${messages.length} messages in ${(runs.at(-1)!.ms / 1000).toFixed(1)} s`);
      }
      machine = `${host}, onnxruntime-web ${ortVersion()} WASM EP (1 thread)`;
    }
    const recall: Record<string, { ranks: number[]; truncatedDocs: number }> = {};
    const latency: Record<string, { messages: number; p50Ms: number; p90Ms: number }> = {};
    for (const dtype of DTYPES) {
      recall[dtype] = await encoderRanks(services.get(dtype)!, task);
      latency[dtype] = await batchOneLatency(services.get(dtype)!, texts);
      log(`${dtype}: SOTU recall and latency done`);
    }

    const ep = options.gpu ? 'WebGPU EP' : 'WASM EP';
    const f32 = runs.find((r) => r.dtype === 'fp32')!;
    const ranksRecall = (ranks: number[]) => ({ at1: recallAt(ranks, 1), at10: recallAt(ranks, 10) });
    const rows: Row[] = runs.map((r) => ({
      method: `aura-bert-spam ${r.dtype === 'fp32' ? 'f32' : 'int8'} (${ep})`,
      metrics: classificationMetrics(messages, r.predictions),
      agreesWithF32: r.dtype === 'fp32' ? undefined : agreement(r.predictions, f32.predictions),
      recall: ranksRecall(recall[r.dtype].ranks),
      latency: latency[r.dtype],
    }));
    rows.push(
      { method: 'naive Bayes on TF-IDF (sklearn)', metrics: classificationMetrics(messages, baselines.classification.naiveBayes.predictions) },
      { method: 'logistic regression on TF-IDF (sklearn)', metrics: classificationMetrics(messages, baselines.classification.logisticRegression.predictions) },
      { method: 'TF-IDF cosine (sklearn)', recall: ranksRecall(baselines.tfidfRecallRanks) },
    );
    const model = modelFacts(services.get('fp32')!);
    const hard = rows[0].metrics!.hardHamMessages;
    const notes = [
      `${split} split: ${messages.length} messages (${messages.filter((m) => m.label === 1).length} spam, ${hard} hard ham) of ${PREPARED_PATH}; baselines (scikit-learn ${baselines.sklearn}) fitted on the train split, their setting chosen by validation accuracy: naive Bayes ${JSON.stringify(baselines.classification.naiveBayes.params)}, logistic regression ${JSON.stringify(baselines.classification.logisticRegression.params)}${split === 'validation' ? ' (reported on the split that chose them: optimistic)' : ''}.`,
      `Model: ${model.layers} layers, hidden ${model.hiddenSize}, reads ${model.maxLength} tokens (${readsWhat(model)}; ${f32.truncated} of ${messages.length} messages were longer); onnx/model.onnx ${(model.fileBytes.fp32 / 1e6).toFixed(1)} MB, onnx/model_quantized.onnx ${(model.fileBytes.q8 / 1e6).toFixed(1)} MB.`,
      `SOTU recall: ${task.queries.length} queries over all ${task.docs.length} held-out paragraphs of ${SOTU_PATH}; query = a paragraph's first sentence of ≥ ${QUERY_MIN_WORDS} words, removed from the indexed paragraph; ranks count ties against the query; the encoder embeds ${model.maxLength} tokens (${readsWhat(model)}; ${recall.fp32.truncatedDocs} paragraphs were longer), TF-IDF reads all.`,
      `Latency: one message at a time through LanguageService.embed(…, { classify: true }) (one run: embedding + class), first ${latency.fp32.messages} ${split} messages, after one warm run, on the WASM EP.`,
    ];
    return {
      machine,
      table: `${table(rows)}\n\n${notes.map((n) => `- ${n}`).join('\n')}`,
      split,
      model,
      rows,
      runs: runs.map((r) => ({ dtype: r.dtype, seconds: r.ms / 1000, truncated: r.truncated })),
      latency,
      sotu: { queries: task.queries.length, paragraphs: task.docs.length, queryMinWords: QUERY_MIN_WORDS, truncatedDocs: recall.fp32.truncatedDocs },
      baselines: {
        sklearn: baselines.sklearn,
        tfidfFeatures: baselines.classification.features,
        naiveBayes: { params: baselines.classification.naiveBayes.params, validationAccuracy: baselines.classification.naiveBayes.validationAccuracy },
        logisticRegression: { params: baselines.classification.logisticRegression.params, validationAccuracy: baselines.classification.logisticRegression.validationAccuracy },
      },
    };
  } finally {
    for (const s of services.values()) await s.destroy();
  }
}

/** What of a longer text the model reads: its head, and its tail when the tokenizer_config keeps one. */
function readsWhat(model: { maxLength: number; tailTokens: number }): string {
  const pieces = model.maxLength - 2;
  return model.tailTokens > 0 ? `a longer text: its first ${pieces - model.tailTokens} and last ${model.tailTokens} pieces` : `a longer text: its first ${pieces} pieces`;
}
