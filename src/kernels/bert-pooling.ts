import { InvalidInputError, requireInteger } from '../errors';
import { STORAGE, bufferFrom, checkBindingSize, readFloat32 } from '../gpu/buffers';
import type { ComputeStep } from '../gpu/compute';
import type { GpuContext } from '../gpu/device';
import { dispatchFor } from '../gpu/dispatch';
import { declareKernel, dispatch, kernelPipeline } from '../gpu/kernel';
import type { GpuTiming } from '../gpu/timing';

/** A power of two (the shared-memory reduction halves it). */
export const BERT_POOL_WORKGROUP_SIZE = 64;

/** Masked mean over the sequence, then optional L2 normalisation (shaders/wgsl/bert-mean-pool.wgsl). */
export const BERT_MEAN_POOL_KERNEL = declareKernel({
  shader: 'bert-mean-pool',
  constants: { WORKGROUP_SIZE: BERT_POOL_WORKGROUP_SIZE },
  workgroupSize: BERT_POOL_WORKGROUP_SIZE,
  uniforms: { batch: 'u32', seq: 'u32', hidden: 'u32', normalize: 'u32' },
  bindings: ['states', 'mask', 'pooled'],
});

export interface MeanPoolShape {
  batch: number;
  seq: number;
  hidden: number;
}

/**
 * CPU reference of mean pooling + L2 normalisation, as sentence-transformers' Pooling(mean) and
 * Normalize: sum over tokens with mask 1, divided by max(count, 1e-9), then x / max(‖x‖₂, 1e-12).
 * `states` is [batch, seq, hidden], `mask` [batch, seq]. Also the fast CPU path of the service.
 */
export function bertMeanPoolCpu(states: Float32Array, mask: ArrayLike<number | bigint>, shape: MeanPoolShape, normalize = true): Float32Array {
  validateShape(states.length, mask.length, shape);
  const { batch, seq, hidden } = shape;
  const out = new Float32Array(batch * hidden);
  const acc = new Float64Array(hidden);
  for (let b = 0; b < batch; b++) {
    acc.fill(0);
    let count = 0;
    for (let s = 0; s < seq; s++) {
      if (Number(mask[b * seq + s]) === 0) continue;
      count++;
      const base = (b * seq + s) * hidden;
      for (let h = 0; h < hidden; h++) acc[h] += states[base + h];
    }
    const denom = Math.max(count, 1e-9);
    let sq = 0;
    for (let h = 0; h < hidden; h++) {
      const mean = acc[h] / denom;
      acc[h] = mean;
      sq += mean * mean;
    }
    const inv = normalize ? 1 / Math.max(Math.sqrt(sq), 1e-12) : 1;
    for (let h = 0; h < hidden; h++) out[b * hidden + h] = acc[h] * inv;
  }
  return out;
}

export function bertMeanPoolPipeline(device: GPUDevice): GPUComputePipeline {
  return kernelPipeline(device, BERT_MEAN_POOL_KERNEL);
}

/** Encodes pooling of resident buffers (states [B,S,H] f32, mask [B,S] u32) into `pooled` [B,H]. */
export function bertMeanPoolStep(device: GPUDevice, params: GPUBuffer, states: GPUBuffer, mask: GPUBuffer, pooled: GPUBuffer, batch: number): ComputeStep {
  return { pipeline: bertMeanPoolPipeline(device), buffers: [params, states, mask, pooled], workgroups: dispatchFor(device, batch * BERT_POOL_WORKGROUP_SIZE, BERT_POOL_WORKGROUP_SIZE) };
}

/**
 * Pools a hidden-state buffer already on the GPU (e.g. onnxruntime-web's `gpu-buffer` output) into a
 * new [batch, hidden] buffer that the caller owns (destroy it, or hand it to the next stage).
 */
export async function bertMeanPoolResident(
  ctx: GpuContext,
  states: GPUBuffer,
  mask: ArrayLike<number | bigint>,
  shape: MeanPoolShape,
  normalize = true,
): Promise<{ pooled: GPUBuffer; timing: GpuTiming }> {
  validateShape(shape.batch * shape.seq * shape.hidden, mask.length, shape);
  const { device } = ctx;
  const bytes = shape.batch * shape.seq * shape.hidden * 4;
  if (states.size < bytes) throw new InvalidInputError(`states buffer holds ${states.size} bytes; the shape needs ${bytes}`, 'pass the buffer of a [batch, seq, hidden] float32 tensor');
  checkBindingSize(device, bytes, 'states');
  const maskWords = new Uint32Array(mask.length);
  for (let i = 0; i < mask.length; i++) maskWords[i] = Number(mask[i]) === 0 ? 0 : 1;
  const maskBuffer = ctx.pool.acquire(maskWords.byteLength, STORAGE, 'attention mask');
  device.queue.writeBuffer(maskBuffer, 0, maskWords);
  const pooled = device.createBuffer({ size: shape.batch * shape.hidden * 4, usage: STORAGE, label: 'pooled embeddings' });
  try {
    const timing = await dispatch(ctx, {
      kernel: BERT_MEAN_POOL_KERNEL,
      uniforms: { batch: shape.batch, seq: shape.seq, hidden: shape.hidden, normalize: normalize ? 1 : 0 },
      buffers: { states, mask: maskBuffer, pooled },
      // One workgroup per sequence.
      elements: shape.batch * BERT_POOL_WORKGROUP_SIZE,
    });
    return { pooled, timing };
  } catch (error) {
    pooled.destroy();
    throw error;
  } finally {
    void ctx.pool.releaseAfterSubmit(maskBuffer);
  }
}

/** Uploads, pools on the GPU and reads back: the test path for the kernel. */
export async function bertMeanPoolGpu(ctx: GpuContext, states: Float32Array, mask: ArrayLike<number | bigint>, shape: MeanPoolShape, normalize = true): Promise<{ pooled: Float32Array; timing: GpuTiming }> {
  validateShape(states.length, mask.length, shape);
  const input = bufferFrom(ctx.device, states, STORAGE, 'hidden states');
  try {
    const { pooled, timing } = await bertMeanPoolResident(ctx, input, mask, shape, normalize);
    try {
      return { pooled: await readFloat32(ctx.device, pooled, shape.batch * shape.hidden), timing };
    } finally {
      pooled.destroy();
    }
  } finally {
    input.destroy();
  }
}

function validateShape(stateCount: number, maskCount: number, shape: MeanPoolShape): void {
  requireInteger('batch', shape.batch, 1, 2 ** 31);
  requireInteger('seq', shape.seq, 1, 2 ** 31);
  requireInteger('hidden', shape.hidden, 1, 2 ** 31);
  if (stateCount !== shape.batch * shape.seq * shape.hidden) {
    throw new InvalidInputError(`states hold ${stateCount} values; [${shape.batch}, ${shape.seq}, ${shape.hidden}] needs ${shape.batch * shape.seq * shape.hidden}`, 'pass states shaped [batch, seq, hidden]');
  }
  if (maskCount !== shape.batch * shape.seq) {
    throw new InvalidInputError(`mask holds ${maskCount} values; [${shape.batch}, ${shape.seq}] needs ${shape.batch * shape.seq}`, 'pass the attention mask shaped [batch, seq]');
  }
}
