"""The texts each stage reads: prepared messages, and the pretraining corpus (training-split mails,
SOTU addresses that are not held out, Moby-Dick)."""
import json
import os

import torch

import prepare
import settings
from wordpiece import CLS, PAD, SEP


def messages(split=None):
    if not os.path.exists(prepare.PREPARED):
        raise prepare.DataError(f'{prepare.PREPARED} is missing: run the "prepare" stage first')
    with open(prepare.PREPARED, encoding='utf-8') as f:
        rows = [json.loads(line) for line in f]
    return [r for r in rows if split is None or r['split'] == split]


def pretraining_texts():
    mails = [r['text'] for r in messages('train')]
    sotu = [text for year, _, text in prepare.read_sotu() if not prepare.sotu_held_out(year)]
    return mails + sotu + prepare.read_moby_dick()


def pretraining_segments(tokenizer, texts):
    """Each text's pieces cut into windows of MAX_LENGTH - 2, wrapped in [CLS] … [SEP]."""
    width = settings.MAX_LENGTH - 2
    segments = []
    for text in texts:
        ids = tokenizer.piece_ids(text)
        for start in range(0, len(ids), width):
            window = ids[start:start + width]
            if len(window) >= 8:
                segments.append([CLS] + window + [SEP])
    return segments


def pad_batch(rows):
    """Right-padded input_ids, attention_mask, token_type_ids (int64) for a list of id lists."""
    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), PAD, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, :len(r)] = torch.tensor(r, dtype=torch.long)
        mask[i, :len(r)] = 1
    return ids, mask, torch.zeros_like(ids)
