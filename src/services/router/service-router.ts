import { InvalidInputError, requireInteger, requireNumberInRange } from '../../errors';
import type { GpuContext } from '../../gpu/device';
import { gatingCpu } from '../../kernels/gating-cpu';
import { gatingGpu } from '../../kernels/gating-gpu';
import type { GatingResult } from '../../kernels/gating-options';
import { ROUTER_NO_ROW, routerLogitsGpu, type RouterLogitsTensor } from '../../kernels/router-logits';
import { readFloat32 } from '../../gpu/buffers';
import { rowsOnDevice } from '../../gpu/tensor';
import { elementsOf, isTensor, tensorValues, type GpuTensor, type Tensor } from '../../gpu/tensor';
import { type RouteDecision } from '../service-stage';
import { SERVICE_NAMES, type ExecutionPath, type ServiceName } from '../../core/names';
import { CircuitBreaker, type CircuitBreakerOptions } from './breaker';
import { defaultRouterFallbackWeights, defaultRouterWeights } from './default-weights';
import { NoServiceAvailableError, RouterWeightsError } from './errors';
import { routerFeatureVector, type RequestFeatures } from './features';
import { foldedEmbeddingWeights, parseRouterWeights, routerLogitsOf, standardize, topContributions, type RouterWeights } from './model';

export interface ServiceRouterOptions {
  /** 'gpu' runs the gating kernel on `gpu`; 'cpu' runs its CPU reference. */
  backend: ExecutionPath;
  gpu?: GpuContext;
  /** Trained weights; the committed default (with the BERT embedding) when absent. */
  weights?: unknown;
  /**
   * Weights for text that comes without an embedding when `weights` need one; the committed
   * hashed-words model when absent. Both must score the same services.
   */
  fallbackWeights?: unknown;
  /** Services chosen per request at most (default 2). */
  k?: number;
  /** A second choice whose weight is below this is not selected (default 0.15). */
  minWeight?: number;
  /** Logit lowered per unit of load (default 1): a service's odds are multiplied by e^(−penalty·load). */
  loadPenalty?: number;
  breaker?: CircuitBreakerOptions;
}

export interface ServiceRouteDecision extends RouteDecision {
  /** Model probability of every scored service, after load adjustment, over the services considered. */
  probabilities: Partial<Record<ServiceName, number>>;
  /** Services left out of the gating, and why. */
  excluded: Array<{ service: ServiceName; reason: string }>;
  path: ExecutionPath;
  /** Which model scored the request: with the text's BERT embedding, or without one. */
  features: 'embedding' | 'no-embedding';
}

export interface RouteItem {
  request: RequestFeatures;
  /** The text's embedding: in CPU memory, or a tensor that may live on the GPU (used there on the GPU path). */
  embedding?: Float32Array | Tensor;
}

/**
 * Request features → softmax-regression logits over the services → load adjustment → the gating
 * kernel (softmax → top-k → renormalise, Mixtral) over the services that are running and whose
 * breaker is not open → the selected services with weights, confidence, auxiliary losses and a reason.
 * A batch of requests is one gating dispatch (one token per request).
 */
export class ServiceRouter {
  readonly weights: RouterWeights;
  readonly fallbackWeights: RouterWeights;
  readonly backend: ExecutionPath;
  /** One circuit breaker per service; the pipeline records outcomes on them. */
  readonly breakers = new Map<ServiceName, CircuitBreaker>();
  private readonly gpu?: GpuContext;
  private readonly k: number;
  private readonly minWeight: number;
  private readonly loadPenalty: number;
  private readonly load = new Map<ServiceName, number>();
  private readonly scored: ServiceName[];
  /** [services × hidden] embedding weights over their standardisation scale, for the router-logits kernel. */
  private readonly embeddingWeights: Float32Array;

  constructor(options: ServiceRouterOptions) {
    if (options.backend !== 'gpu' && options.backend !== 'cpu') {
      throw new InvalidInputError(`backend is ${String(options.backend)}`, "use 'gpu' or 'cpu'");
    }
    if (options.backend === 'gpu' && !options.gpu) {
      throw new InvalidInputError('backend gpu needs a GpuContext', 'pass { gpu: await acquireGpu() } or use backend cpu');
    }
    this.backend = options.backend;
    this.gpu = options.gpu;
    this.weights = parseRouterWeights(options.weights ?? defaultRouterWeights());
    this.fallbackWeights = parseRouterWeights(options.fallbackWeights ?? defaultRouterFallbackWeights());
    if (this.fallbackWeights.services.join() !== this.weights.services.join()) {
      throw new RouterWeightsError('the fallback weights score other services than the weights', 'train both with scripts/train-router.ts');
    }
    this.k = requireInteger('k', options.k ?? 2, 1, SERVICE_NAMES.length);
    this.minWeight = requireNumberInRange('minWeight', options.minWeight ?? 0.15, 0, 1);
    this.loadPenalty = requireNumberInRange('loadPenalty', options.loadPenalty ?? 1, 0, 1000);
    this.embeddingWeights = foldedEmbeddingWeights(this.weights);
    this.scored = this.weights.services.filter((s): s is ServiceName => (SERVICE_NAMES as readonly string[]).includes(s));
    for (const s of SERVICE_NAMES) this.breakers.set(s, new CircuitBreaker(options.breaker));
  }

  /**
   * The load signal of a service, ≥ 0: its queue length divided by how many requests it runs at
   * once (0 idle, 1 fully busy, 2 a full queue waiting). It lowers the service's logit by
   * loadPenalty · load before gating.
   */
  setLoad(service: ServiceName, load: number): void {
    if (!SERVICE_NAMES.includes(service)) throw new InvalidInputError(`unknown service ${String(service)}`, `use one of ${SERVICE_NAMES.join(', ')}`);
    this.load.set(service, requireNumberInRange('load', load, 0, 1e6));
  }

  /** The router reads embeddings on its own path (on the GPU path: where they are, if on its device). */
  embeddingPlacement() {
    return { path: this.backend, device: this.gpu?.device };
  }

  breaker(service: ServiceName): CircuitBreaker {
    return this.breakers.get(service)!;
  }

  /** Routes a batch (the pipeline's RequestRouter): one gating dispatch for all items. */
  async route(items: RouteItem[], available: readonly ServiceName[] = SERVICE_NAMES): Promise<{ decisions: ServiceRouteDecision[]; gpuMs?: number; path: ExecutionPath }> {
    if (!Array.isArray(items) || items.length === 0) throw new InvalidInputError('no requests to route', 'pass at least one { request }');
    const excluded: ServiceRouteDecision['excluded'] = [];
    const candidates: ServiceName[] = [];
    for (const s of this.scored) {
      if (!available.includes(s)) excluded.push({ service: s, reason: 'not running' });
      else if (this.breaker(s).state === 'open') excluded.push({ service: s, reason: 'circuit breaker open' });
      else candidates.push(s);
    }
    if (candidates.length === 0) {
      throw new NoServiceAvailableError(
        `no service can take the request (${excluded.map((e) => `${e.service}: ${e.reason}`).join('; ')})`,
        'start a service, or wait for an open breaker to turn half-open',
      );
    }
    const E = candidates.length;
    const T = items.length;
    const columns = candidates.map((s) => this.weights.services.indexOf(s));
    const scored = await Promise.all(items.map((item) => this.score(item)));
    // base: the logits the CPU computes (with the embedding left out where the GPU adds it), less load.
    const base = new Float32Array(T * E);
    scored.forEach(({ model, logits }, t) => {
      candidates.forEach((s, e) => (base[t * E + e] = logits[model.services.indexOf(s)] - this.loadPenalty * (this.load.get(s) ?? 0)));
    });
    const k = Math.min(this.k, E);
    const options = { tokens: T, experts: E, k };
    let gating: GatingResult;
    let adjusted: Float32Array = base;
    let gpuMs: number | undefined;
    if (this.backend === 'gpu') {
      const onGpu = scored.flatMap((s, t) => (s.resident ? [{ t, row: s.resident }] : []));
      if (onGpu.length === 0) {
        const result = await gatingGpu(this.gpu!, base, options);
        gating = result;
        gpuMs = result.timing.ms;
      } else {
        ({ gating, adjusted, gpuMs } = await this.gateWithResidentEmbeddings(base, onGpu, columns, options));
      }
    } else {
      gating = gatingCpu(base, options);
    }
    const decisions = items.map((item, t) => this.decide(item, t, k, candidates, adjusted, base, scored[t].model, scored[t].z, scored[t].logits, gating, excluded));
    return { decisions, gpuMs, path: this.backend };
  }

  /**
   * The logits of one request on the CPU. On the GPU path an embedding that lives on the router's
   * device is left out here (as zeros) and added by the router-logits kernel where it lives.
   */
  private async score(item: RouteItem) {
    const given = item.embedding ?? item.request.embedding;
    const size = this.weights.layout.embeddingSize;
    const tensor: Tensor | undefined = given === undefined || isTensor(given) ? given : { kind: 'cpu', data: given, shape: [given.length] };
    // Text without a usable embedding (none, or another model's hidden size) goes to the model
    // trained without one; the decision says so.
    const usable = tensor !== undefined && elementsOf(tensor) === size;
    const model = item.request.text !== undefined && !usable && size > 0 ? this.fallbackWeights : this.weights;
    const resident = model === this.weights && usable && this.backend === 'gpu' && tensor.kind === 'gpu' && tensor.device === this.gpu!.device ? tensor : undefined;
    const embedding = model !== this.weights || !usable ? undefined : resident ? new Float32Array(size) : await tensorValues(tensor);
    const z = standardize(model, routerFeatureVector({ ...item.request, embedding }, model.layout));
    return { model, z, logits: routerLogitsOf(model, z), resident };
  }

  /** Router logits on the GPU from embeddings resident there, then gating on those logits in place. */
  private async gateWithResidentEmbeddings(base: Float32Array, onGpu: Array<{ t: number; row: GpuTensor }>, columns: number[], options: { tokens: number; experts: number; k: number }) {
    const ctx = this.gpu!;
    const { tokens: T, experts: E } = options;
    const H = this.weights.layout.embeddingSize;
    const weight = new Float32Array(E * H);
    columns.forEach((c, e) => weight.set(this.embeddingWeights.subarray(c * H, (c + 1) * H), e * H));
    const rows = rowsOnDevice(ctx.device, onGpu.map((o) => o.row), H);
    const start = new Uint32Array(T).fill(ROUTER_NO_ROW);
    onGpu.forEach(({ t }, i) => (start[t] = rows.starts[i]));
    let logits: RouterLogitsTensor | undefined;
    try {
      const made = await routerLogitsGpu(ctx, base, start, rows.tensor, weight, { tokens: T, experts: E, hidden: H });
      logits = made.logits;
      const gating = await gatingGpu(ctx, logits, options);
      // The logits come back (tokens × services, small) for confidence and the reason.
      const adjusted = await readFloat32(ctx.device, logits.buffer, T * E);
      if (!adjusted.every(Number.isFinite)) throw new InvalidInputError('the text embedding held NaN or infinite values', 'check the embedding model’s output');
      return { gating, adjusted, gpuMs: made.timing.ms + gating.timing.ms };
    } finally {
      logits?.destroy();
      rows.release();
    }
  }

  /** Routes one request. */
  async routeOne(request: RequestFeatures, available: readonly ServiceName[] = SERVICE_NAMES): Promise<ServiceRouteDecision> {
    return (await this.route([{ request }], available)).decisions[0];
  }

  private decide(
    item: RouteItem, t: number, k: number, candidates: ServiceName[], adjusted: Float32Array, base: Float32Array,
    model: RouterWeights, z: Float64Array, logits: Float64Array, gating: GatingResult, excluded: ServiceRouteDecision['excluded'],
  ): ServiceRouteDecision {
    const E = candidates.length;
    // Probabilities over the candidates (after load adjustment), for confidence and the response.
    let max = -Infinity;
    for (let e = 0; e < E; e++) max = Math.max(max, adjusted[t * E + e]);
    let sum = 0;
    for (let e = 0; e < E; e++) sum += Math.exp(adjusted[t * E + e] - max);
    const probabilities: Partial<Record<ServiceName, number>> = {};
    candidates.forEach((s, e) => (probabilities[s] = Math.exp(adjusted[t * E + e] - max) / sum));
    // Keep the gate's first choice, and later ones of weight ≥ minWeight; renormalise the kept.
    const chosen: Array<{ service: ServiceName; weight: number }> = [];
    for (let j = 0; j < k; j++) {
      const e = gating.indices[t * k + j];
      const w = gating.weights[t * k + j];
      if (e >= 0 && (j === 0 || w >= this.minWeight)) chosen.push({ service: candidates[e], weight: w });
    }
    const total = chosen.reduce((a, c) => a + c.weight, 0);
    const top = chosen[0].service;
    // No expert fits: the model's own top probability (over every service it scores, before load) is below the threshold chosen on validation.
    // On the GPU path a resident embedding's part of each candidate's logit was added there (adjusted − base);
    // a service left out of the gating is scored without it.
    const full = Float64Array.from(logits, (l, s) => {
      const e = candidates.indexOf(model.services[s] as ServiceName);
      return e < 0 ? l : l + adjusted[t * E + e] - base[t * E + e];
    });
    const fit = modelTopProbability(full);
    const noFit = fit < (model.noFitThreshold ?? 0);
    const picked = chosen.map((c) => ({ service: c.service, weight: c.weight / total }));
    const selected = noFit ? [] : picked;
    const features = model.layout.embeddingSize > 0 && item.request.text !== undefined ? 'embedding' : 'no-embedding';
    // What the GPU added for the embedding (0 where the CPU scored it whole).
    const e = candidates.indexOf(top);
    const embeddingShift = adjusted[t * E + e] - base[t * E + e];
    const routed = this.reasonFor(item, picked, k, E, top, model, z, logits, embeddingShift, candidates, excluded);
    const reason = noFit ? `no expert fits: the best, ${top}, has p ${fit.toFixed(2)} < ${model.noFitThreshold} (threshold chosen on the validation split); ${routed}` : routed;
    return {
      selected,
      confidence: probabilities[top]!,
      reason,
      auxLoss: { loadBalancing: gating.losses.balance, zLoss: gating.losses.z },
      probabilities,
      excluded,
      path: gating.path,
      features,
    };
  }

  private reasonFor(
    item: RouteItem, selected: Array<{ service: ServiceName; weight: number }>, k: number, E: number, top: ServiceName,
    model: RouterWeights, z: Float64Array, logits: Float64Array, embeddingShift: number, candidates: ServiceName[], excluded: ServiceRouteDecision['excluded'],
  ): string {
    const r = item.request;
    const kinds: string[] = [];
    const given = item.embedding ?? r.embedding;
    const embeddingNote =
      model.layout.embeddingSize > 0
        ? 'with its BERT embedding'
        : given !== undefined
          ? `hashed words: the embedding has ${isTensor(given) ? elementsOf(given) : given.length} values, the weights were trained on ${this.weights.layout.embeddingSize}`
          : 'hashed words, no embedding';
    if (r.text !== undefined) kinds.push(`text of ${r.text.length} characters (${embeddingNote})`);
    if (r.series !== undefined) kinds.push(`series of ${r.series.length} values`);
    const picks = selected.map((s) => `${s.service} ${s.weight.toFixed(2)}`).join(', ');
    const evidence = topContributions(model, z, model.services.indexOf(top), 3, embeddingShift)
      .map(([name, c]) => `${name} (+${c.toFixed(2)})`)
      .join(', ');
    const parts = [`${kinds.join(' and ')} → ${picks} (softmax → top-${k} → renormalise over ${E} services, ${this.backend})`];
    if (evidence) parts.push(`strongest evidence for ${top}: ${evidence}`);
    for (const s of candidates) {
      const load = this.load.get(s) ?? 0;
      if (load > 0 && this.loadPenalty > 0) parts.push(`${s} logit ${logits[model.services.indexOf(s)].toFixed(2)} lowered by ${(this.loadPenalty * load).toFixed(2)} for load ${load}`);
    }
    for (const e of excluded) parts.push(`${e.service} excluded: ${e.reason}`);
    return parts.join('; ');
  }
}

/** The largest softmax probability of the model's logits. */
function modelTopProbability(logits: Float64Array): number {
  const max = Math.max(...logits);
  let sum = 0;
  for (const l of logits) sum += Math.exp(l - max);
  return 1 / sum;
}
