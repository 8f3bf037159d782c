// The public API: named exports only.
export * from './errors';
export * from './gpu/index';
export { scaleCpu, scaleGpu } from './kernels/scale';
export { measureBandwidth, type BandwidthResult, type BandwidthOptions } from './kernels/bandwidth';
export * from './services/language/index';
export * from './services/neuromorphic/index';
export * from './services/router/index';
export * from './services/memory/index';
export * from './services/lnn/index';
export * from './services/consensus/index';
