// The public API: named exports only.
export * from './errors';
export * from './gpu/index';
export { scaleCpu, scaleGpu } from './kernels/scale';
export { measureBandwidth, type BandwidthResult, type BandwidthOptions } from './kernels/bandwidth';
export * from './services/language/index';
