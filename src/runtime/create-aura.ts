import type { BatcherOptions } from '../core/batcher';
import { SERVICE_NAMES, type ExecutionPath, type ServiceName } from '../core/names';
import type { BackendChoice, BackendPlan, PlannableStage, PlanStore } from '../core/plan';
import type { AuraRequest } from '../core/request';
import { GpuUnavailableError, InvalidInputError } from '../errors';
import { acquireGpu, adoptDevice, platformGpu, summarizeAdapter, type AdapterSummary, type GpuContext } from '../gpu/device';
import { lostInfo } from '../gpu/device-lost';
import { GpuRuntime } from '../gpu/runtime';
import { MetricsRegistry } from '../metrics/registry';
import { Orchestrator } from '../pipeline/orchestrator';
import type { UnifiedResponse } from '../pipeline/response';
import type { ConsensusService } from '../services/consensus/service';
import type { LanguageRuntimeOptions } from '../services/language/descriptor';
import { modelChoiceSignature } from '../services/language/model-directory';
import { webGpuEpAvailable } from '../services/language/ort-runtime';
import { LanguageStage } from '../services/language/stage';
import type { MemoryRuntimeOptions } from '../services/memory/descriptor';
import { routerKit } from '../services/router/descriptor';
import type { ServiceRouter } from '../services/router/service-router';
import type { ServiceEnv, ServiceKit } from '../services/service-descriptor';
import type { ServiceStage } from '../services/service-stage';
import { textEmbedder, withAnswer, type AnsweredResponse } from './answers';
import { fileProgress, progressReporter, type AuraProgress } from './progress';
import { countConsensus } from './consensus-metrics';
import { adapterPath, planBackends, planStoreKey } from './planner';
import { IdleGate, measureInBackground, type BackgroundPlanResult } from './planner-background';
import { indexedDbPlanStore } from './plan-store';
import { SERVICE_REGISTRY, type ServiceOf } from './service-registry';

/** Stages whose path the planner chooses. Consensus has no GPU path. */
export const PLANNED_STAGES = ['language', 'neuromorphic', 'lnn', 'memory', 'router'] as const;
export type PlannedStage = (typeof PLANNED_STAGES)[number];

export type { AuraProgress } from './progress';

export interface AuraOptions {
  /** One choice for every stage, or per stage; 'auto' (default) chooses by the adapter, then measures. */
  backend?: BackendChoice | Partial<Record<PlannedStage, BackendChoice>>;
  /**
   * With 'auto': 'background' (default) starts on the adapter's paths (CPU on a fallback adapter) and
   * measures both paths in idle time after the start, saving the faster for the next start; true
   * measures before the first answer; false chooses by the adapter alone.
   */
  measure?: boolean | 'background';
  /** Where plans are cached per adapter: IndexedDB in a browser by default; false for none. */
  planStore?: PlanStore | false;
  /** Services to run (default all that can run here). */
  services?: ServiceName[];
  language?: LanguageRuntimeOptions;
  memory?: MemoryRuntimeOptions;
  /** A consensus group to agree through; default: other tabs of this origin when 3+ are there, else 4 replicas in this page ('local': always in this page). */
  consensus?: ConsensusService | 'local' | false;
  batching?: BatcherOptions;
  onProgress?: (event: AuraProgress) => void;
}

/** The runtime: one device, the services on their planned paths, and the request pipeline. */
export interface Aura {
  /** The response, with its `answer` in plain words. */
  infer(request: AuraRequest): Promise<AnsweredResponse>;
  /** Prometheus text exposition of the runtime's metrics. */
  metrics(): string;
  readonly plan: BackendPlan;
  readonly adapter: AdapterSummary;
  /**
   * The runtime's one device, shared by every kernel (and onnxruntime-web where BERT runs on WebGPU): a
   * view that follows the current device after a device loss. `gpu.owned` says whether the runtime made it.
   */
  readonly gpu: GpuContext;
  readonly services: { [K in ServiceName]?: ServiceOf<K> } & { router: ServiceRouter };
  /**
   * With `measure: 'background'`: what the measurement in idle time found (saved to the plan store, so
   * the next start takes the faster path); `cancelled` when destroy() stopped it. Undefined otherwise.
   */
  readonly measured: Promise<BackgroundPlanResult | undefined>;
  destroy(): Promise<void>;
}

/** A service built for each path the planner may try, built once per path. */
type Candidates = Partial<Record<ExecutionPath, Promise<unknown>>>;

export async function createAura(options: AuraOptions = {}): Promise<Aura> {
  const progress = progressReporter(options.onProgress);
  const wanted = new Set(options.services ?? SERVICE_NAMES);
  for (const s of wanted) {
    if (!SERVICE_NAMES.includes(s)) throw new InvalidInputError(`unknown service '${s}'`, `services are ${SERVICE_NAMES.join(', ')}`);
  }
  const choice = (stage: PlannedStage): BackendChoice => (typeof options.backend === 'string' ? options.backend : options.backend?.[stage]) ?? 'auto';
  const cleanups: Array<() => unknown> = [];
  /** Each kept service's release, in the registry's order, run before the cleanups (the device last). */
  const stops: Array<() => unknown> = [];
  // What the services are built with: the device once acquired, the embedding width once BERT is loaded.
  const shared = { gpu: undefined as GpuContext | undefined, hiddenSize: 128 };
  const envFor = (stage: AuraProgress['stage']): ServiceEnv => ({
    get gpu() {
      if (!shared.gpu) throw new Error('the device is not acquired yet');
      return shared.gpu;
    },
    get hiddenSize() {
      return shared.hiddenSize;
    },
    progress: (message) => progress({ stage, message }),
    fileProgress: (event) => progress(fileProgress(stage, event)),
    get embedText() {
      // The kept language service (the registry builds it before memory).
      return services.language && textEmbedder(services.language);
    },
  });
  const kits = new Map<ServiceName, ServiceKit<unknown>>();
  const candidates = new Map<ServiceName | 'router', Candidates>();
  const build = (name: ServiceName | 'router', kit: Pick<ServiceKit<unknown>, 'create'>) => (path: ExecutionPath) => {
    const set = candidates.get(name) ?? candidates.set(name, {}).get(name)!;
    return (set[path] ??= kit.create(path, envFor(name === 'consensus' ? 'consensus' : name)));
  };
  const prepare = async (name: ServiceName) => {
    const descriptor = SERVICE_REGISTRY.find((d) => d.name === name)!;
    return (await descriptor.prepare(options[name as keyof AuraOptions] as never, envFor(name))) as ServiceKit<unknown> | undefined;
  };
  // The other services read their trained default models while BERT loads (they need no device to).
  const preparing = SERVICE_REGISTRY.filter(({ name }) => name !== 'language' && wanted.has(name)).map(({ name }) => [name, prepare(name)] as const);
  for (const [, pending] of preparing) pending.catch(() => {}); // awaited below; a failure there fails the start

  // One device: onnxruntime-web's where BERT may run on the WebGPU EP (DESIGN.md: adopt ORT's device), else our own.
  progress({ stage: 'device', message: 'acquiring the WebGPU device' });
  const languageSignature = modelChoiceSignature(options.language ?? {});
  const measure = options.measure ?? 'background';
  const store = options.planStore === false ? undefined : (options.planStore ?? (typeof indexedDB !== 'undefined' ? indexedDbPlanStore() : undefined));
  // Where the path is known before loading (a cached plan, or the adapter rule unless measuring first),
  // BERT is not loaded on the other path: the WebGPU EP's warm-up is the slowest part of a start, and
  // on a fallback adapter it is never loaded unless the caller forces it or measures first.
  // The platform is asked for an adapter once per start: to read the cached plan, then for our device.
  let requested: Promise<GPUAdapter | null> | undefined;
  const platformAdapter = () => (requested ??= platformGpu().then((g) => g.requestAdapter({ powerPreference: 'high-performance' })));
  const cachedLanguagePath =
    wanted.has('language') && choice('language') === 'auto' && webGpuEpAvailable() ? await knownPath(await platformAdapter(), store, measure, 'language', languageSignature) : undefined;
  const languageKit = wanted.has('language') ? await prepare('language') : undefined;
  if (languageKit) kits.set('language', languageKit);
  const buildLanguage = languageKit ? build('language', languageKit) : undefined;
  // The GPU runtime owns the device (or adopts ORT's, never destroying it) and recovers a lost one;
  // `gpu` is its view, which follows the current device.
  let runtime: GpuRuntime;
  let languageOnGpu = false;
  let languageKeptOnGpu = false;
  if (buildLanguage && choice('language') !== 'cpu' && webGpuEpAvailable() && cachedLanguagePath !== 'cpu') {
    const language = (await buildLanguage('gpu')) as ServiceOf<'language'>;
    languageOnGpu = true;
    // After a loss of ORT's device the kept language service rebuilds its session on a new ORT device:
    // the kernels re-adopt that one (one device again); else the runtime acquires its own.
    const readopt = async () => {
      await language.ready();
      const device = languageKeptOnGpu ? language.gpu?.device : undefined;
      return device && !lostInfo(device) ? adoptDevice(device) : acquireGpu(); // never a lost device: it would be lost again at once
    };
    runtime = GpuRuntime.adopt(language.gpu!, { readopt });
  } else {
    if (wanted.has('language') && choice('language') === 'gpu') {
      throw new GpuUnavailableError('language was forced onto the GPU, but onnxruntime-web has no WebGPU EP here', "use backend { language: 'cpu' } (WASM) or 'auto', or run in a browser with WebGPU");
    }
    runtime = await GpuRuntime.acquire({ adapter: (await platformAdapter()) ?? undefined });
  }
  cleanups.push(() => runtime.destroy());
  const gpu: GpuContext = runtime.view;
  shared.gpu = gpu;
  if (buildLanguage && choice('language') !== 'gpu' && cachedLanguagePath !== 'gpu') await buildLanguage('cpu');
  const anyLanguage = candidates.get('language');
  if (anyLanguage) shared.hiddenSize = ((await (anyLanguage.gpu ?? anyLanguage.cpu)) as ServiceOf<'language'>).hiddenSize;

  // The other services read what both their paths share (their trained default models) once.
  for (const [name, pending] of preparing) {
    const kit = await pending;
    if (kit) kits.set(name, kit);
  }

  progress({ stage: 'plan', message: measure === true ? 'measuring each stage on the GPU and the CPU' : 'choosing each stage\'s path' });
  const trials: PlannableStage[] = [];
  for (const [name, kit] of kits) {
    // Each path is built on first use: a measuring start loaded BERT on both paths already (unless the
    // path was known); the background measurement builds a stage's other path only when it tries it.
    const get = build(name, kit);
    if (kit.trial && (name !== 'language' || anyLanguage)) trials.push(await kit.trial(get, envFor(name)));
  }
  trials.push(await routerKit.trial!(build('router', routerKit) as (p: ExecutionPath) => Promise<ServiceRouter>, envFor('router')));
  const forced: Record<string, BackendChoice> = {};
  for (const stage of PLANNED_STAGES) forced[stage] = choice(stage);
  // Without a WebGPU EP here, only the WASM path exists for BERT.
  if (choice('language') === 'auto' && cachedLanguagePath === undefined && !languageOnGpu) forced.language = 'cpu';
  const plan = await planBackends(gpu.adapter, trials, { backend: forced, measure, store });
  const pathOf = (stage: PlannedStage): ExecutionPath => plan.stages[stage]?.path ?? 'cpu';

  // BERT left the WebGPU EP: move the kernels onto our own device before ORT's session (and maybe its device) goes.
  if (languageOnGpu && pathOf('language') === 'cpu') await runtime.useOwnDevice();
  languageKeptOnGpu = languageOnGpu && pathOf('language') === 'gpu';
  // Keep the planned path of each service and release the other; build it where no trial did.
  const services = {} as Aura['services'];
  const stageList: ServiceStage[] = [];
  // Every kept service is built at once (the consensus group's tab discovery waits, the others load);
  // each is then staged in the registry's order.
  const keeping = [...kits].map(([name, kit]) => {
    const path = name === 'consensus' ? 'cpu' : pathOf(name);
    const set = candidates.get(name) ?? {};
    const other = set[path === 'gpu' ? 'cpu' : 'gpu'];
    let released: Promise<unknown> | undefined;
    if (other && other !== set[path]) {
      delete set[path === 'gpu' ? 'cpu' : 'gpu'];
      released = other.then((service) => kit.destroy(service));
    }
    const pending = name === 'language' ? set[path] : build(name, kit)(path);
    pending?.catch(() => {}); // awaited below
    return { name, kit, pending, released };
  });
  for (const { name, kit, pending, released } of keeping) {
    await released;
    const service = await pending;
    if (service === undefined) continue;
    (services as Record<string, unknown>)[name] = service;
    const env = envFor(name);
    stageList.push(kit.stage(service, env));
    stops.push(() => kit.destroy(service));
  }
  services.router = (await build('router', routerKit)(pathOf('router'))) as ServiceRouter;

  const metrics = new MetricsRegistry();
  const planned = metrics.gauge('aura_stage_plan_info', 'The path each stage runs on, and why (value 1)');
  for (const [stage, p] of Object.entries(plan.stages)) planned.set({ stage, path: p.path, why: p.why }, 1);
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

  // The other path of each stage planned by the adapter is measured in idle time, never while a
  // request runs; the WebGPU EP's BERT is not loaded on a fallback adapter for it.
  const gate = new IdleGate();
  const stopMeasuring = new AbortController();
  const kept = (name: string) => (services as Record<string, unknown>)[name];
  const measured =
    measure === 'background' && Object.values(plan.stages).some((p) => p.why === 'adapter')
      ? measureInBackground(gpu.adapter, trials, plan, {
          store,
          signal: stopMeasuring.signal,
          idle: () => gate.idle(),
          skip: (stage, path) => stage === 'language' && path === 'gpu' && (gpu.adapter.isFallback || !webGpuEpAvailable()),
        }).finally(async () => {
          // Release what only the measurement built: each stage's other path.
          for (const [name, set] of candidates) {
            for (const candidate of Object.values(set)) {
              const service = await candidate.catch(() => undefined);
              if (service === undefined || service === kept(name)) continue;
              await (name === 'router' ? routerKit.destroy(service as ServiceRouter) : kits.get(name)?.destroy(service));
            }
          }
        })
      : Promise.resolve(undefined);
  measured.catch(() => {});

  return {
    // A request after a device loss waits for the runtime's new device (a CPU-only plan needs none).
    infer: (request) =>
      gate.during(async () => {
        await runtime.context().catch(() => undefined);
        return withAnswer(await orchestrator.handle(request));
      }),
    metrics: () => metrics.expose(),
    plan,
    adapter: gpu.adapter,
    gpu,
    services,
    measured,
    async destroy() {
      stopMeasuring.abort();
      await measured.catch(() => undefined);
      for (const stop of stops) await stop();
      for (const cleanup of cleanups.reverse()) await cleanup();
    },
  };
}

/** The path `stage` will take on the adapter this page would get, where known without making a device. */
async function knownPath(adapter: GPUAdapter | null, store: PlanStore | undefined, measure: boolean | 'background', stage: string, signature: string): Promise<ExecutionPath | undefined> {
  if (!adapter) return undefined;
  const summary = summarizeAdapter(adapter);
  const cached = await store?.load(planStoreKey(summary, stage, signature));
  if (cached) return cached.path;
  return measure === true ? undefined : adapterPath(summary);
}
