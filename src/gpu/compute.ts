import type { Workgroups } from './dispatch';
import { capturingGpuErrors } from './error-scope';
import { PassTimer, type GpuTiming } from './timing';

/** One dispatch: `buffers[i]` is bound at @group(0) @binding(i). */
export interface ComputeStep {
  pipeline: GPUComputePipeline;
  buffers: GPUBuffer[];
  workgroups: Workgroups;
}

/** A buffer-to-buffer copy encoded before the first pass (e.g. a GPU-resident input into a kernel's buffer). */
export interface BufferCopy {
  source: GPUBuffer;
  sourceOffset: number;
  destination: GPUBuffer;
  destinationOffset: number;
  size: number;
}

/**
 * Encodes the steps as passes of one submission, in order, and waits for them. Validation errors
 * from encoding or execution are raised as GpuValidationError rather than lost on the console.
 * Steps may repeat (a T-step simulation is T steps in one submission, not T round trips).
 */
export function runCompute(device: GPUDevice, steps: ComputeStep[], options: { timing?: boolean; copiesFirst?: BufferCopy[] } = {}): Promise<GpuTiming> {
  return capturingGpuErrors(device, async () => {
    const timer = new PassTimer(device, options.timing ?? true);
    try {
      const encoder = device.createCommandEncoder();
      for (const c of options.copiesFirst ?? []) encoder.copyBufferToBuffer(c.source, c.sourceOffset, c.destination, c.destinationOffset, c.size);
      const groups = new Map<GPUComputePipeline, Map<string, GPUBindGroup>>();
      steps.forEach((step, index) => {
        const pass = encoder.beginComputePass({ timestampWrites: timer.passWrites(index, steps.length) });
        pass.setPipeline(step.pipeline);
        pass.setBindGroup(0, bindGroupFor(device, groups, step));
        pass.dispatchWorkgroups(...step.workgroups);
        pass.end();
      });
      timer.resolveInto(encoder);
      timer.markSubmit();
      device.queue.submit([encoder.finish()]);
      return await timer.result();
    } finally {
      timer.destroy();
    }
  });
}

/** Steps that reuse the same buffers share one bind group. */
function bindGroupFor(device: GPUDevice, cache: Map<GPUComputePipeline, Map<string, GPUBindGroup>>, step: ComputeStep): GPUBindGroup {
  let byBuffers = cache.get(step.pipeline);
  if (!byBuffers) cache.set(step.pipeline, (byBuffers = new Map()));
  const key = step.buffers.map(bufferId).join(',');
  let group = byBuffers.get(key);
  if (!group) {
    group = device.createBindGroup({
      layout: step.pipeline.getBindGroupLayout(0),
      entries: step.buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    byBuffers.set(key, group);
  }
  return group;
}

const ids = new WeakMap<GPUBuffer, number>();
let nextId = 0;
function bufferId(buffer: GPUBuffer): number {
  let id = ids.get(buffer);
  if (id === undefined) ids.set(buffer, (id = nextId++));
  return id;
}
