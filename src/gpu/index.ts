export { acquireGpu, adoptDevice, platformGpu, type AdapterSummary, type GpuContext, type AcquireOptions } from './device';
export { GpuRuntime, type GpuEvent } from './runtime';
export { BufferPool } from './buffer-pool';
export { getPipeline, pipelineKey, cachedPipelineCount, type PipelineSpec } from './pipeline-cache';
export { foldDispatch, dispatchFor, type Workgroups } from './dispatch';
export { runCompute, type ComputeStep } from './compute';
export { PassTimer, type GpuTiming } from './timing';
export { loadWgsl } from './wgsl';
export { Usage, STORAGE, UNIFORM, bufferFrom, uniformFrom, readBuffer, readFloat32, readUint32, checkBindingSize } from './buffers';
