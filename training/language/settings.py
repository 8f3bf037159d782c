"""Every choice of the language expert's training in one place (the model card quotes these)."""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA_DIR = os.path.join(HERE, 'data')
MODEL_DIR = os.path.join(ROOT, 'public', 'models', 'aura-bert-spam')
FIXTURES = os.path.join(ROOT, 'tests', 'fixtures', 'aura-bert-spam', 'fixtures.json')

SEED = 20261130
THREADS = 2

# Tokenizer
VOCAB_SIZE = 8192
MIN_FREQUENCY = 2
LIMIT_ALPHABET = 1000
MAX_LENGTH = 256  # tokens, [CLS] and [SEP] included; longer mails keep their head (subject + first ~250 pieces)
# Pieces kept from the END of a longer mail (head + tail truncation; wordpiece.py and the runtime's BertTokenizer
# via tokenizer_config truncation_tail_tokens). 0 = head only, as the committed model was trained. On validation, a
# TF-IDF logistic-regression proxy over the very ids read gave head only 98.79 %, head 126 + tail 128 99.31 %:
# 128 is the candidate for the next full run (one run with it, on a budget cut to 100 MLM steps and 1 epoch, gave
# 96.53 % validation accuracy, below the committed model's 98.27 %, and was not kept).
TAIL_TOKENS = 0

# Architecture (names as HF BertConfig)
ARCH = dict(hidden_size=192, num_hidden_layers=4, num_attention_heads=4, intermediate_size=768,
            max_position_embeddings=MAX_LENGTH, type_vocab_size=2, hidden_dropout_prob=0.1,
            attention_probs_dropout_prob=0.1, layer_norm_eps=1e-12, initializer_range=0.02)

# Masked-language-model pretraining
PRETRAIN = dict(steps=900, batch_size=16, lr=5e-4, warmup=0.06, weight_decay=0.01, mask_prob=0.15)

# Fine-tuning (ham 0 / spam 1); the epoch with the best validation accuracy is kept
FINETUNE = dict(epochs=4, batch_size=16, lr=2e-4, warmup=0.06, weight_decay=0.01)

LABELS = {0: 'ham', 1: 'spam'}

ONNX_OPSET = 14


def path(name):
    return os.path.join(DATA_DIR, name)
