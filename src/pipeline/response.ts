import type { Handoff } from '../gpu/tensor';
import type { RouteChoice } from '../services/service-stage';
import type { ExecutionPath, ServiceName } from '../core/names';

export interface StageTiming {
  wallMs: number;
  gpuMs?: number;
  path?: ExecutionPath;
  /** Why the stage ran on that path: forced by the caller, chosen by the adapter, measured, or a cached measurement. */
  why?: 'forced' | 'adapter' | 'measured' | 'cached';
  /** How the text embedding reached the stage: stayed on the GPU, stayed on the CPU, or crossed where the plan switched path. */
  input?: Handoff;
}

export interface ServiceOutcome {
  status: 'ok' | 'failed' | 'skipped';
  decision?: string;
  confidence?: number;
  /** Why a service failed or was skipped. */
  error?: { name: string; code?: string; message: string };
  path?: ExecutionPath;
  output?: unknown;
}

/** One response for one request, whatever services it went through. */
export interface UnifiedResponse {
  id: string;
  /** The answer of the highest-weighted service that succeeded. */
  decision: { service: ServiceName | 'none'; value: string };
  /** Router weight × service confidence, over the services that succeeded, in [0, 1]. */
  confidence: number;
  route: {
    selected: RouteChoice[];
    skipped: Array<{ service: ServiceName; reason: string }>;
    reason: string;
    auxLoss: { loadBalancing: number; zLoss: number };
  };
  services: Partial<Record<ServiceName, ServiceOutcome>>;
  /** totalPj = Σ perService + embeddingPj (the text's embedding run, shared by the router and the stages). */
  energy: { totalPj: number; perService: Partial<Record<ServiceName, number>>; embeddingPj?: number; model: string };
  timings: { perStage: Record<string, StageTiming>; totalMs: number };
  /** Size of the batch this request's embedding and routing ran in. */
  batchSize: number;
}
