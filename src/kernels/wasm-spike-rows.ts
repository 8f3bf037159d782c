import {
  I32, I32_ADD, I32_GE_U, I32_MUL, I32_SHL, V128, compileOrNull, f32Load, f32x4Add, f32x4Mul, f32x4Splat, get, i32Load, i32c, load, moduleBytes, set, store, uleb, vec,
} from './wasm-asm';

/**
 * The spiking CPU path's synapse sums in WebAssembly SIMD: for each active input i (ascending), its
 * row of the transposed weights is added to the outputs' sums four at a time, sums[o] ← f32(sums[o] +
 * f32(w[i, o]·x_i)) (`scaled`), or + w[i, o] for spikes (x = 1, where the product is w exactly).
 * f32x4 add and mul round as f32 scalar operations do (IEEE, no fused multiply-add in WebAssembly),
 * and each output still adds its inputs in ascending order, so the sums equal synapseCpu's bit for bit.
 */

// Parameters: list (active input indices, i32), n, wT (row 0's byte address), rowBytes (a multiple of 16),
// sums (f32, rowBytes long), xs (the active inputs' values, f32). Locals: e, end, row, ob (i32), xv (v128).
const [LIST, N, WT, ROW_BYTES, SUMS, XS, E, END, ROW, OB, XV] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

function body(scaled: boolean): number[] {
  const add = [
    ...get(SUMS), ...get(OB), I32_ADD, // address of the store
    ...get(SUMS), ...get(OB), I32_ADD, ...load(0),
    ...get(ROW), ...get(OB), I32_ADD, ...load(0),
    ...(scaled ? [...get(XV), ...f32x4Mul] : []),
    ...f32x4Add, ...store(0),
  ];
  const code = [
    ...get(N), ...i32c(2), I32_SHL, ...set(END),
    ...i32c(0), ...set(E),
    0x02, 0x40, 0x03, 0x40,
    ...get(E), ...get(END), I32_GE_U, 0x0d, 1,
    ...get(WT), ...get(LIST), ...get(E), I32_ADD, ...i32Load, ...get(ROW_BYTES), I32_MUL, I32_ADD, ...set(ROW),
    ...(scaled ? [...get(XS), ...get(E), I32_ADD, ...f32Load, ...f32x4Splat, ...set(XV)] : []),
    ...i32c(0), ...set(OB),
    0x02, 0x40, 0x03, 0x40,
    ...get(OB), ...get(ROW_BYTES), I32_GE_U, 0x0d, 1,
    ...add,
    ...get(OB), ...i32c(16), I32_ADD, ...set(OB),
    0x0c, 0, 0x0b, 0x0b,
    ...get(E), ...i32c(4), I32_ADD, ...set(E),
    0x0c, 0, 0x0b, 0x0b,
    0x0b,
  ];
  const fn = [...vec([[...uleb(4), I32], [...uleb(1), V128]]), ...code];
  return [...uleb(fn.length), ...fn];
}

let compiled: WebAssembly.Module | null | undefined;

function spikeRowsModule(): WebAssembly.Module | null {
  if (compiled === undefined) compiled = compileOrNull(moduleBytes(6, [{ name: 'spikes', body: body(false) }, { name: 'scaled', body: body(true) }]));
  return compiled;
}

export function wasmSpikeRowsAvailable(): boolean {
  return spikeRowsModule() !== null;
}

const align16 = (n: number) => Math.ceil(n / 16) * 16;

/**
 * Transposed weights (in × out, rows padded to a multiple of 4 with zeros) in WebAssembly memory,
 * with the active-input list, their values and the sums before them.
 */
export class WasmSpikeRows {
  readonly sums: Float32Array;
  readonly list: Int32Array;
  readonly xs: Float32Array;
  /** in × paddedOut: write the transposed weights here (padding stays 0). */
  readonly weights: Float32Array;
  readonly paddedOut: number;
  private readonly fnSpikes: (...a: number[]) => void;
  private readonly fnScaled: (...a: number[]) => void;
  private readonly listBase: number;
  private readonly xsBase: number;
  private readonly weightsBase: number;

  constructor(readonly inWidth: number, readonly outWidth: number) {
    const module = spikeRowsModule();
    if (!module) throw new Error('WebAssembly SIMD is unavailable');
    this.paddedOut = align16(outWidth * 4) / 4;
    this.listBase = this.paddedOut * 4;
    this.xsBase = align16(this.listBase + inWidth * 4);
    this.weightsBase = align16(this.xsBase + inWidth * 4);
    const bytes = this.weightsBase + inWidth * this.paddedOut * 4;
    const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
    const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as Record<string, (...a: number[]) => void>;
    this.fnSpikes = exports.spikes;
    this.fnScaled = exports.scaled;
    this.sums = new Float32Array(memory.buffer, 0, this.paddedOut);
    this.list = new Int32Array(memory.buffer, this.listBase, inWidth);
    this.xs = new Float32Array(memory.buffer, this.xsBase, inWidth);
    this.weights = new Float32Array(memory.buffer, this.weightsBase, inWidth * this.paddedOut);
  }

  /** Fills `weights` from W (out × in, nn.Linear layout), transposed. */
  loadWeights(w: Float32Array): void {
    const P = this.paddedOut;
    const inW = this.inWidth;
    for (let o = 0; o < this.outWidth; o++) for (let i = 0; i < inW; i++) this.weights[i * P + o] = w[o * inW + i];
  }

  /** sums ← Σ over the first n entries of `list` (ascending), of their weight rows (times `xs` when not all spikes). */
  accumulate(n: number, allSpikes: boolean): void {
    this.sums.fill(0);
    (allSpikes ? this.fnSpikes : this.fnScaled)(this.listBase, n, this.weightsBase, this.paddedOut * 4, 0, this.xsBase);
  }
}
