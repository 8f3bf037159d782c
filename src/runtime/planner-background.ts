import type { AdapterSummary } from '../gpu/device';
import type { ExecutionPath } from '../core/names';
import type { BackendPlan, PlannableStage, PlanStore, StagePlan } from '../core/plan';
import { medianTrial, planStoreKey } from './planner';

export interface BackgroundPlanOptions {
  /** Where a measured plan is saved, so the next start reads it (as a measured start does). */
  store?: PlanStore;
  /** Trials per path after one warm-up. */
  trials?: number;
  /** Paths not to try: the WebGPU EP's BERT on a fallback adapter. A stage with a skipped path is not measured. */
  skip?: (stage: string, path: ExecutionPath) => boolean;
  /** Resolves when the runtime may spend time measuring (default: the platform's idle time). */
  idle?: () => Promise<void>;
  /** Stops measuring between two trials. */
  signal: AbortSignal;
  /** Called once a stage is measured and its plan saved. */
  onMeasured?: (stage: string, measured: StagePlan) => unknown;
}

export interface BackgroundPlanResult {
  /** Each stage measured: both paths' medians and the faster path. */
  measured: Record<string, StagePlan>;
  /** True when `signal` stopped the measuring before every stage was done. */
  cancelled: boolean;
}

/**
 * Measures, in idle time, the stages a start planned by the adapter alone (`why: 'adapter'`): each
 * trial waits for `idle()` and none starts once `signal` is aborted. A stage whose measurement finds
 * the other path faster is saved with that path, so the next start takes it.
 */
export async function measureInBackground(adapter: AdapterSummary, stages: PlannableStage[], plan: BackendPlan, options: BackgroundPlanOptions): Promise<BackgroundPlanResult> {
  const measured: Record<string, StagePlan> = {};
  const idle = options.idle ?? platformIdle;
  const beforeEach = async () => {
    options.signal.throwIfAborted();
    await idle();
    options.signal.throwIfAborted();
  };
  try {
    for (const stage of stages) {
      if (plan.stages[stage.name]?.why !== 'adapter') continue;
      if (options.skip?.(stage.name, 'gpu') || options.skip?.(stage.name, 'cpu')) continue;
      const gpuMs = await medianTrial(stage, 'gpu', options.trials ?? 3, beforeEach);
      const cpuMs = await medianTrial(stage, 'cpu', options.trials ?? 3, beforeEach);
      const result: StagePlan = { path: gpuMs < cpuMs ? 'gpu' : 'cpu', why: 'measured', gpuMs, cpuMs };
      measured[stage.name] = result;
      await options.store?.save(planStoreKey(adapter, stage.name, stage.signature), result);
      await options.onMeasured?.(stage.name, result);
    }
  } catch (error) {
    if (options.signal.aborted) return { measured, cancelled: true };
    throw error;
  }
  return { measured, cancelled: false };
}

/** The platform's idle time: requestIdleCallback in a page, else a turn after pending I/O (Node). */
export function platformIdle(): Promise<void> {
  const ric = (globalThis as { requestIdleCallback?: (cb: () => void) => number }).requestIdleCallback;
  if (ric) return new Promise((resolve) => ric(() => resolve()));
  return new Promise((resolve) => setImmediate(() => setTimeout(resolve, 0)));
}

/** Counts requests in flight, so background work waits until none is running. */
export class IdleGate {
  private inFlight = 0;
  private waiters: Array<() => void> = [];

  /** Wraps one request: background work does not start while it runs. */
  async during<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await work();
    } finally {
      if (--this.inFlight === 0) for (const wake of this.waiters.splice(0)) wake();
    }
  }

  /** Resolves at platform idle time with no request in flight. */
  async idle(): Promise<void> {
    for (;;) {
      if (this.inFlight > 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
      await platformIdle();
      if (this.inFlight === 0) return;
    }
  }
}
