// The router's public API: gating kernels (GPU and CPU reference), the service router, its breaker.
export { gatingGpu, GATING_WORKGROUP_SIZE, type GatingGpuOptions, type GatingGpuResult, type GatingReduction } from '../../kernels/gating-gpu';
export { gatingCpu } from '../../kernels/gating-cpu';
export {
  expertCapacity,
  GATING_DROPPED,
  GATING_MAX_EXPERTS,
  type GatingMode,
  type GatingOptions,
  type GatingResult,
  type GatingNoise,
  type GatingCapacity,
} from '../../kernels/gating-options';
export { gatingNormal } from '../../kernels/gating-noise';
export { ServiceRouter, type ServiceRouterOptions, type ServiceRouteDecision, type RouteItem } from './service-router';
export { CircuitBreaker, type CircuitBreakerOptions, type BreakerState } from './breaker';
export { routerFeatureVector, defaultFeatureLayout, type RequestFeatures, type RouterFeatureLayout } from './features';
export { parseRouterWeights, ROUTER_WEIGHTS_FORMAT, type RouterWeights } from './model';
export { defaultRouterWeights, defaultRouterFallbackWeights } from './default-weights';
export { embedLabelledRequests, type RouterTextEmbedder } from './text-embeddings';
export { parseLabelledRequests, evaluateRouter, type LabelledRequest, type RouterEvaluation } from './dataset';
export { RouterWeightsError, NoServiceAvailableError } from './errors';
