import { ModelLoadError } from './errors';

/**
 * A cheap structural check of ONNX bytes before onnxruntime-web parses them, so a bad file fails
 * with a message that says what is wrong: empty, an HTML page (a dev server answers a missing file
 * with index.html and status 200), or truncated (a download cut short). It walks the top level of
 * the ModelProto's protobuf wire format only (tags, varints, lengths; nothing is decoded), so it
 * costs microseconds for any model size. ORT still validates everything else.
 */
export function checkOnnxBytes(bytes: Uint8Array, source: string): void {
  const hint = 'fetch the file again, or export it again (an ONNX ModelProto: onnx.save / torch.onnx.export)';
  if (bytes.byteLength === 0) throw new ModelLoadError(`${source} is empty`, hint);
  const head = new TextDecoder().decode(bytes.subarray(0, 256)).trimStart().toLowerCase();
  // '<' would be field 7 with wire type 4 (a deprecated group), never the start of a ModelProto.
  if (head.startsWith('<')) {
    throw new ModelLoadError(`${source} is an HTML/XML page, not an ONNX model`, 'check the URL: a server answered a missing file with a page (Vite serves index.html for unknown paths)');
  }
  if (head.startsWith('version https://git-lfs')) {
    throw new ModelLoadError(`${source} is a Git LFS pointer, not the model`, 'fetch the real file (git lfs pull)');
  }
  let offset = 0;
  let graph = false;
  while (offset < bytes.byteLength) {
    const at = offset;
    const tag = readVarint(bytes, offset);
    if (!tag) throw truncated(source, at, bytes.byteLength, hint);
    offset = tag.next;
    const field = Math.floor(tag.value / 8);
    const wire = tag.value % 8;
    if (field === 0) throw new ModelLoadError(`${source} is not an ONNX model (field 0 at byte ${at})`, hint);
    if (wire === 0) {
      const value = readVarint(bytes, offset);
      if (!value) throw truncated(source, offset, bytes.byteLength, hint);
      offset = value.next;
    } else if (wire === 1 || wire === 5) {
      offset += wire === 1 ? 8 : 4;
    } else if (wire === 2) {
      const length = readVarint(bytes, offset);
      if (!length) throw truncated(source, offset, bytes.byteLength, hint);
      offset = length.next + length.value;
      if (field === 7) graph = true;
    } else {
      throw new ModelLoadError(`${source} is not an ONNX model (wire type ${wire} at byte ${at})`, hint);
    }
    if (offset > bytes.byteLength) throw truncated(source, at, bytes.byteLength, hint);
  }
  // ModelProto.graph is field 7: a model without one has nothing to run.
  if (!graph) throw new ModelLoadError(`${source} holds no ONNX graph`, hint);
}

function truncated(source: string, at: number, size: number, hint: string): ModelLoadError {
  return new ModelLoadError(`${source} is truncated or corrupt: the field at byte ${at} runs past the end of the file (${size} bytes)`, hint);
}

/** A protobuf varint at `offset` (at most 10 bytes), or undefined where the bytes end first. */
function readVarint(bytes: Uint8Array, offset: number): { value: number; next: number } | undefined {
  let value = 0;
  let scale = 1;
  for (let i = offset; i < bytes.byteLength && i < offset + 10; i++) {
    value += (bytes[i] & 0x7f) * scale;
    scale *= 128;
    if ((bytes[i] & 0x80) === 0) return { value, next: i + 1 };
  }
  return undefined;
}
