/** The plan: which path each planned service runs on, and why (made by src/runtime/planner.ts). */
import type { ExecutionPath } from './names';

export type BackendChoice = ExecutionPath | 'auto';

/** Which path a stage runs on, and why. */
export interface StagePlan {
  path: ExecutionPath;
  why: 'forced' | 'adapter' | 'measured' | 'cached';
  /** Median warm time of each path where measured, ms. */
  gpuMs?: number;
  cpuMs?: number;
}

export interface BackendPlan {
  adapterKey: string;
  stages: Record<string, StagePlan>;
}

/** A stage the planner can time on both paths, with the model sizes in use. */
export interface PlannableStage {
  name: string;
  /** Changes when the stage's model or sizes change; a cached plan is kept only while it matches. */
  signature: string;
  /** Runs the stage once on `path` with representative input. */
  trial(path: ExecutionPath): Promise<void>;
}

/** Where plans persist: IndexedDB in the browser, a file at the edge. */
export interface PlanStore {
  load(key: string): Promise<StagePlan | undefined>;
  save(key: string, plan: StagePlan): Promise<void>;
}
