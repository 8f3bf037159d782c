import { InvalidInputError } from '../../errors';
import { Usage } from '../../gpu/buffers';
import { capturingGpuErrors } from '../../gpu/error-scope';
import { isTensor, requireGpuTensorLayout, tensorValues, type GpuTensor, type Tensor } from '../../gpu/tensor';
import { MemoryQueryTensorError } from './errors';
import { requireMemoryVector } from './validate';

/** What a query accepts: values in CPU memory, or a pipeline tensor (on the CPU or on a GPU). */
export type MemoryQueryInput = ArrayLike<number> | Tensor;

/** A checked query: values in CPU memory, or a GPU tensor whose fields were checked (not its values). */
export type CheckedMemoryQuery = { kind: 'cpu'; values: Float32Array } | { kind: 'gpu'; tensor: GpuTensor };

/**
 * Checks a query against the memory's dimension. CPU values are checked for NaN/Infinity here; a GPU
 * tensor's values cannot be seen without a read-back, so the search reports them (every score NaN).
 */
export function requireMemoryQuery(input: unknown, dimension: number): CheckedMemoryQuery {
  if (!isTensor(input)) return { kind: 'cpu', values: requireMemoryVector('query vector', input, dimension) };
  const shape = input.shape;
  if (!Array.isArray(shape) || shape.length !== 1 || shape[0] !== dimension) {
    throw new InvalidInputError(
      `the query tensor has shape ${Array.isArray(shape) ? `[${shape.join(', ')}]` : String(shape)}`,
      `this memory takes a query of shape [${dimension}] (one row: use tensorRow for a batch)`,
    );
  }
  if (input.kind === 'cpu') return { kind: 'cpu', values: requireMemoryVector('query tensor', input.data, dimension) };
  requireGpuTensorLayout(input, 'the query tensor');
  const { buffer } = input;
  if (typeof buffer.usage === 'number' && (buffer.usage & Usage.COPY_SRC) === 0) {
    throw new MemoryQueryTensorError(`the query tensor's buffer '${buffer.label}' lacks COPY_SRC usage, so it cannot be copied`);
  }
  return { kind: 'gpu', tensor: input };
}

/**
 * Copies the query row into `target` (offset 0) on the GPU: a copy, not a binding offset, since a row
 * of a batch need not start at a 256-byte boundary. The copy is submitted in its own error scope; the
 * promise resolves to the problem (destroyed or foreign buffer) or null, and never rejects, so a search
 * can encode its passes behind the copy and look at the answer after, without an extra round trip.
 */
export function submitMemoryQueryCopy(tensor: GpuTensor, target: GPUBuffer, bytes: number): Promise<string | null> {
  const { device } = tensor;
  device.pushErrorScope('validation');
  let thrown: string | null = null;
  try {
    const encoder = device.createCommandEncoder({ label: 'memory query row' });
    encoder.copyBufferToBuffer(tensor.buffer, tensor.byteOffset, target, 0, bytes);
    device.queue.submit([encoder.finish()]);
  } catch (error) {
    thrown = error instanceof Error ? error.message : String(error);
  }
  return device.popErrorScope().then(
    (error) => error?.message ?? thrown,
    (error: unknown) => thrown ?? String(error),
  );
}

export function queryTensorProblem(problem: string): MemoryQueryTensorError {
  return new MemoryQueryTensorError(`the query tensor's buffer could not be read (destroyed, or not of the tensor's device): ${problem}`);
}

/** Reads the query row back to the CPU (the memory runs on the CPU, or on another device) and checks it. */
export async function readMemoryQueryTensor(tensor: GpuTensor, dimension: number): Promise<Float32Array> {
  let values: Float32Array;
  try {
    values = await capturingGpuErrors(tensor.device, () => tensorValues(tensor));
  } catch (error) {
    throw queryTensorProblem(error instanceof Error ? error.message : String(error));
  }
  return requireMemoryVector('query tensor', values, dimension);
}
