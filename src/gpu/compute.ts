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
      steps.forEach((step, index) => {
        const pass = encoder.beginComputePass({ timestampWrites: timer.passWrites(index, steps.length) });
        pass.setPipeline(step.pipeline);
        pass.setBindGroup(0, bindGroupFor(device, step));
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

/**
 * Bind groups cached per pipeline (so per device) by the buffers bound: a kernel's pooled buffers come
 * back, so repeated runs find their group. Each pipeline keeps its most recent BIND_GROUPS_KEPT groups.
 */
const BIND_GROUPS_KEPT = 64;
const bindGroups = new WeakMap<GPUComputePipeline, Map<string, GPUBindGroup>>();

function bindGroupFor(device: GPUDevice, step: ComputeStep): GPUBindGroup {
  let byBuffers = bindGroups.get(step.pipeline);
  if (!byBuffers) bindGroups.set(step.pipeline, (byBuffers = new Map()));
  const key = step.buffers.map(bufferId).join(',');
  let group = byBuffers.get(key);
  if (group) {
    byBuffers.delete(key); // most recent last
  } else {
    group = device.createBindGroup({
      layout: step.pipeline.getBindGroupLayout(0),
      entries: step.buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    if (byBuffers.size >= BIND_GROUPS_KEPT) byBuffers.delete(byBuffers.keys().next().value!);
  }
  byBuffers.set(key, group);
  return group;
}

const ids = new WeakMap<GPUBuffer, number>();
let nextId = 0;
function bufferId(buffer: GPUBuffer): number {
  let id = ids.get(buffer);
  if (id === undefined) ids.set(buffer, (id = nextId++));
  return id;
}
