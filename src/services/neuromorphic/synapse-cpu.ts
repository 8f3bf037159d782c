import type { SnnCounts } from '../../kernels/snn-counters';
import { transposeSnnWeights, type SynapseShape } from '../../kernels/snn-synapse';
import { WasmSpikeRows, wasmSpikeRowsAvailable } from '../../kernels/wasm-spike-rows';

/**
 * The CPU path's synapse pass, bit-exact with the reference synapseCpu (kernels/snn-synapse.ts).
 *
 * The reference walks W[o, ·] (out × in) per output and gathers the active inputs of a row: for
 * every output it touches nearly every cache line of its weight row, so each step streams the whole
 * weight matrix once per batch row. Here the weights are transposed once (in × out, the GPU's
 * layout) and each ACTIVE input adds its contiguous weight row to all outputs' sums: only the rows
 * of inputs that spiked are read, front to back. Each output's sum still adds the active inputs in
 * ascending order, with the same f32 rounding after every product and sum, so the result is the
 * reference's bit for bit. Scratch space is preallocated: a step allocates nothing. Where
 * WebAssembly SIMD runs, the rows are added four outputs at a time (wasm-spike-rows.ts, equally exact).
 */
export class SynapsePass {
  /** in × out: W transposed, made on the first pass and kept (see `invalidate`). */
  private transposed: Float32Array | null = null;
  /** The SIMD rows, where available; `simdLoaded` says whether they hold the current weights. */
  private readonly simd: WasmSpikeRows | null;
  private simdLoaded = false;
  private readonly active: Int32Array;
  private readonly sums: Float32Array;

  constructor(
    /** out × in (nn.Linear layout), as the network holds them. */
    private readonly weights: Float32Array,
    readonly inWidth: number,
    readonly outWidth: number,
    /** The SIMD rows where WebAssembly SIMD runs; false forces the JS loops (tests cover both). */
    useSimd = wasmSpikeRowsAvailable(),
  ) {
    this.active = new Int32Array(inWidth);
    this.sums = new Float32Array(outWidth);
    this.simd = useSimd && inWidth > 0 && outWidth > 0 ? new WasmSpikeRows(inWidth, outWidth) : null;
  }

  /** The weights changed in place (R-STDP): the transposed copy is made again on the next pass. */
  invalidate(): void {
    this.transposed = null;
    this.simdLoaded = false;
  }

  /** current = (accumulate ? current : bias) + scale·Σ W[o, i]·x[b, i] for every row b (see synapseCpu). */
  run(s: SynapseShape, bias: Float32Array, x: Float32Array, current: Float32Array, counts: SnnCounts): void {
    const f = Math.fround;
    const inW = this.inWidth;
    const outW = this.outWidth;
    if (s.inWidth !== inW || s.outWidth !== outW) throw new RangeError(`synapse pass is ${inW} → ${outW}, asked for ${s.inWidth} → ${s.outWidth}`);
    const simd = this.simd;
    if (simd && !this.simdLoaded) {
      simd.loadWeights(this.weights);
      this.simdLoaded = true;
    }
    const wT = simd ? null : (this.transposed ??= transposeSnnWeights(this.weights, outW, inW));
    const off = s.xOffset ?? 0;
    const scale = f(s.inputScale ?? 1);
    const active = simd ? simd.list : this.active;
    const sums = simd ? simd.sums : this.sums;
    for (let b = 0; b < s.batch; b++) {
      const xRow = off + b * inW;
      let n = 0;
      if (simd) {
        let allSpikes = true;
        for (let i = 0; i < inW; i++) {
          const xi = x[xRow + i];
          if (xi !== 0) {
            simd.xs[n] = xi;
            active[n++] = i;
            allSpikes &&= xi === 1;
          }
        }
        simd.accumulate(n, allSpikes);
      } else {
        for (let i = 0; i < inW; i++) if (x[xRow + i] !== 0) active[n++] = i;
        sums.fill(0);
      }
      for (let e = 0; !simd && e < n; e++) {
        const i = active[e];
        const xi = x[xRow + i];
        const row = i * outW;
        // A spike (1) leaves w·x = w exactly; storing into the Float32Array rounds each sum to f32.
        if (xi === 1) for (let o = 0; o < outW; o++) sums[o] += wT![row + o];
        else for (let o = 0; o < outW; o++) sums[o] += f(wT![row + o] * xi);
      }
      const k0 = b * outW;
      for (let o = 0; o < outW; o++) {
        const base = s.accumulate ? current[k0 + o] : bias[o];
        current[k0 + o] = f(base + f(sums[o] * scale));
      }
    }
    if (s.countMacs) counts.mac += s.batch * inW * outW;
  }
}

const passes = new WeakMap<Float32Array, SynapsePass>();

/**
 * The pass for a weight matrix, kept across runs (the transposed copy costs one sweep of the weights).
 * Whoever changes the weights in place calls `invalidate()` on it (runSnnCpu does, after R-STDP).
 */
export function synapsePassFor(weights: Float32Array, inWidth: number, outWidth: number): SynapsePass {
  let pass = passes.get(weights);
  if (!pass || pass.inWidth !== inWidth || pass.outWidth !== outWidth) passes.set(weights, (pass = new SynapsePass(weights, inWidth, outWidth)));
  return pass;
}
