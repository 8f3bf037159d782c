import { InvalidInputError, requireFiniteArray, requireInteger } from '../errors';
import { STORAGE } from '../gpu/buffers';
import { constantBuffer } from '../gpu/constant-buffers';
import type { GpuContext } from '../gpu/device';
import { declareKernel, dispatch } from '../gpu/kernel';
import type { GpuTiming } from '../gpu/timing';
import type { GpuTensor } from '../gpu/tensor';
import { GATING_MAX_EXPERTS } from './gating-options';
import { NO_INDEX } from './wgsl-constants';

export const ROUTER_LOGITS_WORKGROUP_SIZE = 64;

/** logits[t, e] = base[t, e] + Σ_h embedding[start[t] + h] · weight[e, h] (shaders/wgsl/router-logits.wgsl). */
export const ROUTER_LOGITS_KERNEL = declareKernel({
  shader: 'router-logits',
  constants: { WORKGROUP_SIZE: ROUTER_LOGITS_WORKGROUP_SIZE },
  workgroupSize: ROUTER_LOGITS_WORKGROUP_SIZE,
  uniforms: { tokens: 'u32', experts: 'u32', hidden: 'u32' },
  bindings: ['base', 'start', 'embedding', 'weight', 'logits'],
});
/** `start[t]` of a token without an embedding. */
export const ROUTER_NO_ROW = NO_INDEX;

export interface RouterLogitsShape {
  tokens: number;
  experts: number;
  hidden: number;
}

/** A [tokens × experts] logits buffer on the device; its owner destroys it. */
export interface RouterLogitsTensor extends GpuTensor {
  destroy(): void;
}

function validate(base: Float32Array, start: Uint32Array, weight: Float32Array, shape: RouterLogitsShape, embeddingLength: number): void {
  const tokens = requireInteger('tokens', shape.tokens, 1, 2 ** 24);
  const experts = requireInteger('experts', shape.experts, 1, GATING_MAX_EXPERTS);
  const hidden = requireInteger('hidden', shape.hidden, 1, 2 ** 16);
  if (base.length !== tokens * experts) throw new InvalidInputError(`base has ${base.length} values; tokens × experts = ${tokens * experts}`, 'lay base out as [tokens × experts]');
  if (start.length !== tokens) throw new InvalidInputError(`start has ${start.length} entries for ${tokens} tokens`, 'give one start (or ROUTER_NO_ROW) per token');
  if (weight.length !== experts * hidden) throw new InvalidInputError(`weight has ${weight.length} values; experts × hidden = ${experts * hidden}`, 'lay weight out as [experts × hidden]');
  requireFiniteArray('base', base);
  requireFiniteArray('weight', weight);
  for (const s of start) {
    if (s !== ROUTER_NO_ROW && s + hidden > embeddingLength) {
      throw new InvalidInputError(`an embedding starts at ${s}, past the ${embeddingLength} values given`, 'start each token at a row inside the embedding buffer');
    }
  }
}

/**
 * CPU reference: logits[t, e] = base[t, e] + Σ_h embedding[start[t] + h] · weight[e, h], summed in
 * f32 in the kernel's order.
 */
export function routerLogitsCpu(base: Float32Array, start: Uint32Array, embedding: Float32Array, weight: Float32Array, shape: RouterLogitsShape): Float32Array {
  validate(base, start, weight, shape, embedding.length);
  const { tokens, experts, hidden } = shape;
  const logits = new Float32Array(tokens * experts);
  for (let t = 0; t < tokens; t++) {
    for (let e = 0; e < experts; e++) {
      let sum = 0;
      if (start[t] !== ROUTER_NO_ROW) {
        for (let h = 0; h < hidden; h++) sum = Math.fround(sum + Math.fround(embedding[start[t] + h] * weight[e * hidden + h]));
      }
      logits[t * experts + e] = base[t * experts + e] + sum;
    }
  }
  return logits;
}

/**
 * The same on the GPU, reading the embeddings where they are (`embedding.buffer`, on `ctx.device`);
 * the logits stay on the device for the gating kernel.
 */
export async function routerLogitsGpu(
  ctx: GpuContext, base: Float32Array, start: Uint32Array, embedding: GpuTensor, weight: Float32Array, shape: RouterLogitsShape,
): Promise<{ logits: RouterLogitsTensor; timing: GpuTiming }> {
  if (embedding.device !== ctx.device) {
    throw new InvalidInputError('the embedding lives on another GPU device', 'read it back (tensorValues) or run the router on the device that holds it');
  }
  validate(base, start, weight, shape, embedding.buffer.size / 4);
  const { device, pool } = ctx;
  const { tokens, experts, hidden } = shape;
  const baseBuffer = pool.acquire(base.byteLength, STORAGE, 'router base logits');
  const startBuffer = pool.acquire(start.byteLength, STORAGE, 'router embedding starts');
  device.queue.writeBuffer(baseBuffer, 0, base as Float32Array<ArrayBuffer>);
  device.queue.writeBuffer(startBuffer, 0, start as Uint32Array<ArrayBuffer>);
  // The router's weights: uploaded once per device, found again by their values on later batches.
  const weights = constantBuffer(device, weight, 'router embedding weights');
  const buffer = device.createBuffer({ size: base.byteLength, usage: STORAGE, label: 'router logits' });
  try {
    const timing = await dispatch(ctx, {
      kernel: ROUTER_LOGITS_KERNEL,
      uniforms: { tokens, experts, hidden },
      buffers: { base: baseBuffer, start: startBuffer, embedding: embedding.buffer, weight: weights, logits: buffer },
      elements: tokens * experts,
    });
    const logits: RouterLogitsTensor = { kind: 'gpu', buffer, device, byteOffset: 0, dtype: 'float32', shape: [tokens, experts], destroy: () => buffer.destroy() };
    return { logits, timing };
  } catch (error) {
    buffer.destroy();
    throw error;
  } finally {
    void pool.releaseAfterSubmit(baseBuffer, startBuffer);
  }
}
