import { LnnModelFormatError } from './errors';

/** A tensor read from a safetensors file, converted to f32. */
export interface SafetensorsTensor {
  shape: number[];
  data: Float32Array;
}

const BYTES: Record<string, number> = { F32: 4, F64: 8, F16: 2, BF16: 2 };

function half(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/**
 * Reads a safetensors file (8-byte little-endian header length, JSON header
 * `{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: {...} }`, then the bytes).
 * Float tensors (F32, F64, F16, BF16) are converted to f32; other dtypes are refused.
 */
export function parseSafetensors(bytes: Uint8Array): { tensors: Record<string, SafetensorsTensor>; metadata: Record<string, string> } {
  if (bytes.byteLength < 8) throw new LnnModelFormatError('safetensors file is shorter than its 8-byte header length', 'pass the whole file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.byteLength - 8) throw new LnnModelFormatError(`safetensors header claims ${headerLength} bytes`, 'the file is truncated or not safetensors');
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    throw new LnnModelFormatError('safetensors header is not JSON', 'the file is not safetensors');
  }
  const body = 8 + headerLength;
  const tensors: Record<string, SafetensorsTensor> = {};
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = (entry ?? {}) as Record<string, string>;
      continue;
    }
    const e = entry as { dtype?: string; shape?: number[]; data_offsets?: [number, number] };
    const size = BYTES[e.dtype ?? ''];
    if (!size) throw new LnnModelFormatError(`tensor ${name} has dtype ${String(e.dtype)}`, 'store parameters as F32, F64, F16 or BF16');
    if (!Array.isArray(e.shape) || !Array.isArray(e.data_offsets)) throw new LnnModelFormatError(`tensor ${name} has no shape or data_offsets`, 'the header is malformed');
    const count = e.shape.reduce((a, b) => a * b, 1);
    const [begin, end] = e.data_offsets;
    if (end - begin !== count * size || body + end > bytes.byteLength) throw new LnnModelFormatError(`tensor ${name} spans bytes ${begin}..${end} for ${count} values`, 'the file is truncated or its header is wrong');
    const data = new Float32Array(count);
    const at = body + begin;
    for (let i = 0; i < count; i++) {
      const o = at + i * size;
      data[i] =
        e.dtype === 'F32' ? view.getFloat32(o, true)
        : e.dtype === 'F64' ? view.getFloat64(o, true)
        : e.dtype === 'F16' ? half(view.getUint16(o, true))
        : new Float32Array(new Uint32Array([view.getUint16(o, true) << 16]).buffer)[0];
    }
    tensors[name] = { shape: e.shape, data };
  }
  return { tensors, metadata };
}
