/**
 * Compute pipelines cached per device in a WeakMap: a lost or destroyed device takes its pipelines
 * with it, and a new device rebuilds them on first use.
 *
 * Cache key: `${shaderName}|${entryPoint}|${sorted override constants}|${layout tag}`. Shapes never
 * enter the key: they travel in uniforms, so one pipeline serves every size.
 */
const perDevice = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();
const modules = new WeakMap<GPUDevice, Map<string, GPUShaderModule>>();

export interface PipelineSpec {
  /** Name of the WGSL file (for the key and labels). */
  shader: string;
  code: string;
  entryPoint?: string;
  /** WGSL `override` constants, set from TS so each constant lives in one place. */
  constants?: Record<string, number>;
}

export function pipelineKey(spec: PipelineSpec): string {
  const constants = Object.entries(spec.constants ?? {})
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return `${spec.shader}|${spec.entryPoint ?? 'main'}|${constants}`;
}

export function getPipeline(device: GPUDevice, spec: PipelineSpec): GPUComputePipeline {
  let pipelines = perDevice.get(device);
  if (!pipelines) perDevice.set(device, (pipelines = new Map()));
  const key = pipelineKey(spec);
  let pipeline = pipelines.get(key);
  if (!pipeline) {
    pipeline = device.createComputePipeline({
      label: key,
      layout: 'auto',
      compute: { module: getModule(device, spec), entryPoint: spec.entryPoint ?? 'main', constants: spec.constants },
    });
    pipelines.set(key, pipeline);
  }
  return pipeline;
}

/** Number of pipelines built on this device (for tests of the cache). */
export function cachedPipelineCount(device: GPUDevice): number {
  return perDevice.get(device)?.size ?? 0;
}

function getModule(device: GPUDevice, spec: PipelineSpec): GPUShaderModule {
  let byName = modules.get(device);
  if (!byName) modules.set(device, (byName = new Map()));
  let module = byName.get(spec.shader);
  if (!module) {
    module = device.createShaderModule({ label: spec.shader, code: spec.code });
    byName.set(spec.shader, module);
  }
  return module;
}
