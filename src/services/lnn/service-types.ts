import type { LnnDynamics } from './dynamics';
import type { LnnHiddenStateInput } from './hidden-state';
import type { LnnSequenceInput } from './input';
import type { LnnModel } from '../../kernels/lnn-model';

/** The LNN service's options, requests and results (service.ts implements them). */
export interface LnnServiceOptions {
  /** 'gpu' (default when a GpuContext is given) or 'cpu' (the reference, also the fast CPU path). */
  backend?: 'gpu' | 'cpu';
  model?: LnnModel;
  maxSessions?: number;
  /** Sessions unused this long are evicted (default 5 minutes). */
  idleMs?: number;
  now?: () => number;
  /** FORCE regulariser: P₀ = I/α (default 1). */
  rlsAlpha?: number;
  /** Leading steps of each adaptation sequence left out of training and held-out error (default 0). */
  washout?: number;
  /** |h| below this counts as silent in `dynamics.sparsity` (default 0.01). */
  sparsityThreshold?: number;
}

export interface LnnTiming {
  /** Kernel time (GPU timestamps where available) or, on the cpu path, compute time. */
  ms: number;
  source: 'gpu-timestamp' | 'cpu';
  /** Wall time of the whole call, validation and readback included. */
  wallMs: number;
}

export interface LnnInferRequest {
  sequence: LnnSequenceInput;
  /** Elapsed time per step (default 1, as ncps): one list, or one list per sequence. */
  timespans?: number[] | number[][];
  session?: string;
  /**
   * Initial hidden state for this call (ncps's `hx`: batch × state size, see `stateSize`); with a
   * session it replaces the session's state before the run. Default: the session's state, else zeros.
   */
  hx?: LnnHiddenStateInput;
  /** true (default): dynamics over every step, and the trajectory returned; false: over the final state only. */
  returnDynamics?: boolean;
}

export interface LnnInferResult {
  /** batch × steps × width, flat; see `shape`. */
  output: Float32Array;
  shape: [batch: number, steps: number, width: number];
  dynamics: LnnDynamics;
  /** batch × steps × stateSize (only with returnDynamics). */
  trajectory?: Float32Array;
  timing: LnnTiming;
  path: 'gpu' | 'cpu';
}

export interface LnnAdaptSet {
  inputs: LnnSequenceInput;
  targets: LnnSequenceInput;
  timespans?: number[] | number[][];
}

export interface LnnAdaptRequest extends LnnAdaptSet {
  /** Scales each weight step, in (0, 1] (default 1). */
  strength?: number;
  /** Held-out samples judging the update; by default a split of `inputs` (see README). */
  heldOut?: LnnAdaptSet;
}

export interface LnnAdaptResult {
  parametersChanged: boolean;
  /** Held-out mean squared error before and after the update. */
  errorBefore: number;
  errorAfter: number;
  rolledBack: boolean;
  /** Rank-1 RLS updates applied (one per training sample). */
  updates: number;
  heldOutSamples: number;
  timing: LnnTiming;
  path: 'gpu' | 'cpu';
}

export interface LnnFeedbackRequest {
  sequence: LnnSequenceInput;
  /** The predecessor's signal in [−1, 1]: + means the output should have been higher. */
  feedback: number;
  /** In (0, 1]. */
  strength?: number;
  timespans?: number[] | number[][];
}
