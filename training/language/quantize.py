"""Dynamic int8 quantization, the graph onnxruntime's `quantize_dynamic` writes for MatMul
(onnxruntime's Python package does not install here, so the same rewrite is done with `onnx`):

  every MatMul whose second input is a constant weight W becomes
    A --DynamicQuantizeLinear--> (A_q uint8, A_scale, A_zero_point)     (shared by MatMuls of one A)
    MatMulInteger(A_q, W_q int8, A_zero_point, W_zero_point) -> int32 --Cast--> float
    * (A_scale * W_scale)
  W is quantized per tensor, symmetric int8 in [-127, 127] (zero point 0, scale max|W| / 127,
  round half to even), as quantize_dynamic's defaults (weight_type=QInt8, per_channel=False).
Embeddings (Gather), LayerNorm, the pooler and classifier Gemms stay float32.
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def quantize_weight(w):
    scale = float(np.abs(w).max()) / 127.0 or 1.0
    q = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
    return q, np.float32(scale)


def quantize_dynamic(source, target):
    model = onnx.load(source)
    graph = model.graph
    weights = {t.name: t for t in graph.initializer}
    uses = {}
    for node in graph.node:
        for name in node.input:
            uses[name] = uses.get(name, 0) + 1

    nodes, added_inits, activation_q, count = [], [], {}, 0
    for node in graph.node:
        w = weights.get(node.input[1]) if node.op_type == 'MatMul' else None
        if w is None or len(w.dims) != 2:
            nodes.append(node)
            continue
        count += 1
        a = node.input[0]
        if a not in activation_q:
            names = (f'{a}_quantized', f'{a}_scale', f'{a}_zero_point')
            nodes.append(helper.make_node('DynamicQuantizeLinear', [a], list(names), name=f'{a}_QuantizeLinear'))
            activation_q[a] = names
        a_q, a_scale, a_zp = activation_q[a]
        wq, w_scale = quantize_weight(numpy_helper.to_array(w).astype(np.float32))
        wn = w.name
        added_inits += [numpy_helper.from_array(wq, f'{wn}_quantized'),
                        numpy_helper.from_array(np.array(w_scale, dtype=np.float32), f'{wn}_scale'),
                        numpy_helper.from_array(np.array(0, dtype=np.int8), f'{wn}_zero_point')]
        uses[wn] -= 1
        out = node.output[0]
        nodes += [
            helper.make_node('MatMulInteger', [a_q, f'{wn}_quantized', a_zp, f'{wn}_zero_point'],
                             [f'{out}_output_quantized'], name=f'{node.name}_quant'),
            helper.make_node('Cast', [f'{out}_output_quantized'], [f'{out}_output_quantized_cast_output'],
                             to=TensorProto.FLOAT, name=f'{node.name}_quant_output_scale_cast'),
            helper.make_node('Mul', [a_scale, f'{wn}_scale'], [f'{out}_scale_product'],
                             name=f'{node.name}_quant_scales_mul'),
            helper.make_node('Mul', [f'{out}_output_quantized_cast_output', f'{out}_scale_product'], [out],
                             name=f'{node.name}_quant_output_scale_mul'),
        ]
    kept = [t for t in graph.initializer if uses.get(t.name, 0) > 0]
    del graph.node[:]
    graph.node.extend(nodes)
    del graph.initializer[:]
    graph.initializer.extend(kept + added_inits)
    onnx.checker.check_model(model)
    onnx.save(model, target)
    return count
