import { GpuUnavailableError, InvalidInputError } from '../errors';
import { acquireGpu, adoptDevice, platformGpu, summarizeAdapter, type AdapterSummary, type GpuContext } from '../gpu/device';
import { MetricsRegistry } from '../metrics/registry';
import type { BatcherOptions } from '../core/batcher';
import { Orchestrator } from '../pipeline/orchestrator';
import { planBackends, planStoreKey } from './planner';
import { type BackendChoice, type BackendPlan, type PlanStore } from '../core/plan';
import { indexedDbPlanStore } from './plan-store';
import type { AuraRequest } from '../core/request';
import type { UnifiedResponse } from '../pipeline/response';
import { type ServiceStage } from '../services/service-stage';
import { SERVICE_NAMES, type ExecutionPath, type ServiceName } from '../core/names';
import { ConsensusStage } from '../pipeline/stages/consensus-stage';
import { LanguageStage } from '../pipeline/stages/language-stage';
import { LnnStage } from '../pipeline/stages/lnn-stage';
import { MemoryStage } from '../pipeline/stages/memory-stage';
import { NeuromorphicStage } from '../pipeline/stages/neuromorphic-stage';
import type { ConsensusService } from '../services/consensus/service';
import { LanguageService, type LanguageServiceOptions } from '../services/language/language-service';
import { modelChoiceSignature } from '../services/language/model-directory';
import { webGpuEpAvailable } from '../services/language/ort-runtime';
import type { ModelLoadProgress } from '../services/language/model-source';
import { loadDefaultLnnModel } from '../services/lnn/default-model';
import { LnnService } from '../services/lnn/service';
import { loadDefaultSnnClassifier } from '../services/neuromorphic/default-model';
import { MemoryService, type MemoryServiceOptions } from '../services/memory/memory-service';
import { NeuromorphicService } from '../services/neuromorphic/service';
import { ServiceRouter } from '../services/router/service-router';
import { countConsensus } from './consensus-metrics';
import { createLocalConsensusGroup } from './local-consensus';
import { trialFor, type Candidates } from './stage-trials';

/** Stages whose path the planner chooses. Consensus has no GPU path. */
export const PLANNED_STAGES = ['language', 'neuromorphic', 'lnn', 'memory', 'router'] as const;
export type PlannedStage = (typeof PLANNED_STAGES)[number];

export interface AuraProgress {
  stage: 'device' | 'plan' | PlannedStage | 'consensus' | 'ready';
  message: string;
}

export interface AuraOptions {
  /** One choice for every stage, or per stage; 'auto' (default) measures both paths. */
  backend?: BackendChoice | Partial<Record<PlannedStage, BackendChoice>>;
  /** With 'auto': measure (default) or choose by the adapter alone. */
  measure?: boolean;
  /** Where plans are cached per adapter: IndexedDB in a browser by default; false for none. */
  planStore?: PlanStore | false;
  /** Services to run (default all that can run here). */
  services?: ServiceName[];
  language?: Omit<LanguageServiceOptions, 'backend'>;
  memory?: Omit<MemoryServiceOptions, 'backend' | 'gpu' | 'dimension'>;
  /** A consensus group to agree through; 'local' (default where BroadcastChannel exists): 4 replicas in this page. */
  consensus?: ConsensusService | 'local' | false;
  batching?: BatcherOptions;
  onProgress?: (event: AuraProgress) => void;
}

/** The runtime: one device, the services on their planned paths, and the request pipeline. */
export interface Aura {
  infer(request: AuraRequest): Promise<UnifiedResponse>;
  /** Prometheus text exposition of the runtime's metrics. */
  metrics(): string;
  readonly plan: BackendPlan;
  readonly adapter: AdapterSummary;
  /** The runtime's one device, shared by every kernel (and onnxruntime-web where BERT runs on WebGPU). */
  readonly gpu: GpuContext;
  readonly services: {
    language?: LanguageService;
    neuromorphic?: NeuromorphicService;
    lnn?: LnnService;
    memory?: MemoryService;
    consensus?: ConsensusService;
    router: ServiceRouter;
  };
  destroy(): Promise<void>;
}

export async function createAura(options: AuraOptions = {}): Promise<Aura> {
  const progress = options.onProgress ?? (() => {});
  const wanted = new Set(options.services ?? SERVICE_NAMES);
  for (const s of wanted) {
    if (!SERVICE_NAMES.includes(s)) throw new InvalidInputError(`unknown service '${s}'`, `services are ${SERVICE_NAMES.join(', ')}`);
  }
  const choice = (stage: PlannedStage): BackendChoice => (typeof options.backend === 'string' ? options.backend : options.backend?.[stage]) ?? 'auto';
  const cleanups: Array<() => unknown> = [];

  // One device: onnxruntime-web's where BERT may run on the WebGPU EP (DESIGN.md: adopt ORT's device), else our own.
  progress({ stage: 'device', message: 'acquiring the WebGPU device' });
  const language: Candidates<LanguageService> = {};
  const languageOptions = { ...options.language, onProgress: (e: ModelLoadProgress) => progress({ stage: 'language', message: describeLoad(e) }) };
  const languageSignature = modelChoiceSignature(options.language ?? {});
  const store = options.planStore === false ? undefined : (options.planStore ?? (typeof indexedDB !== 'undefined' ? indexedDbPlanStore() : undefined));
  // Where the path is known before loading (a cached plan, or the adapter rule when not measuring),
  // BERT is not loaded on the other path: the WebGPU EP's warm-up is the slowest part of a start.
  // The platform is asked for an adapter once per start: to read the cached plan, then for our device.
  let requested: Promise<GPUAdapter | null> | undefined;
  const platformAdapter = () => (requested ??= platformGpu().then((g) => g.requestAdapter({ powerPreference: 'high-performance' })));
  const cachedLanguagePath =
    wanted.has('language') && choice('language') === 'auto' && webGpuEpAvailable() ? await knownPath(await platformAdapter(), store, options.measure, 'language', languageSignature) : undefined;
  let gpu: GpuContext;
  if (wanted.has('language') && choice('language') !== 'cpu' && webGpuEpAvailable() && cachedLanguagePath !== 'cpu') {
    progress({ stage: 'language', message: 'loading BERT on the WebGPU execution provider' });
    language.gpu = await LanguageService.create({ ...languageOptions, backend: 'gpu' });
    // Our own context on ORT's device: its pool outlives the GPU language service if the plan drops it,
    // and the device stays ORT's to destroy.
    const ort = language.gpu.gpu!;
    gpu = adoptDevice(ort.device, ort.adapter);
    cleanups.push(() => gpu.pool.destroy());
  } else {
    if (wanted.has('language') && choice('language') === 'gpu') {
      throw new GpuUnavailableError('language was forced onto the GPU, but onnxruntime-web has no WebGPU EP here', "use backend { language: 'cpu' } (WASM) or 'auto', or run in a browser with WebGPU");
    }
    gpu = await acquireGpu({ adapter: (await platformAdapter()) ?? undefined });
    cleanups.push(() => gpu.destroy());
  }
  if (wanted.has('language') && choice('language') !== 'gpu' && cachedLanguagePath !== 'gpu') {
    progress({ stage: 'language', message: 'loading BERT on the WASM execution provider' });
    language.cpu = await LanguageService.create({ ...languageOptions, backend: 'cpu' });
  }

  // The trained defaults (public/models/aura-snn-digits, aura-cfc-births), read once for both paths.
  const digits = wanted.has('neuromorphic') ? await loadDefaultSnnClassifier() : undefined;
  const births = wanted.has('lnn') ? await loadDefaultLnnModel() : undefined;
  const make = {
    neuromorphic: (path: ExecutionPath) => new NeuromorphicService(path === 'gpu' ? gpu : null, { backend: path, classifier: digits }),
    lnn: (path: ExecutionPath) => new LnnService(path === 'gpu' ? gpu : null, { backend: path, model: births }),
    router: (path: ExecutionPath) => new ServiceRouter({ backend: path, gpu }),
  };
  const neuromorphic: Candidates<NeuromorphicService> = {};
  const lnn: Candidates<LnnService> = {};
  const router: Candidates<ServiceRouter> = {};
  const lazily = <T>(set: Candidates<T>, build: (p: ExecutionPath) => T) => (path: ExecutionPath) => (set[path] ??= build(path));
  const hidden = (language.gpu ?? language.cpu)?.hiddenSize ?? 128;

  progress({ stage: 'plan', message: 'measuring each stage on the GPU and the CPU' });
  const stages = [
    ...(language.gpu || language.cpu ? [trialFor.language(language, languageSignature)] : []),
    ...(wanted.has('neuromorphic') ? [trialFor.neuromorphic(lazily(neuromorphic, make.neuromorphic))] : []),
    ...(wanted.has('lnn') ? [trialFor.lnn(lazily(lnn, make.lnn))] : []),
    ...(wanted.has('memory') ? [trialFor.memory(gpu, hidden)] : []),
    trialFor.router(lazily(router, make.router), hidden),
  ];
  const forced: Record<string, BackendChoice> = {};
  for (const stage of PLANNED_STAGES) forced[stage] = choice(stage);
  // Without a WebGPU EP here, only the WASM path exists for BERT.
  if (choice('language') === 'auto' && cachedLanguagePath === undefined && !language.gpu) forced.language = 'cpu';
  const plan = await planBackends(gpu.adapter, stages, { backend: forced, measure: options.measure, store });
  const pathOf = (stage: PlannedStage): ExecutionPath => plan.stages[stage]?.path ?? 'cpu';

  // Keep the planned path of each service; release the other.
  const keep = <T>(set: Candidates<T>, path: ExecutionPath, release: (t: T) => unknown): T | undefined => {
    const other = set[path === 'gpu' ? 'cpu' : 'gpu'];
    if (other && other !== set[path]) release(other);
    return set[path];
  };
  const services: Aura['services'] = {
    language: keep(language, pathOf('language'), (s) => s.destroy()),
    neuromorphic: wanted.has('neuromorphic') ? (keep(neuromorphic, pathOf('neuromorphic'), (s) => s.destroy()) ?? make.neuromorphic(pathOf('neuromorphic'))) : undefined,
    lnn: wanted.has('lnn') ? (keep(lnn, pathOf('lnn'), (s) => s.destroy()) ?? make.lnn(pathOf('lnn'))) : undefined,
    router: keep(router, pathOf('router'), () => {}) ?? make.router(pathOf('router')),
  };
  if (wanted.has('memory') && typeof indexedDB !== 'undefined') {
    progress({ stage: 'memory', message: 'opening the memory tiers' });
    services.memory = await MemoryService.open({ ...options.memory, backend: pathOf('memory'), gpu, dimension: hidden });
  }
  let inPageConsensus = false;
  if (wanted.has('consensus') && options.consensus !== false) {
    if (options.consensus && options.consensus !== 'local') services.consensus = options.consensus;
    else if (typeof BroadcastChannel !== 'undefined') {
      progress({ stage: 'consensus', message: 'starting a local PBFT group (4 replicas, Ed25519)' });
      const group = await createLocalConsensusGroup();
      inPageConsensus = true;
      services.consensus = group.proposer;
      cleanups.push(() => group.close());
    }
  }

  const stageList: ServiceStage[] = [];
  if (services.language) stageList.push(new LanguageStage(services.language, bertDims(services.language)));
  if (services.neuromorphic) stageList.push(new NeuromorphicStage(services.neuromorphic, gpu));
  if (services.lnn) stageList.push(new LnnStage(services.lnn, services.lnn.model));
  if (services.memory) stageList.push(new MemoryStage(services.memory, hidden));
  if (services.consensus) stageList.push(new ConsensusStage(services.consensus, undefined, inPageConsensus));
  const metrics = new MetricsRegistry();
  const planned = metrics.counter('aura_stage_plan', 'The path each stage runs on (1 per stage), and why');
  for (const [stage, p] of Object.entries(plan.stages)) planned.inc({ stage, path: p.path, why: p.why });
  if (services.consensus) cleanups.push(countConsensus(services.consensus, metrics));
  const orchestrator = new Orchestrator(
    {
      embedder: stageList.find((s): s is LanguageStage => s instanceof LanguageStage),
      router: services.router,
      stages: stageList,
      breakers: services.router.breakers,
      metrics,
      plan,
    },
    options.batching,
  );
  progress({ stage: 'ready', message: 'ready' });

  return {
    infer: (request) => orchestrator.handle(request),
    metrics: () => metrics.expose(),
    plan,
    adapter: gpu.adapter,
    gpu,
    services,
    async destroy() {
      await services.language?.destroy();
      services.neuromorphic?.destroy();
      services.lnn?.destroy();
      await services.memory?.close();
      for (const cleanup of cleanups.reverse()) await cleanup();
    },
  };
}

/** The path `stage` will take on the adapter this page would get, where known without making a device. */
async function knownPath(adapter: GPUAdapter | null, store: PlanStore | undefined, measure: boolean | undefined, stage: string, signature: string): Promise<ExecutionPath | undefined> {
  if (!adapter) return undefined;
  const summary = summarizeAdapter(adapter);
  const cached = await store?.load(planStoreKey(summary, stage, signature));
  if (cached) return cached.path;
  return measure === false ? (summary.isFallback ? 'cpu' : 'gpu') : undefined;
}

/** The BERT dimensions that energy is counted from, read from the model's config.json. */
function bertDims(language: LanguageService) {
  const config = language.config;
  const num = (key: string, fallback: number) => (typeof config[key] === 'number' ? (config[key] as number) : fallback);
  const labels = typeof config.id2label === 'object' && config.id2label ? Object.keys(config.id2label).length : 0;
  return {
    hiddenSize: language.hiddenSize,
    layers: num('num_hidden_layers', 12),
    intermediateSize: num('intermediate_size', 4 * language.hiddenSize),
    labels,
  };
}

function describeLoad(e: ModelLoadProgress): string {
  const pct = e.totalBytes ? ` ${Math.round((100 * e.loadedBytes) / e.totalBytes)}%` : ` ${(e.loadedBytes / 1024).toFixed(0)} KiB`;
  return `${e.done ? 'loaded' : 'loading'} ${e.source.split('/').pop()}${pct} (${e.from})`;
}
