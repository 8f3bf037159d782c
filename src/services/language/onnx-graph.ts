import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** Attribute values a node may carry: numbers are INT unless given as { f }, arrays are INTS. */
export type OnnxAttribute = number | { f: number } | number[] | string;

/**
 * A small ONNX graph builder: nodes, float initializers and int64 constants, then `encode()` to a
 * ModelProto. Names are generated so each output is unique. Only what the BERT generator needs.
 */
export class OnnxGraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly constants = new Map<string, string>();
  private counter = 0;

  /** Adds a node and returns its output names (one per `outputs`). */
  node(opType: string, inputs: string[], attributes: Record<string, OnnxAttribute> = {}, outputs = 1): string[] {
    const names = Array.from({ length: outputs }, () => `${opType.toLowerCase()}_${this.counter++}`);
    this.nodes.push({
      opType,
      input: inputs,
      output: names,
      name: `${opType}_${this.counter}`,
      attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
    });
    return names;
  }

  /** Single-output shorthand. */
  op(opType: string, inputs: string[], attributes: Record<string, OnnxAttribute> = {}): string {
    return this.node(opType, inputs, attributes)[0];
  }

  /** Renames the last node's only output (graph outputs need fixed names). */
  nameLastOutput(name: string): string {
    const last = this.nodes[this.nodes.length - 1];
    last.output = [name];
    return name;
  }

  /** A float32 weight; `dims` must multiply to data.length. */
  float(name: string, dims: number[], data: Float32Array): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (count !== data.length) throw new Error(`initializer ${name}: dims ${dims} hold ${count} values, got ${data.length}`);
    this.initializers.push({
      name,
      dims,
      dataType: onnx.TensorProto.DataType.FLOAT,
      rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)),
    });
    return name;
  }

  /** An int64 constant tensor (1-D, or a scalar when `scalar`), shared between uses. */
  int64(values: number[], scalar = false): string {
    const key = `${scalar ? 's' : 'v'}:${values.join(',')}`;
    const existing = this.constants.get(key);
    if (existing) return existing;
    const name = `const_i64_${this.constants.size}`;
    const raw = new BigInt64Array(values.map((v) => BigInt(v)));
    this.initializers.push({ name, dims: scalar ? [] : [values.length], dataType: onnx.TensorProto.DataType.INT64, rawData: new Uint8Array(raw.buffer) });
    this.constants.set(key, name);
    return name;
  }

  /** A float32 scalar constant. */
  scalar(value: number): string {
    const key = `f:${value}`;
    const existing = this.constants.get(key);
    if (existing) return existing;
    const name = `const_f32_${this.constants.size}`;
    this.initializers.push({ name, dims: [], dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(new Float32Array([value]).buffer) });
    this.constants.set(key, name);
    return name;
  }

  /** Serialises the model: inputs are int64 [batch, sequence]; outputs float32 with the given symbolic dims. */
  encode(spec: {
    graphName: string;
    inputs: string[];
    outputs: Array<{ name: string; dims: Array<number | string> }>;
    opset: number;
    metadata?: Record<string, string>;
  }): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'aura-generate-bert',
      producerVersion: '1',
      opsetImport: [{ domain: '', version: spec.opset }],
      metadataProps: Object.entries(spec.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: {
        name: spec.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: spec.inputs.map((name) => valueInfo(name, onnx.TensorProto.DataType.INT64, ['batch', 'sequence'])),
        output: spec.outputs.map((o) => valueInfo(o.name, onnx.TensorProto.DataType.FLOAT, o.dims)),
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function valueInfo(name: string, elemType: number, dims: Array<number | string>): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

function attribute(name: string, value: OnnxAttribute): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') return { name, type: T.INT, i: value };
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  return { name, type: T.FLOAT, f: value.f };
}
