"""Parity fixtures for the TypeScript tests: 20 messages with the training side's token ids (after
truncation), attention masks, float32 logits and mean-pooled L2-normalised embeddings."""
import json
import os

import torch

import corpus
import settings
from model import BertForSequenceClassification

HANDWRITTEN = [
    ('short spam', 1, 'Subject: You WON!!!\n\nClaim your FREE $1000 prize now, click here: http://win.example.com'),
    ('normal e-mail', 0, 'Subject: Re: lunch on friday\n\nHi Anna,\n\nFriday works for me. Shall we meet at the '
                         'cafe near the office at 12:30? I will bring the draft of the report.\n\nCheers,\nTom'),
    ('unicode', 0, 'Subject: Café réunion — 会议 ✓\n\nBonjour Zoë, naïve façade, Ærøskøbing, ΣΊΣΥΦΟΣ, '
                   '日本語のテキスト, emoji 😀🎉, zero\u200bwidth and a tab\there.'),
    ('past max length', 1, 'Subject: Limited offer for our valued customers\n\n' + ' '.join(
        f'Dear friend, act now to receive offer number {i} with guaranteed savings and no obligation.' for i in range(60))),
]
FROM_TEST = {'easy-ham-1': 4, 'easy-ham-2': 3, 'hard-ham-1': 3, 'spam-1': 3, 'spam-2': 3}


def pick_messages():
    """A fixed choice from the test split: the first messages of each group by id (md5) order."""
    rows = sorted(corpus.messages('test'), key=lambda r: r['id'])
    out = []
    for group, n in FROM_TEST.items():
        for r in [r for r in rows if r['group'] == group][:n]:
            out.append((f'test {group} {r["id"]}', r['label'], r['text']))
    return out + HANDWRITTEN


@torch.no_grad()
def write_fixtures(tokenizer, config, state, log):
    model = BertForSequenceClassification(config)
    model.load_state_dict(state)
    model.eval()
    items = []
    for name, label, text in pick_messages():
        ids = tokenizer.encode(text)
        x = torch.tensor([ids])
        mask = torch.ones_like(x)
        hidden, logits = model(x, mask, torch.zeros_like(x))
        pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
        embedding = torch.nn.functional.normalize(pooled, dim=-1)
        items.append({
            'name': name,
            'label': settings.LABELS[label],
            'text': text,
            'truncated': len(tokenizer.piece_ids(text)) > settings.MAX_LENGTH - 2,
            'input_ids': ids,
            'attention_mask': [1] * len(ids),
            'token_type_ids': [0] * len(ids),
            'logits': [round(v, 7) for v in logits[0].tolist()],
            'embedding': [round(v, 7) for v in embedding[0].tolist()],
        })
    os.makedirs(os.path.dirname(settings.FIXTURES), exist_ok=True)
    with open(settings.FIXTURES, 'w', encoding='utf-8') as f:
        json.dump({'model': 'aura-bert-spam', 'max_length': settings.MAX_LENGTH,
                   'hidden_size': config.hidden_size, 'labels': settings.LABELS,
                   'pooling': 'mean over attention_mask of last_hidden_state, then L2-normalised',
                   'messages': items}, f, ensure_ascii=False, indent=1)
        f.write('\n')
    log(f'fixtures: {len(items)} messages -> {os.path.relpath(settings.FIXTURES, settings.ROOT)}')
