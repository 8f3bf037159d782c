import { InvalidInputError, requireFiniteArray, requireInteger } from '../errors';
import { STORAGE, bufferFrom, uniformFrom } from '../gpu/buffers';
import { runCompute } from '../gpu/compute';
import type { GpuContext } from '../gpu/device';
import { dispatchFor } from '../gpu/dispatch';
import { getPipeline } from '../gpu/pipeline-cache';
import type { GpuTiming } from '../gpu/timing';
import { loadWgsl } from '../gpu/wgsl';
import type { GpuTensor } from '../gpu/tensor';
import { GATING_MAX_EXPERTS } from './gating-options';

export const ROUTER_LOGITS_WORKGROUP_SIZE = 64;
/** `start[t]` of a token without an embedding. */
export const ROUTER_NO_ROW = 0xffffffff;

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
  const { device } = ctx;
  const { tokens, experts, hidden } = shape;
  const params = uniformFrom(device, [{ u32: tokens }, { u32: experts }, { u32: hidden }]);
  const inputs = [bufferFrom(device, base, STORAGE, 'router base logits'), bufferFrom(device, start, STORAGE, 'router embedding starts')];
  const weights = bufferFrom(device, weight, STORAGE, 'router embedding weights');
  const buffer = device.createBuffer({ size: base.byteLength, usage: STORAGE, label: 'router logits' });
  try {
    const timing = await runCompute(device, [
      {
        pipeline: getPipeline(device, { shader: 'router-logits', code: loadWgsl('router-logits'), constants: { WORKGROUP_SIZE: ROUTER_LOGITS_WORKGROUP_SIZE } }),
        buffers: [params, ...inputs, embedding.buffer, weights, buffer],
        workgroups: dispatchFor(device, tokens * experts, ROUTER_LOGITS_WORKGROUP_SIZE),
      },
    ]);
    const logits: RouterLogitsTensor = { kind: 'gpu', buffer, device, byteOffset: 0, dtype: 'float32', shape: [tokens, experts], destroy: () => buffer.destroy() };
    return { logits, timing };
  } catch (error) {
    buffer.destroy();
    throw error;
  } finally {
    for (const b of [params, ...inputs, weights]) b.destroy();
  }
}
