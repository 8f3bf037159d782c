"""Writes the fine-tuned model in the Hugging Face layout: config.json, tokenizer.json,
tokenizer_config.json, vocab.txt, onnx/model.onnx (f32) and onnx/model_quantized.onnx (int8)."""
import json
import os

import torch

import settings
from model import BertForSequenceClassification
from quantize import quantize_dynamic


class _Outputs(torch.nn.Module):
    """(last_hidden_state, logits), the two outputs the runtime reads."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.model(input_ids, attention_mask, token_type_ids)


def hf_config(config):
    c = config.to_dict()
    return {
        'architectures': ['BertForSequenceClassification'],
        'model_type': 'bert',
        'vocab_size': c['vocab_size'],
        'hidden_size': c['hidden_size'],
        'num_hidden_layers': c['num_hidden_layers'],
        'num_attention_heads': c['num_attention_heads'],
        'intermediate_size': c['intermediate_size'],
        'hidden_act': 'gelu',
        'hidden_dropout_prob': c['hidden_dropout_prob'],
        'attention_probs_dropout_prob': c['attention_probs_dropout_prob'],
        'max_position_embeddings': c['max_position_embeddings'],
        'type_vocab_size': c['type_vocab_size'],
        'initializer_range': c['initializer_range'],
        'layer_norm_eps': c['layer_norm_eps'],
        'pad_token_id': c['pad_token_id'],
        'position_embedding_type': 'absolute',
        'classifier_dropout': None,
        'problem_type': 'single_label_classification',
        'id2label': {str(k): v for k, v in settings.LABELS.items()},
        'label2id': {v: k for k, v in settings.LABELS.items()},
        'torch_dtype': 'float32',
    }


def write_json(path, value):
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(value, f, indent=2, ensure_ascii=False)
        f.write('\n')


def export(tokenizer, config, state, log):
    out = settings.MODEL_DIR
    os.makedirs(os.path.join(out, 'onnx'), exist_ok=True)
    write_json(os.path.join(out, 'config.json'), hf_config(config))
    write_json(os.path.join(out, 'tokenizer_config.json'), tokenizer.tokenizer_config())
    with open(os.path.join(out, 'tokenizer.json'), 'w', encoding='utf-8') as f:
        json.dump(tokenizer.tokenizer_json(), f, ensure_ascii=False)  # one line: the vocabulary is long
        f.write('\n')
    with open(os.path.join(out, 'vocab.txt'), 'w', encoding='utf-8') as f:
        f.write('\n'.join(tokenizer.vocab) + '\n')

    model = BertForSequenceClassification(config)
    model.load_state_dict(state)
    model.eval()
    sample = tokenizer.encode('Subject: hello\n\nsee you at the meeting tomorrow')
    ids = torch.tensor([sample, sample])
    inputs = (ids, torch.ones_like(ids), torch.zeros_like(ids))
    dims = {0: 'batch_size', 1: 'sequence_length'}
    f32 = os.path.join(out, 'onnx', 'model.onnx')
    torch.onnx.export(
        _Outputs(model), inputs, f32, opset_version=settings.ONNX_OPSET, do_constant_folding=True,
        input_names=['input_ids', 'attention_mask', 'token_type_ids'],
        output_names=['last_hidden_state', 'logits'],
        dynamic_axes={'input_ids': dims, 'attention_mask': dims, 'token_type_ids': dims,
                      'last_hidden_state': dims, 'logits': {0: 'batch_size'}})
    int8 = os.path.join(out, 'onnx', 'model_quantized.onnx')
    quantized = quantize_dynamic(f32, int8)
    log(f'export: {os.path.relpath(out, settings.ROOT)} (model.onnx {os.path.getsize(f32) / 1e6:.2f} MB, '
        f'model_quantized.onnx {os.path.getsize(int8) / 1e6:.2f} MB, {quantized} MatMuls quantized)')
