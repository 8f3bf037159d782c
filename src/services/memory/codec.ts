import { InvalidInputError } from '../../errors';

/** What callers may store: bytes, float vectors, text, or any JSON value. */
export type MemoryData = Uint8Array | ArrayBuffer | Float32Array | string | number | boolean | null | object;
export type DataKind = 'bytes' | 'f32' | 'text' | 'json';

/** A value as the tiers hold it: bytes plus what they were. The bytes are what the remote tier hashes. */
export interface EncodedData {
  kind: DataKind;
  bytes: Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeMemoryData(data: MemoryData, maxBytes: number): EncodedData {
  let encoded: EncodedData;
  if (data instanceof Uint8Array) encoded = { kind: 'bytes', bytes: data.slice() };
  else if (data instanceof ArrayBuffer) encoded = { kind: 'bytes', bytes: new Uint8Array(data.slice(0)) };
  else if (data instanceof Float32Array) encoded = { kind: 'f32', bytes: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) };
  else if (typeof data === 'string') encoded = { kind: 'text', bytes: encoder.encode(data) };
  else if (data === undefined || typeof data === 'function' || typeof data === 'symbol' || typeof data === 'bigint') {
    throw new InvalidInputError(`data is ${typeof data}`, 'store bytes, a Float32Array, a string or a JSON value');
  } else {
    let text: string;
    try {
      text = JSON.stringify(data);
    } catch (cause) {
      throw new InvalidInputError(`data cannot be serialised as JSON (${(cause as Error).message})`, 'remove cycles and BigInts');
    }
    encoded = { kind: 'json', bytes: encoder.encode(text) };
  }
  if (encoded.bytes.byteLength > maxBytes) {
    throw new InvalidInputError(
      `data is ${encoded.bytes.byteLength} bytes`,
      `values may be at most ${maxBytes} bytes (maxValueBytes); split the value or raise the limit`,
    );
  }
  return encoded;
}

export function decodeMemoryData(encoded: EncodedData): MemoryData {
  switch (encoded.kind) {
    case 'bytes':
      return encoded.bytes.slice();
    case 'f32':
      return new Float32Array(encoded.bytes.slice().buffer);
    case 'text':
      return decoder.decode(encoded.bytes);
    case 'json':
      return JSON.parse(decoder.decode(encoded.bytes)) as MemoryData;
  }
}

/** Lower-case hex SHA-256 (WebCrypto: browsers in secure contexts and Node 20). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
