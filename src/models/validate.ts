import { ModelFileError } from '../errors';

/** What a response said about its body, when it came over HTTP. */
export interface ResponseFacts {
  contentType?: string | null;
  /** Content-Length of an unencoded body. */
  announcedBytes?: number;
}

/**
 * Rejects bytes that are not the model file asked for, before they reach the runtime or the cache:
 * an HTML page (a server's or SPA's fallback for a missing file), fewer bytes than announced, an empty
 * file, a Git LFS pointer, JSON that does not parse, an ONNX file whose protobuf framing is cut short.
 * Model bytes handed over in memory are checked here too (as `<name>.onnx`).
 */
export function validateModelFile(source: string, bytes: Uint8Array, facts: ResponseFacts = {}): void {
  const name = fileName(source);
  if (facts.announcedBytes !== undefined && bytes.byteLength !== facts.announcedBytes) {
    throw new ModelFileError(source, `got ${bytes.byteLength} bytes of the ${facts.announcedBytes} announced: the download was cut short`, 'load it again; if it repeats, check the server and the network');
  }
  if (bytes.byteLength === 0) throw new ModelFileError(source, 'the file is empty', 'check that the file was copied completely');
  if (!name.endsWith('.html') && (/^text\/html\b/i.test(facts.contentType ?? '') || looksLikeHtml(bytes))) {
    throw new ModelFileError(source, 'the server answered an HTML page, not the model file', `the file is not served at this URL (a missing file often falls back to index.html): serve ${name} there, or point env.modelBase at where it is`);
  }
  if (startsWithText(bytes, 'version https://git-lfs')) {
    throw new ModelFileError(source, 'is a Git LFS pointer, not the model', 'fetch the real file (git lfs pull)');
  }
  if (name.endsWith('.json')) {
    try {
      JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch {
      throw new ModelFileError(source, 'is not valid JSON (cut short or corrupted)', 'replace the file with a complete copy');
    }
  }
  if (name.endsWith('.onnx')) checkOnnxFraming(source, bytes);
}

function fileName(source: string): string {
  return (source.split(/[?#]/)[0].split('/').pop() ?? '').toLowerCase();
}

function startsWithText(bytes: Uint8Array, text: string): boolean {
  return new TextDecoder().decode(bytes.subarray(0, text.length)) === text;
}

const HTML_START = /^(?:\uFEFF)?\s*<(?:!doctype\s+html|html|head|body|!--|script|meta)\b/i;

function looksLikeHtml(bytes: Uint8Array): boolean {
  return HTML_START.test(new TextDecoder().decode(bytes.subarray(0, 256)));
}

/**
 * ONNX's ModelProto, top level only: every field's tag and length must fit in the file (a file cut
 * short ends inside a field), and the graph (field 7) and opset imports (field 8) must be present.
 */
function checkOnnxFraming(source: string, bytes: Uint8Array): void {
  const bad = (what: string) => new ModelFileError(source, `is not a complete ONNX model: ${what}`, 'replace the file with a complete copy of the .onnx model');
  let offset = 0;
  const varint = (): number => {
    let value = 0;
    for (let scale = 1, i = 0; i < 10; i++, scale *= 128) {
      if (offset >= bytes.byteLength) throw bad('the file ends inside a field');
      const byte = bytes[offset++];
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
    }
    throw bad('a varint runs past 10 bytes');
  };
  const seen = new Set<number>();
  while (offset < bytes.byteLength) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (field === 0) throw bad(`field number 0 at byte ${offset}`);
    if (wireType === 0) varint();
    else if (wireType === 1) offset += 8;
    else if (wireType === 2) {
      const length = varint(); // read before offset is: the varint moves it
      offset += length;
    }
    else if (wireType === 5) offset += 4;
    else throw bad(`wire type ${wireType} at byte ${offset}`);
    if (offset > bytes.byteLength) throw bad(`field ${field} runs ${offset - bytes.byteLength} bytes past the end of the file`);
    seen.add(field);
  }
  if (!seen.has(7)) throw bad('it has no graph');
  if (!seen.has(8)) throw bad('it has no opset imports');
}
