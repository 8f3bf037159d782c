// What a consumer's page does beyond the README: the worker, typed errors, env, a bad model file.
import { createAura, createAuraWorker, env, InvalidInputError, ModelFileError, type AuraProgress, type UnifiedResponse } from 'aura-webgpu';

type Results = Record<string, unknown>;
const results: Results = {};
const w = window as unknown as { checks?: Results; checksError?: string };

function summary(r: UnifiedResponse) {
  return { decision: r.decision, services: r.route.selected.map((s) => s.service), timings: Object.keys(r.timings.perStage) };
}

try {
  // The worker: createAuraWorker's URL was rewritten by Vite, and the models are found from inside it.
  // env crosses into the worker: its model files go to the Cache API, which the page can see.
  env.cache = 'cache-api';
  const worker = await createAuraWorker({ backend: 'cpu', measure: false });
  results.cacheApi = (await (await caches.open(env.cacheName)).keys()).map((r) => r.url.split('/').pop());
  env.cache = 'indexeddb';
  results.worker = summary(await worker.infer({ text: 'the invoice is attached, please pay today', series: [1, 2, 3, 4, 5, 6, 7, 8] }));
  try {
    await worker.infer({ series: [1, Number.NaN] });
  } catch (error) {
    results.workerError = { name: (error as Error).name, code: (error as { code?: string }).code };
  }
  await worker.destroy();

  // In the page: a request, and a typed error whose name survived the consumer's minifier.
  const aura = await createAura({ backend: 'cpu', measure: false, planStore: false, services: ['lnn', 'neuromorphic'] });
  results.page = summary(await aura.infer({ series: [3, 4, 6, 9, 13, 18, 24, 31] }));
  try {
    await aura.infer({ series: [] });
  } catch (error) {
    results.pageError = { name: (error as Error).name, isInvalidInput: error instanceof InvalidInputError, code: (error as { code?: string }).code };
  }
  await aura.destroy();

  // A model base where nothing is served: Vite's preview answers index.html, which must be refused.
  env.modelBase = '/no-models-here/';
  const progress: AuraProgress[] = [];
  try {
    await createAura({ backend: 'cpu', measure: false, planStore: false, services: ['language'], language: { cache: false }, onProgress: (e) => progress.push(e) });
    results.htmlModel = { rejected: false };
  } catch (error) {
    results.htmlModel = { rejected: true, name: (error as Error).name, isModelFileError: error instanceof ModelFileError, code: (error as { code?: string }).code, message: (error as Error).message };
  }
  results.htmlModelProgress = progress.map((e) => e.message);
  env.modelBase = undefined;
  w.checks = results;
} catch (error) {
  w.checksError = `${(error as Error).name}: ${(error as Error).message}\n${(error as Error).stack}`;
}
