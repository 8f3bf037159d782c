import onnxProto from 'onnx-proto';

/**
 * A plain-TS forward pass of HF BertModel (float64), reading the weights out of a generated ONNX
 * file by their HF names: the independent reference the generated graph is checked against.
 */
export function bertReferenceForward(onnxBytes: Uint8Array, ids: number[], config: { hidden: number; heads: number; layers: number; eps: number }) {
  const model = onnxProto.onnx.ModelProto.decode(onnxBytes);
  const weights = new Map<string, Float32Array>();
  for (const t of model.graph!.initializer!) {
    const raw = t.rawData!;
    if (t.dataType === 1) weights.set(t.name!, new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)));
  }
  const w = (name: string) => {
    const v = weights.get(name);
    if (!v) throw new Error(`no weight ${name}`);
    return v;
  };
  const { hidden: H, heads, layers, eps } = config;
  const S = ids.length;
  const d = H / heads;
  const dense = (x: Float64Array, name: string, inDim: number, outDim: number) => {
    const W = w(`${name}.weight`);
    const b = w(`${name}.bias`);
    const rows = x.length / inDim;
    const y = new Float64Array(rows * outDim);
    for (let r = 0; r < rows; r++)
      for (let o = 0; o < outDim; o++) {
        let acc = b[o];
        for (let i = 0; i < inDim; i++) acc += x[r * inDim + i] * W[i * outDim + o];
        y[r * outDim + o] = acc;
      }
    return y;
  };
  const layerNorm = (x: Float64Array, name: string) => {
    const g = w(`${name}.weight`);
    const b = w(`${name}.bias`);
    const y = new Float64Array(x.length);
    for (let r = 0; r < x.length / H; r++) {
      let mean = 0;
      for (let i = 0; i < H; i++) mean += x[r * H + i] / H;
      let v = 0;
      for (let i = 0; i < H; i++) v += (x[r * H + i] - mean) ** 2 / H;
      for (let i = 0; i < H; i++) y[r * H + i] = ((x[r * H + i] - mean) / Math.sqrt(v + eps)) * g[i] + b[i];
    }
    return y;
  };
  const word = w('embeddings.word_embeddings.weight');
  const pos = w('embeddings.position_embeddings.weight');
  const type = w('embeddings.token_type_embeddings.weight');
  let h = new Float64Array(S * H);
  for (let s = 0; s < S; s++) for (let i = 0; i < H; i++) h[s * H + i] = word[ids[s] * H + i] + pos[s * H + i] + type[i];
  h = layerNorm(h, 'embeddings.LayerNorm');
  for (let l = 0; l < layers; l++) {
    const p = `encoder.layer.${l}`;
    const q = dense(h, `${p}.attention.self.query`, H, H);
    const k = dense(h, `${p}.attention.self.key`, H, H);
    const v = dense(h, `${p}.attention.self.value`, H, H);
    const ctx = new Float64Array(S * H);
    for (let hd = 0; hd < heads; hd++)
      for (let i = 0; i < S; i++) {
        const scores = new Float64Array(S);
        let max = -Infinity;
        for (let j = 0; j < S; j++) {
          let dot = 0;
          for (let c = 0; c < d; c++) dot += q[i * H + hd * d + c] * k[j * H + hd * d + c];
          scores[j] = dot / Math.sqrt(d);
          max = Math.max(max, scores[j]);
        }
        let sum = 0;
        for (let j = 0; j < S; j++) sum += (scores[j] = Math.exp(scores[j] - max));
        for (let j = 0; j < S; j++) for (let c = 0; c < d; c++) ctx[i * H + hd * d + c] += (scores[j] / sum) * v[j * H + hd * d + c];
      }
    const attn = dense(ctx, `${p}.attention.output.dense`, H, H);
    h = layerNorm(attn.map((x, i) => x + h[i]), `${p}.attention.output.LayerNorm`);
    const I = w(`${p}.intermediate.dense.bias`).length;
    const inter = dense(h, `${p}.intermediate.dense`, H, I).map((x) => 0.5 * x * (1 + erf(x / Math.SQRT2)));
    const out = dense(inter, `${p}.output.dense`, I, H);
    h = layerNorm(out.map((x, i) => x + h[i]), `${p}.output.LayerNorm`);
  }
  const pooled = dense(h.slice(0, H), 'pooler.dense', H, H).map(Math.tanh);
  return { lastHidden: h, pooled };
}

/** erf to ~1e-7 (Abramowitz–Stegun 7.1.26 is too coarse; this is the series/continued-fraction pair). */
function erf(x: number): number {
  const sign = Math.sign(x);
  const a = Math.abs(x);
  if (a < 2.5) {
    let sum = a;
    let term = a;
    for (let n = 1; n < 60; n++) {
      term *= (-a * a) / n;
      sum += term / (2 * n + 1);
    }
    return (sign * 2 * sum) / Math.sqrt(Math.PI);
  }
  // erfc continued fraction for large |x|.
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (a + f);
  return sign * (1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / (a + f));
}
