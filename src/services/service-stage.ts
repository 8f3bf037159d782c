import type { ExecutionPath, ServiceName } from '../core/names';
import type { Deadline } from '../core/deadline';
import type { Tensor } from '../gpu/tensor';
import type { ValidRequest } from '../core/request';

/** What travels between stages: a tensor (the request's text embedding), where the stage asked for it. */
export interface Packet {
  tensor: Tensor;
}

/** What a service returns to the pipeline for one request. */
export interface StageResult {
  /** The service's answer in one short line (a label, a predicted value, a matched key…). */
  decision: string;
  /** The service's own confidence in [0, 1]. */
  confidence: number;
  energyPj: number;
  /** The energy model that produced energyPj. */
  energyModel: string;
  /** GPU time where measured (timestamp-query or queue completion). */
  gpuMs?: number;
  path: ExecutionPath;
  /** The service's full response. */
  output: unknown;
}

export interface StageInput {
  request: ValidRequest;
  /** The request's text embedding (when it had text), from the language stage, where the stage asked for it (`embeddingPlacement`). */
  embedding?: Packet;
  /** For the embedder's own stage: what the embedding run also computed for this request (BERT's class). */
  byproduct?: unknown;
  /** For a stage that runs after the others: the decision they reached. */
  decision?: { service: ServiceName | 'none'; value: string };
}

/** A service as the pipeline sees it. */
export interface ServiceStage {
  readonly name: ServiceName;
  /** Runs once the other selected services have answered, and is given their decision (consensus). */
  readonly afterDecision?: boolean;
  /** Where the stage reads this request's text embedding: on its device, or in CPU memory; none when it does not read it. */
  embeddingPlacement?(request: ValidRequest): EmbeddingPlacement | undefined;
  run(input: StageInput, deadline: Deadline): Promise<StageResult>;
  /**
   * The stage over the requests of one batch that chose it, sharing its work (one model run or kernel
   * dispatch for the batch): one promise per input, each settling as `run` would for that input alone
   * (the same result, or a failure of that input only). Absent: the pipeline calls `run` per input.
   */
  runBatch?(inputs: StageInput[], deadlines: Deadline[]): Array<Promise<StageResult>>;
}

/** Where a stage wants a tensor: on the GPU (on `device`) or in CPU memory. */
export interface EmbeddingPlacement {
  path: ExecutionPath;
  device?: GPUDevice;
}

/** Text → embeddings, for routing features and for the services that use them. */
export interface TextEmbedder {
  /** The stage the embedder belongs to; it is given the run's byproducts. */
  readonly name: ServiceName;
  /** A [texts, hidden] tensor where the embedding model ran (on the GPU it stays there); `release` frees it. */
  embed(texts: string[]): Promise<{ tensor: Tensor; release(): void; gpuMs?: number; path: ExecutionPath; energyPj: number[]; byproducts?: unknown[] }>;
}

export interface RouteChoice {
  service: ServiceName;
  weight: number;
}

export interface RouteDecision {
  selected: RouteChoice[];
  confidence: number;
  reason: string;
  auxLoss: { loadBalancing: number; zLoss: number };
  /** Services left out of the gating (not running, breaker open), and why. */
  excluded?: Array<{ service: ServiceName; reason: string }>;
}

/** Features → services; batched so one gating dispatch serves many requests. */
export interface RequestRouter {
  route(items: Array<{ request: ValidRequest; embedding?: Tensor }>, available: ServiceName[]): Promise<{ decisions: RouteDecision[]; gpuMs?: number; path: ExecutionPath }>;
  embeddingPlacement(): EmbeddingPlacement;
}

/** Failures open a breaker; the pipeline skips a service whose breaker is open. */
export interface Breaker {
  allow(): boolean;
  recordSuccess(): void;
  recordFailure(): void;
  readonly state: 'closed' | 'open' | 'half-open';
}
