import { STORAGE, bufferFrom } from './buffers';

/**
 * Constant data (model weights) uploaded once per device: a kernel asks for the buffer holding these
 * values and gets the one already there when the same values were uploaded before, whether or not the
 * caller made a new array for them. Entries are found by a hash of the bytes and checked byte for byte;
 * each device keeps its CONSTANTS_KEPT most recently used. The buffers belong to the cache: never destroy one.
 */
const CONSTANTS_KEPT = 32;
const perDevice = new WeakMap<GPUDevice, Map<string, { bytes: Uint8Array; buffer: GPUBuffer }>>();

export function constantBuffer(device: GPUDevice, data: Float32Array | Uint32Array | Int32Array, label = 'constants'): GPUBuffer {
  let cache = perDevice.get(device);
  if (!cache) perDevice.set(device, (cache = new Map()));
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const key = `${data.constructor.name}:${bytes.length}:${fnv1a(bytes)}`;
  const hit = cache.get(key);
  if (hit && equalBytes(hit.bytes, bytes)) {
    cache.delete(key); // most recent last
    cache.set(key, hit);
    return hit.buffer;
  }
  if (hit) hit.buffer.destroy();
  const buffer = bufferFrom(device, data, STORAGE, label);
  cache.set(key, { bytes: bytes.slice(), buffer });
  if (cache.size > CONSTANTS_KEPT) {
    const [oldest, entry] = cache.entries().next().value!;
    entry.buffer.destroy();
    cache.delete(oldest);
  }
  return buffer;
}

/** Buffers of constants kept on this device (for tests). */
export function constantBufferCount(device: GPUDevice): number {
  return perDevice.get(device)?.size ?? 0;
}

function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
