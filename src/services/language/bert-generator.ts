import { OnnxGraphBuilder } from './onnx-graph';
import { BERT_SPECIAL_TOKENS, buildBertVocab } from './bert-vocab';

/** Shape of a generated BERT (names as Hugging Face's BertConfig). */
export interface BertGeneratorConfig {
  numHiddenLayers: number;
  hiddenSize: number;
  numAttentionHeads: number;
  intermediateSize: number;
  maxPositionEmbeddings: number;
  typeVocabSize: number;
  /** Size of the classification head on the pooler (0 = no head, no `logits` output). */
  numLabels: number;
  layerNormEps: number;
  seed: number;
}

/** The default model: small enough that SwiftShader runs it in tests (2 layers, hidden 128, 64 tokens). */
export const DEFAULT_BERT_CONFIG: BertGeneratorConfig = {
  numHiddenLayers: 2,
  hiddenSize: 128,
  numAttentionHeads: 4,
  intermediateSize: 512,
  maxPositionEmbeddings: 64,
  typeVocabSize: 2,
  numLabels: 3,
  layerNormEps: 1e-12,
  seed: 20261126,
};

/** Every file of a generated model, as written under public/models/<name>/. */
export interface GeneratedBert {
  onnx: Uint8Array;
  vocab: string[];
  /** Hugging Face `tokenizer.json` (WordPiece, BertNormalizer, BertPreTokenizer, TemplateProcessing). */
  tokenizerJson: Record<string, unknown>;
  /** Hugging Face `tokenizer_config.json`. */
  tokenizerConfig: Record<string, unknown>;
  /** Hugging Face `config.json` (BertConfig fields, id2label for the head). */
  config: Record<string, unknown>;
}

/**
 * Writes an ONNX model of the BERT architecture (as HF `BertModel` + `BertForSequenceClassification`'s
 * head, exported by optimum): word + position + token-type embeddings → LayerNorm; N layers of
 * multi-head self-attention (additive mask (1−m)·−10000 as HF BERT's extended attention mask),
 * residual + LayerNorm, GELU (erf) feed-forward, residual + LayerNorm; pooler tanh(W·h[CLS] + b);
 * logits = W·pooled + b. Weights come from a seeded generator, so the bytes are the same every run.
 */
export function generateBert(config: BertGeneratorConfig = DEFAULT_BERT_CONFIG): GeneratedBert {
  const { hiddenSize: H, numAttentionHeads: heads, intermediateSize: I } = config;
  if (H % heads !== 0) throw new Error(`hiddenSize ${H} is not divisible by numAttentionHeads ${heads}`);
  const headDim = H / heads;
  const vocab = buildBertVocab();
  const rand = normalSource(config.seed);
  const weight = (rows: number, cols: number, std: number) => rand.fill(rows * cols, std);
  const g = new OnnxGraphBuilder();

  // Embeddings.
  const wordEmb = g.float('embeddings.word_embeddings.weight', [vocab.length, H], weight(vocab.length, H, 1));
  const posEmb = g.float('embeddings.position_embeddings.weight', [config.maxPositionEmbeddings, H], weight(config.maxPositionEmbeddings, H, 0.5));
  const typeEmb = g.float('embeddings.token_type_embeddings.weight', [config.typeVocabSize, H], weight(config.typeVocabSize, H, 0.5));
  const seqLen = g.op('Slice', [g.op('Shape', ['input_ids']), g.int64([1]), g.int64([2])]);
  const positions = g.op('Slice', [posEmb, g.int64([0]), seqLen, g.int64([0])]);
  const summed = g.op('Add', [g.op('Add', [g.op('Gather', [wordEmb, 'input_ids']), g.op('Gather', [typeEmb, 'token_type_ids'])]), positions]);
  let hidden = layerNorm(g, summed, 'embeddings.LayerNorm', H, config.layerNormEps, rand);

  // Additive attention mask [batch, 1, 1, seq]: 0 where attended, −10000 where padded.
  const maskF = g.op('Cast', ['attention_mask'], { to: 1 });
  const maskExt = g.op('Mul', [g.op('Sub', [g.scalar(1), g.op('Unsqueeze', [maskF, g.int64([1, 2])])]), g.scalar(-10000)]);
  const scale = g.scalar(1 / Math.sqrt(headDim));

  for (let l = 0; l < config.numHiddenLayers; l++) {
    const p = `encoder.layer.${l}`;
    const dense = (x: string, name: string, inDim: number, outDim: number) =>
      g.op('Add', [g.op('MatMul', [x, g.float(`${name}.weight`, [inDim, outDim], weight(inDim, outDim, 1 / Math.sqrt(inDim)))]), g.float(`${name}.bias`, [outDim], rand.fill(outDim, 0.02))]);
    const splitHeads = (x: string, perm: number[]) => g.op('Transpose', [g.op('Reshape', [x, g.int64([0, 0, heads, headDim])])], { perm });
    const q = splitHeads(dense(hidden, `${p}.attention.self.query`, H, H), [0, 2, 1, 3]); // [B, h, S, d]
    const k = splitHeads(dense(hidden, `${p}.attention.self.key`, H, H), [0, 2, 3, 1]); // [B, h, d, S]
    const v = splitHeads(dense(hidden, `${p}.attention.self.value`, H, H), [0, 2, 1, 3]);
    const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [q, k]), scale]), maskExt]);
    const probs = g.op('Softmax', [scores], { axis: -1 });
    const context = g.op('Reshape', [g.op('Transpose', [g.op('MatMul', [probs, v])], { perm: [0, 2, 1, 3] }), g.int64([0, 0, H])]);
    const attnOut = dense(context, `${p}.attention.output.dense`, H, H);
    hidden = layerNorm(g, g.op('Add', [attnOut, hidden]), `${p}.attention.output.LayerNorm`, H, config.layerNormEps, rand);
    const inter = gelu(g, dense(hidden, `${p}.intermediate.dense`, H, I));
    const out = dense(inter, `${p}.output.dense`, I, H);
    hidden = layerNorm(g, g.op('Add', [out, hidden]), `${p}.output.LayerNorm`, H, config.layerNormEps, rand);
  }
  g.op('Identity', [hidden]);
  const lastHidden = g.nameLastOutput('last_hidden_state');

  // Pooler on the [CLS] token, then the classification head.
  const cls = g.op('Gather', [lastHidden, g.int64([0], true)], { axis: 1 });
  const poolW = g.float('pooler.dense.weight', [H, H], weight(H, H, 1 / Math.sqrt(H)));
  const poolB = g.float('pooler.dense.bias', [H], rand.fill(H, 0.02));
  g.op('Tanh', [g.op('Add', [g.op('MatMul', [cls, poolW]), poolB])]);
  const pooled = g.nameLastOutput('pooler_output');
  const outputs: Array<{ name: string; dims: Array<number | string> }> = [
    { name: 'last_hidden_state', dims: ['batch', 'sequence', H] },
    { name: 'pooler_output', dims: ['batch', H] },
  ];
  if (config.numLabels > 0) {
    const headW = g.float('classifier.weight', [H, config.numLabels], weight(H, config.numLabels, 1 / Math.sqrt(H)));
    const headB = g.float('classifier.bias', [config.numLabels], rand.fill(config.numLabels, 0.02));
    g.op('Add', [g.op('MatMul', [pooled, headW]), headB]);
    g.nameLastOutput('logits');
    outputs.push({ name: 'logits', dims: ['batch', config.numLabels] });
  }

  const onnx = g.encode({
    graphName: 'aura-bert',
    inputs: ['input_ids', 'attention_mask', 'token_type_ids'],
    outputs,
    opset: 17,
    metadata: { generator: 'scripts/generate-bert.ts', config: JSON.stringify(config) },
  });
  const id2label = Object.fromEntries(Array.from({ length: config.numLabels }, (_, i) => [String(i), `LABEL_${i}`]));
  return {
    onnx,
    vocab,
    tokenizerJson: bertTokenizerJson(vocab, config.maxPositionEmbeddings),
    tokenizerConfig: {
      tokenizer_class: 'BertTokenizer',
      do_lower_case: true,
      strip_accents: null,
      tokenize_chinese_chars: true,
      model_max_length: config.maxPositionEmbeddings,
      clean_up_tokenization_spaces: true,
      unk_token: '[UNK]',
      sep_token: '[SEP]',
      pad_token: '[PAD]',
      cls_token: '[CLS]',
      mask_token: '[MASK]',
    },
    config: {
      architectures: ['BertForSequenceClassification'],
      model_type: 'bert',
      vocab_size: vocab.length,
      hidden_size: H,
      num_hidden_layers: config.numHiddenLayers,
      num_attention_heads: heads,
      intermediate_size: I,
      hidden_act: 'gelu',
      max_position_embeddings: config.maxPositionEmbeddings,
      type_vocab_size: config.typeVocabSize,
      layer_norm_eps: config.layerNormEps,
      pad_token_id: 0,
      id2label,
      label2id: Object.fromEntries(Object.entries(id2label).map(([i, l]) => [l, Number(i)])),
      aura_generator: { ...config },
    },
  };
}

function layerNorm(g: OnnxGraphBuilder, x: string, name: string, H: number, eps: number, rand: NormalSource): string {
  const gamma = rand.fill(H, 0.1).map((v) => 1 + v);
  const beta = rand.fill(H, 0.1);
  return g.op('LayerNormalization', [x, g.float(`${name}.weight`, [H], gamma), g.float(`${name}.bias`, [H], beta)], { axis: -1, epsilon: { f: eps } });
}

/** GELU as HF's "gelu": 0.5·x·(1 + erf(x/√2)). */
function gelu(g: OnnxGraphBuilder, x: string): string {
  const erf = g.op('Erf', [g.op('Div', [x, g.scalar(Math.SQRT2)])]);
  return g.op('Mul', [g.op('Mul', [x, g.scalar(0.5)]), g.op('Add', [erf, g.scalar(1)])]);
}

/** HF `tokenizer.json` of a BERT uncased WordPiece tokenizer over `vocab`. */
function bertTokenizerJson(vocab: string[], maxLength: number): Record<string, unknown> {
  const id = (t: string) => vocab.indexOf(t);
  const special = (t: string, typeId: number) => ({ SpecialToken: { id: t, type_id: typeId } });
  const sequence = (s: 'A' | 'B', typeId: number) => ({ Sequence: { id: s, type_id: typeId } });
  return {
    version: '1.0',
    truncation: { direction: 'Right', max_length: maxLength, strategy: 'LongestFirst', stride: 0 },
    padding: null,
    added_tokens: BERT_SPECIAL_TOKENS.map((t) => ({ id: id(t), content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special('[CLS]', 0), sequence('A', 0), special('[SEP]', 0)],
      pair: [special('[CLS]', 0), sequence('A', 0), special('[SEP]', 0), sequence('B', 1), special('[SEP]', 1)],
      special_tokens: Object.fromEntries(['[CLS]', '[SEP]'].map((t) => [t, { id: t, ids: [id(t)], tokens: [t] }])),
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(vocab.map((t, i) => [t, i])) },
  };
}

interface NormalSource {
  fill(count: number, std: number): Float32Array;
}

/** Seeded normal numbers: mulberry32 uniforms through Box–Muller. */
function normalSource(seed: number): NormalSource {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    fill(count, std) {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) {
        const u = Math.max(uniform(), 1e-12);
        out[i] = std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
      }
      return out;
    },
  };
}
