/**
 * out[r, j] = b[j] + Σ_i W[j,i]·x[r, i] (torch nn.Linear) for `rows` rows at once. Every sum
 * accumulates in f64 in index order and is stored f32: each value is linearInto's for that row alone,
 * bit for bit. Blocks of two rows × four outputs keep eight independent sums in registers, so each
 * weight is read once per two rows (not once per row) and each input once per four outputs.
 * Row r's input starts at x[xOffset + r·xStride]; its output at out[r·outDim].
 */
export function linearRowsInto(weight: Float32Array, bias: Float32Array, x: Float32Array, rows: number, inDim: number, outDim: number, out: Float32Array, xStride = inDim, xOffset = 0): void {
  let r = 0;
  for (; r + 2 <= rows; r += 2) {
    const x0 = xOffset + r * xStride;
    const x1 = x0 + xStride;
    const o0 = r * outDim;
    const o1 = o0 + outDim;
    let j = 0;
    for (; j + 4 <= outDim; j += 4) {
      const w0 = j * inDim;
      const w1 = w0 + inDim;
      const w2 = w1 + inDim;
      const w3 = w2 + inDim;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      for (let i = 0; i < inDim; i++) {
        const u = x[x0 + i];
        const v = x[x1 + i];
        const k0 = weight[w0 + i];
        const k1 = weight[w1 + i];
        const k2 = weight[w2 + i];
        const k3 = weight[w3 + i];
        a0 += k0 * u;
        a1 += k1 * u;
        a2 += k2 * u;
        a3 += k3 * u;
        c0 += k0 * v;
        c1 += k1 * v;
        c2 += k2 * v;
        c3 += k3 * v;
      }
      out[o0 + j] = a0 + bias[j];
      out[o0 + j + 1] = a1 + bias[j + 1];
      out[o0 + j + 2] = a2 + bias[j + 2];
      out[o0 + j + 3] = a3 + bias[j + 3];
      out[o1 + j] = c0 + bias[j];
      out[o1 + j + 1] = c1 + bias[j + 1];
      out[o1 + j + 2] = c2 + bias[j + 2];
      out[o1 + j + 3] = c3 + bias[j + 3];
    }
    for (; j < outDim; j++) {
      const w = j * inDim;
      let a = 0;
      let c = 0;
      for (let i = 0; i < inDim; i++) {
        const k = weight[w + i];
        a += k * x[x0 + i];
        c += k * x[x1 + i];
      }
      out[o0 + j] = a + bias[j];
      out[o1 + j] = c + bias[j];
    }
  }
  if (r < rows) linearInto(weight, bias, x, inDim, outDim, out.subarray(r * outDim, (r + 1) * outDim), xOffset + r * xStride);
}

/**
 * One row: out[j] = b[j] + Σ_i W[j,i]·x[xOffset + i], f64 sums in index order, stored f32. Four
 * outputs at a time: four independent sums (the CPU overlaps their adds), each still in index order.
 */
export function linearInto(weight: Float32Array, bias: Float32Array, x: Float32Array, inDim: number, outDim: number, out: Float32Array, xOffset = 0): void {
  let j = 0;
  for (; j + 4 <= outDim; j += 4) {
    const r0 = j * inDim;
    const r1 = r0 + inDim;
    const r2 = r1 + inDim;
    const r3 = r2 + inDim;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let i = 0; i < inDim; i++) {
      const xi = x[xOffset + i];
      a0 += weight[r0 + i] * xi;
      a1 += weight[r1 + i] * xi;
      a2 += weight[r2 + i] * xi;
      a3 += weight[r3 + i] * xi;
    }
    out[j] = a0 + bias[j];
    out[j + 1] = a1 + bias[j + 1];
    out[j + 2] = a2 + bias[j + 2];
    out[j + 3] = a3 + bias[j + 3];
  }
  for (; j < outDim; j++) {
    let acc = 0;
    const row = j * inDim;
    for (let i = 0; i < inDim; i++) acc += weight[row + i] * x[xOffset + i];
    out[j] = acc + bias[j];
  }
}
