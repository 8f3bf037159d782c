/**
 * A few WebAssembly encoders, enough to assemble the small SIMD kernels of the CPU paths
 * (wasm-row-scan.ts, wasm-spike-rows.ts) without a build step or a dependency.
 * Opcodes: https://webassembly.github.io/spec/core/binary/instructions.html
 */

export const I32 = 0x7f;
export const V128 = 0x7b;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
export const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
export const str = (s: string): number[] => [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];

export const get = (i: number) => [0x20, ...uleb(i)];
export const set = (i: number) => [0x21, ...uleb(i)];
export const tee = (i: number) => [0x22, ...uleb(i)];
/** i32.const takes a signed LEB128: 0 ≤ n < 8,192 is one or two bytes, bit 6 of the last one clear. */
export const i32c = (n: number) => (n < 64 ? [0x41, n] : [0x41, (n & 0x7f) | 0x80, n >>> 7]);
export const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
export const load = (offset: number) => simd(0x00, 0, ...uleb(offset));
export const store = (offset: number) => simd(0x0b, 0, ...uleb(offset));
export const zero = simd(0x0c, ...new Array(16).fill(0));
export const promoteLow = simd(0x5f);
export const f64x2Add = simd(0xf0);
export const f64x2Sub = simd(0xf1);
export const f64x2Mul = simd(0xf2);
export const f32x4Add = simd(0xe4);
export const f32x4Mul = simd(0xe6);
export const f32x4Splat = simd(0x13);
/** Scalar loads (align 2 = 4 bytes, offset 0). */
export const i32Load = [0x28, 2, 0];
export const f32Load = [0x2a, 2, 0];
export const [I32_ADD, I32_MUL, I32_SHL, I32_GE_U] = [0x6a, 0x6c, 0x74, 0x4f];

/** A module importing `env.memory` and exporting `functions` (all of one type, `params` i32 in, nothing out). */
export function moduleBytes(params: number, functions: Array<{ name: string; body: number[] }>): Uint8Array {
  const type = [0x60, ...vec(new Array(params).fill([I32])), 0x00];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([type])),
    ...section(2, vec([[...str('env'), ...str('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vec(functions.map(() => [0]))),
    ...section(7, vec(functions.map((f, i) => [...str(f.name), 0x00, i]))),
    ...section(10, vec(functions.map((f) => f.body))),
  ]);
}

/** The module compiled, or null where WebAssembly (SIMD) is unavailable or refused (e.g. by a page's CSP). */
export function compileOrNull(bytes: Uint8Array): WebAssembly.Module | null {
  try {
    return typeof WebAssembly === 'object' ? new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>) : null;
  } catch {
    return null;
  }
}
