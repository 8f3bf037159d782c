import { InvalidInputError, requireFiniteArray, requireInteger, requireNumberInRange } from '../errors';
import { GATING_MODE } from './wgsl-constants';

/**
 * Options and results shared by the GPU and CPU gating paths (one semantics, two paths).
 *
 * - 'softmax-topk': softmax over all E experts → top-k → renormalise over the k kept (HF transformers
 *   `MixtralSparseMoeBlock`; vLLM `topk_softmax` / `fused_topk` with renormalize=True). With
 *   `renormalize: false` the kept weights are the plain softmax probabilities (Switch Transformer,
 *   vLLM renormalize=False).
 * - 'topk-softmax': top-k of the logits → softmax over the k kept (Shazeer 2017; Mistral's reference MoE).
 * Ties go to the lower expert index, as in vLLM's topk_softmax kernel ("We want lower indices to 'win'");
 * torch.topk does not promise an order for ties.
 */
export type GatingMode = 'softmax-topk' | 'topk-softmax';

export interface GatingNoise {
  /** Seed of the counter-based normal noise (u32). */
  seed: number;
  /** W_noise·x of Shazeer 2017 eq. 4, [tokens × experts]; the noise scale is softplus of it. */
  noiseLogits: Float32Array;
}

export interface GatingCapacity {
  /** capacity = floor(factor · k · tokens / experts) choices per expert. */
  factor: number;
  /** 'drop' loses a choice whose expert is full; 'reroute' sends it to the token's next choice. */
  overflow: 'drop' | 'reroute';
}

export interface GatingOptions {
  tokens: number;
  experts: number;
  k: number;
  mode?: GatingMode;
  /** Only for 'softmax-topk'; default true (Mixtral). */
  renormalize?: boolean;
  noise?: GatingNoise;
  capacity?: GatingCapacity;
}

/** Index of a dropped choice in `GatingResult.indices`. */
export const GATING_DROPPED = -1;
export const GATING_MAX_EXPERTS = 64;

export interface GatingResult {
  /** [tokens × k] expert of each choice in rank order; GATING_DROPPED where capacity dropped it. */
  indices: Int32Array;
  /** [tokens × k] combine weight of each choice (0 where dropped). */
  weights: Float32Array;
  /** Choices each expert received after capacity [experts]. */
  expertLoad: Uint32Array;
  /** Capacity per expert, or null when unlimited. */
  capacity: number | null;
  losses: {
    /** E · Σ_e f_e · P_e (Mixtral load_balancing_loss_func: f counts every one of the top-k, before capacity). */
    balance: number;
    /** mean over tokens of logsumexp(clean logits)² (ST-MoE). */
    z: number;
  };
  /** f_e: fraction of tokens whose top-k (before capacity) holds e. */
  fraction: Float32Array;
  /** P_e: mean gate probability of e (softmax of the scores the gate ranked). */
  probability: Float32Array;
  path: 'gpu' | 'cpu';
}

export interface ResolvedGating {
  /** The logits both paths use: the input, with subnormals flushed to zero (see flushSubnormals). */
  logits: Float32Array;
  tokens: number;
  experts: number;
  k: number;
  /** 0 softmax→top-k→renormalise, 1 softmax→top-k, 2 top-k→softmax (the WGSL `mode`). */
  modeCode: number;
  capacity: number | null;
  reroute: boolean;
  noise: GatingNoise | null;
}

/** floor(capacity_factor · k · tokens / experts). */
export function expertCapacity(factor: number, k: number, tokens: number, experts: number): number {
  return Math.floor((factor * k * tokens) / experts);
}

/** Validates logits and options once for both paths. */
export function resolveGating(logits: Float32Array, options: GatingOptions): ResolvedGating {
  if (!(logits instanceof Float32Array)) {
    throw new InvalidInputError('logits is not a Float32Array', 'pass router logits as a Float32Array [tokens × experts]');
  }
  const resolved = resolveGatingOptions(options);
  const { tokens, experts } = resolved;
  if (logits.length !== tokens * experts) {
    throw new InvalidInputError(
      `logits has ${logits.length} values; tokens × experts = ${tokens * experts}`,
      'lay logits out row-major as [tokens × experts]',
    );
  }
  requireFiniteArray('logits', logits);
  return { ...resolved, logits: flushSubnormals(logits) };
}

/** Validates the options alone, for logits that are already on the GPU. */
export function resolveGatingOptions(options: GatingOptions): Omit<ResolvedGating, 'logits'> {
  const tokens = requireInteger('tokens', options.tokens, 1, 2 ** 28);
  const experts = requireInteger('experts', options.experts, 1, GATING_MAX_EXPERTS);
  const k = requireInteger('k', options.k, 1, experts);
  const mode = options.mode ?? 'softmax-topk';
  if (mode !== 'softmax-topk' && mode !== 'topk-softmax') {
    throw new InvalidInputError(`mode is ${String(mode)}`, "mode must be 'softmax-topk' or 'topk-softmax'");
  }
  if (options.renormalize !== undefined && mode !== 'softmax-topk') {
    throw new InvalidInputError('renormalize was given with topk-softmax', "renormalize applies only to mode 'softmax-topk'");
  }
  const modeCode = mode === 'topk-softmax' ? GATING_MODE.topkSoftmax : options.renormalize === false ? GATING_MODE.noRenormalize : GATING_MODE.renormalize;
  let noise: GatingNoise | null = null;
  if (options.noise) {
    requireInteger('noise.seed', options.noise.seed, 0, 0xffffffff);
    const nl = options.noise.noiseLogits;
    if (!(nl instanceof Float32Array) || nl.length !== tokens * experts) {
      throw new InvalidInputError('noise.noiseLogits does not match logits', 'pass a Float32Array of the same [tokens × experts] shape');
    }
    requireFiniteArray('noise.noiseLogits', nl);
    noise = { seed: options.noise.seed, noiseLogits: flushSubnormals(nl) };
  }
  let capacity: number | null = null;
  let reroute = false;
  if (options.capacity) {
    const factor = requireNumberInRange('capacity.factor', options.capacity.factor, Number.MIN_VALUE, 1e6);
    if (options.capacity.overflow !== 'drop' && options.capacity.overflow !== 'reroute') {
      throw new InvalidInputError(`capacity.overflow is ${String(options.capacity.overflow)}`, "use 'drop' or 'reroute'");
    }
    capacity = expertCapacity(factor, k, tokens, experts);
    reroute = options.capacity.overflow === 'reroute';
  }
  return { tokens, experts, k, modeCode, capacity, reroute, noise };
}

const SMALLEST_NORMAL_F32 = 1.1754943508222875e-38;

/**
 * GPUs may flush subnormal f32 values to zero (WGSL allows it; SwiftShader does), which would turn
 * 1e-45 > 0 into a tie. Both paths therefore see subnormal inputs as zero. Returns the input itself
 * when it holds none (the usual case), else a flushed copy.
 */
export function flushSubnormals(x: Float32Array): Float32Array {
  let copy: Float32Array | null = null;
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== 0 && Math.abs(x[i]) < SMALLEST_NORMAL_F32) {
      copy ??= x.slice();
      copy[i] = 0;
    }
  }
  return copy ?? x;
}

/** Choices each expert received (dropped ones count for none). */
export function expertLoadOf(indices: Int32Array, experts: number): Uint32Array {
  const load = new Uint32Array(experts);
  for (let i = 0; i < indices.length; i++) if (indices[i] >= 0) load[indices[i]]++;
  return load;
}
