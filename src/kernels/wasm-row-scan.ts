/**
 * Row sums of the CPU vector search in WebAssembly SIMD, bit-exact with the JS loops
 * (memory-vector-search-cpu.ts): each f64x2 lane holds ONE row's sum, and every chunk of four
 * elements is added to it in index order (f32 → f64 promotion is exact, and so is the f64 product of
 * two f32 values), so each lane computes exactly the reference's sequential f64 sum. Eight rows (four
 * lane pairs) run side by side for the CPU's pipelines.
 *
 * The module is ~300 bytes assembled here (no build step, no dependency); rows live in its memory
 * so a query reads them in place. Where WebAssembly SIMD is missing, `wasmRowScanAvailable()` is
 * false and the JS loops run.
 */

import { I32, V128, compileOrNull, f64x2Add, f64x2Mul, f64x2Sub, get, i32c, load, moduleBytes, promoteLow, set, simd, store, tee, uleb, vec, zero } from './wasm-asm';

/** Lanes [a_k, b_k, …] of two f32x4 vectors a, b: row pair element k in the low 8 bytes. */
const pairLane = (k: number) => {
  const a = [0, 1, 2, 3].map((x) => 4 * k + x);
  const b = a.map((x) => x + 16);
  return simd(0x0d, ...a, ...b, ...a, ...b);
};

// Parameters: v (row 0's byte address), rows (a multiple of 8), rowBytes (dim·4, a multiple of 16), q2 (the query as
// f64 pairs [q_j, q_j]), out (f64 per row). Locals after them: r, jb, qp, base0..7, acc0..3, a, b, t, q0..3.
const [V, ROWS, ROW_BYTES, Q2, OUT, R, JB, QP] = [0, 1, 2, 3, 4, 5, 6, 7];
const BASE = 8;
const ACC = 16;
const [A, B, T] = [20, 21, 22];
/** The chunk's four query pairs, loaded once and used by all four row pairs. */
const Q = 23;

function body(l2: boolean): number[] {
  const chunk: number[] = [];
  for (let k = 0; k < 4; k++) chunk.push(...get(QP), ...load(16 * k), ...set(Q + k));
  for (let p = 0; p < 4; p++) {
    chunk.push(...get(BASE + 2 * p), ...get(JB), 0x6a, ...load(0), ...set(A));
    chunk.push(...get(BASE + 2 * p + 1), ...get(JB), 0x6a, ...load(0), ...set(B));
    for (let k = 0; k < 4; k++) {
      chunk.push(...get(ACC + p), ...get(A), ...get(B), ...pairLane(k), ...promoteLow, ...get(Q + k));
      if (l2) chunk.push(...f64x2Sub, ...tee(T), ...get(T), ...f64x2Mul);
      else chunk.push(...f64x2Mul);
      chunk.push(...f64x2Add, ...set(ACC + p));
    }
  }
  const rowLoop: number[] = [
    ...get(R), ...get(ROWS), 0x4f, 0x0d, 1, // r >= rows: done
    ...get(V), ...get(R), ...get(ROW_BYTES), 0x6c, 0x6a, ...set(BASE),
  ];
  for (let i = 1; i < 8; i++) rowLoop.push(...get(BASE + i - 1), ...get(ROW_BYTES), 0x6a, ...set(BASE + i));
  for (let p = 0; p < 4; p++) rowLoop.push(...zero, ...set(ACC + p));
  rowLoop.push(...i32c(0), ...set(JB), ...get(Q2), ...set(QP));
  rowLoop.push(
    0x02, 0x40, 0x03, 0x40,
    ...get(JB), ...get(ROW_BYTES), 0x4f, 0x0d, 1, // jb >= rowBytes: row block done
    ...chunk,
    ...get(JB), ...i32c(16), 0x6a, ...set(JB),
    ...get(QP), ...i32c(64), 0x6a, ...set(QP),
    0x0c, 0, 0x0b, 0x0b,
  );
  for (let p = 0; p < 4; p++) rowLoop.push(...get(OUT), ...get(R), ...i32c(3), 0x74, 0x6a, ...get(ACC + p), ...store(16 * p));
  rowLoop.push(...get(R), ...i32c(8), 0x6a, ...set(R), 0x0c, 0);
  const code = [...i32c(0), ...set(R), 0x02, 0x40, 0x03, 0x40, ...rowLoop, 0x0b, 0x0b, 0x0b];
  const locals = vec([[...uleb(11), I32], [...uleb(11), V128]]);
  const fn = [...locals, ...code];
  return [...uleb(fn.length), ...fn];
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled module, or null where WebAssembly SIMD is unavailable. */
function rowScanModule(): WebAssembly.Module | null {
  if (compiled === undefined) compiled = compileOrNull(moduleBytes(5, [{ name: 'dot', body: body(false) }, { name: 'l2', body: body(true) }]));
  return compiled;
}

export function wasmRowScanAvailable(): boolean {
  return rowScanModule() !== null;
}

const PAGE = 65536;

/**
 * Rows of one dimension in WebAssembly memory, with the SIMD row sums over them. The scratch for the
 * query (f64 pairs) and for the sums sits before the rows. `rows` is a view that is replaced when the
 * memory grows: read it again after `ensureRows`.
 */
export class WasmRowStore {
  private readonly memory: WebAssembly.Memory;
  private readonly dot: (v: number, rows: number, rowBytes: number, q2: number, out: number) => void;
  private readonly l2: (v: number, rows: number, rowBytes: number, q2: number, out: number) => void;
  private readonly outBase: number;
  private readonly rowsBase: number;
  rows: Float32Array;
  /** f64 view of the scratch (query pairs, then the sums); remade when the memory grows. */
  private scratch: Float64Array;

  /** `maxBlockRows`: the most rows one `sums` call scores (a multiple of 8). */
  constructor(readonly dim: number, readonly maxBlockRows: number, initialRows: number) {
    const module = rowScanModule();
    if (!module) throw new Error('WebAssembly SIMD is unavailable');
    if (dim % 4 !== 0 || maxBlockRows % 8 !== 0) throw new RangeError('dim must be a multiple of 4, maxBlockRows of 8');
    this.outBase = dim * 16;
    this.rowsBase = Math.ceil((this.outBase + maxBlockRows * 8) / 16) * 16;
    this.memory = new WebAssembly.Memory({ initial: Math.ceil((this.rowsBase + initialRows * dim * 4) / PAGE) });
    const exports = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as Record<string, (...a: number[]) => void>;
    this.dot = exports.dot;
    this.l2 = exports.l2;
    this.rows = this.view();
    this.scratch = new Float64Array(this.memory.buffer, 0, this.outBase / 8 + maxBlockRows);
  }

  private view(): Float32Array {
    return new Float32Array(this.memory.buffer, this.rowsBase, Math.floor((this.memory.buffer.byteLength - this.rowsBase) / (4 * this.dim)) * this.dim);
  }

  /** Room for at least `rows` rows; contents are kept. */
  ensureRows(rows: number): void {
    const need = this.rowsBase + rows * this.dim * 4;
    if (need <= this.memory.buffer.byteLength) return;
    const pages = Math.ceil(Math.max(need, 2 * this.memory.buffer.byteLength) / PAGE) - this.memory.buffer.byteLength / PAGE;
    this.memory.grow(pages);
    this.rows = this.view();
    this.scratch = new Float64Array(this.memory.buffer, 0, this.outBase / 8 + this.maxBlockRows);
  }

  /** The query the next `sums` calls score against: dim values of `queries` from `qo`. */
  setQuery(queries: Float32Array, qo: number): void {
    const f64 = this.scratch;
    for (let j = 0; j < this.dim; j++) f64[2 * j] = f64[2 * j + 1] = queries[qo + j];
  }

  /** The row sums (setQuery's query) over rows [r0, r0 + count), count a multiple of 8 and at most maxBlockRows, into out[0..count). */
  sums(r0: number, count: number, l2: boolean, out: Float64Array): void {
    (l2 ? this.l2 : this.dot)(this.rowsBase + r0 * this.dim * 4, count, this.dim * 4, 0, this.outBase);
    const f64 = this.scratch;
    const o = this.outBase / 8;
    for (let i = 0; i < count; i++) out[i] = f64[o + i];
  }
}
