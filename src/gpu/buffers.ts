import { BufferTooLargeError } from '../errors';
import { asDeviceLost } from './device-lost';
import { contextOf } from './device';

/** GPUBufferUsage bits as numbers: in Node the GPU globals exist only once Dawn is loaded. */
export const Usage = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80, QUERY_RESOLVE: 0x200 } as const;
export const STORAGE = Usage.STORAGE | Usage.COPY_SRC | Usage.COPY_DST;
export const UNIFORM = Usage.UNIFORM | Usage.COPY_DST;
export const MAP_MODE_READ = 0x1; // GPUMapMode.READ

/** Throws a clear error when `bytes` cannot be bound as one storage buffer on this device. */
export function checkBindingSize(device: GPUDevice, bytes: number, what: string): void {
  const max = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  if (bytes > max) {
    throw new BufferTooLargeError(
      `${what} needs ${bytes} bytes; this device binds at most ${max}`,
      'split the data into smaller batches',
    );
  }
}

/** A new buffer holding `data` (padded to 4 bytes). */
export function bufferFrom(device: GPUDevice, data: ArrayBufferView, usage: GPUBufferUsageFlags = STORAGE, label?: string): GPUBuffer {
  const size = Math.max(4, Math.ceil(data.byteLength / 4) * 4);
  checkBindingSize(device, size, label ?? 'buffer');
  const buffer = device.createBuffer({ size, usage, mappedAtCreation: true, label });
  new Uint8Array(buffer.getMappedRange()).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  buffer.unmap();
  return buffer;
}

/** A uniform buffer from 32-bit words; `u32`, `i32` and `f32` fields are written by type. */
export function uniformFrom(device: GPUDevice, fields: Array<{ u32: number } | { i32: number } | { f32: number }>): GPUBuffer {
  const words = new ArrayBuffer(Math.max(16, Math.ceil((fields.length * 4) / 16) * 16));
  const view = new DataView(words);
  fields.forEach((field, i) => {
    if ('u32' in field) view.setUint32(i * 4, field.u32, true);
    else if ('i32' in field) view.setInt32(i * 4, field.i32, true);
    else view.setFloat32(i * 4, field.f32, true);
  });
  return bufferFrom(device, new Uint8Array(words), UNIFORM, 'uniforms');
}

/** Copies `byteLength` bytes of `source` back to the CPU. */
export async function readBuffer(device: GPUDevice, source: GPUBuffer, byteLength = source.size, offset = 0): Promise<ArrayBuffer> {
  const size = Math.ceil(byteLength / 4) * 4;
  // Staging buffers come from the device's pool (where it has one) and go back unmapped.
  const pool = contextOf(device)?.pool;
  const usage = Usage.MAP_READ | Usage.COPY_DST;
  const staging = pool ? pool.acquire(size, usage, 'readback') : device.createBuffer({ size, usage, label: 'readback' });
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(source, offset, staging, 0, size);
  device.queue.submit([encoder.finish()]);
  let mapped = false;
  try {
    await staging.mapAsync(MAP_MODE_READ, 0, size);
    mapped = true;
    return staging.getMappedRange(0, size).slice(0, byteLength);
  } catch (error) {
    throw await asDeviceLost(device, error);
  } finally {
    if (mapped) staging.unmap();
    if (pool && mapped) pool.release(staging);
    else if (pool) pool.discard(staging);
    else staging.destroy();
  }
}

export async function readFloat32(device: GPUDevice, source: GPUBuffer, count: number, offset = 0): Promise<Float32Array> {
  return new Float32Array(await readBuffer(device, source, count * 4, offset));
}

export async function readUint32(device: GPUDevice, source: GPUBuffer, count: number, offset = 0): Promise<Uint32Array> {
  return new Uint32Array(await readBuffer(device, source, count * 4, offset));
}
