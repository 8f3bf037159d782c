import type { AdapterSummary } from '../gpu/device';
import type { BackendChoice, BackendPlan, PlannableStage, PlanStore, StagePlan } from '../core/plan';
import type { ExecutionPath } from '../core/names';

export interface PlannerOptions {
  /** Per-stage choice; 'auto' (the default) measures. */
  backend?: Record<string, BackendChoice>;
  /** Trials per path after one warm-up (shader compilation is paid in the warm-up). */
  trials?: number;
  /**
   * true (default here): measure before answering. false: choose by the adapter alone (CPU on a
   * fallback adapter). 'background': choose by the adapter now; `measureInBackground` measures later.
   */
  measure?: boolean | 'background';
  store?: PlanStore;
}

export function adapterKey(adapter: AdapterSummary): string {
  return [adapter.host, adapter.vendor, adapter.architecture, adapter.device, adapter.description, adapter.isFallback ? 'fallback' : 'hw'].join('|');
}

/** Where a stage's measured plan is stored: per adapter, stage and model signature. */
export function planStoreKey(adapter: AdapterSummary, stage: string, signature: string): string {
  return `${adapterKey(adapter)}#${stage}#${signature}`;
}

/**
 * Chooses each stage's path: forced where the caller says so; otherwise a cached plan for this
 * adapter and stage signature; otherwise measured (median of `trials` warm runs of each path);
 * with measuring off, by the adapter (the CPU path on a fallback adapter such as SwiftShader).
 */
export async function planBackends(adapter: AdapterSummary, stages: PlannableStage[], options: PlannerOptions = {}): Promise<BackendPlan> {
  const key = adapterKey(adapter);
  const plan: BackendPlan = { adapterKey: key, stages: {} };
  for (const stage of stages) {
    const choice = options.backend?.[stage.name] ?? 'auto';
    if (choice !== 'auto') {
      plan.stages[stage.name] = { path: choice, why: 'forced' };
      continue;
    }
    const storeKey = planStoreKey(adapter, stage.name, stage.signature);
    const cached = await options.store?.load(storeKey);
    if (cached) {
      plan.stages[stage.name] = { ...cached, why: 'cached' };
      continue;
    }
    if (options.measure === false || options.measure === 'background') {
      plan.stages[stage.name] = { path: adapterPath(adapter), why: 'adapter' };
      continue;
    }
    const gpuMs = await medianTrial(stage, 'gpu', options.trials ?? 3);
    const cpuMs = await medianTrial(stage, 'cpu', options.trials ?? 3);
    const measured: StagePlan = { path: gpuMs < cpuMs ? 'gpu' : 'cpu', why: 'measured', gpuMs, cpuMs };
    plan.stages[stage.name] = measured;
    await options.store?.save(storeKey, measured);
  }
  return plan;
}

/** The adapter's rule: a fallback (software) adapter such as SwiftShader means the CPU path. */
export function adapterPath(adapter: Pick<AdapterSummary, 'isFallback'>): ExecutionPath {
  return adapter.isFallback ? 'cpu' : 'gpu';
}

/**
 * The median of `trials` warm runs of one path, after one warm-up. `beforeEach` runs before every
 * run (the background planner waits there for idle time, and throws once cancelled).
 */
export async function medianTrial(stage: PlannableStage, path: ExecutionPath, trials: number, beforeEach?: () => Promise<void>): Promise<number> {
  await beforeEach?.();
  await stage.trial(path); // warm-up: compilation and first-touch costs are not the steady state
  const times: number[] = [];
  for (let i = 0; i < trials; i++) {
    await beforeEach?.();
    const t0 = performance.now();
    await stage.trial(path);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
