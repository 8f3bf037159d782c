"""Masked-language-model pretraining (BERT's recipe: 15% of the pieces chosen; of those 80% [MASK],
10% a random piece, 10% unchanged; loss on the chosen pieces only)."""
import random
import time

import torch

import corpus
import settings
from model import BertConfig, BertForMaskedLM
from wordpiece import MASK, PAD, SPECIAL_TOKENS


def linear_schedule(optimizer, total_steps, warmup_fraction):
    warmup = max(1, int(total_steps * warmup_fraction))

    def factor(step):
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (total_steps - step) / max(1, total_steps - warmup))
    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def adamw(model, lr, weight_decay):
    """AdamW with no decay on biases and LayerNorm weights, as HF's Trainer."""
    decay, plain = [], []
    for name, p in model.named_parameters():
        (plain if name.endswith('bias') or 'LayerNorm' in name else decay).append(p)
    return torch.optim.AdamW([{'params': decay, 'weight_decay': weight_decay},
                              {'params': plain, 'weight_decay': 0.0}], lr=lr)


def mask_tokens(ids, mask_prob, vocab_size, generator):
    """Returns (masked ids, labels) where labels is -100 except at the chosen positions."""
    labels = ids.clone()
    special = ids < len(SPECIAL_TOKENS)
    chosen = (torch.rand(ids.shape, generator=generator) < mask_prob) & ~special
    labels[~chosen] = -100
    masked = ids.clone()
    roll = torch.rand(ids.shape, generator=generator)
    masked[chosen & (roll < 0.8)] = MASK
    swap = chosen & (roll >= 0.8) & (roll < 0.9)
    masked[swap] = torch.randint(len(SPECIAL_TOKENS), vocab_size, ids.shape, generator=generator)[swap]
    return masked, labels


def pretrain(tokenizer, log):
    p = settings.PRETRAIN
    torch.manual_seed(settings.SEED)
    generator = torch.Generator().manual_seed(settings.SEED)
    segments = corpus.pretraining_segments(tokenizer, corpus.pretraining_texts())
    tokens = sum(len(s) for s in segments)
    log(f'pretrain: {len(segments)} segments, {tokens} tokens; {p["steps"]} steps of {p["batch_size"]}')
    order = list(range(len(segments)))
    random.Random(settings.SEED).shuffle(order)

    config = BertConfig(len(tokenizer.vocab), **settings.ARCH)
    model = BertForMaskedLM(config)
    optimizer = adamw(model, p['lr'], p['weight_decay'])
    schedule = linear_schedule(optimizer, p['steps'], p['warmup'])
    model.train()
    start, cursor, running, last = time.time(), 0, [], None
    for step in range(p['steps']):
        rows = []
        for _ in range(p['batch_size']):
            rows.append(segments[order[cursor % len(order)]])
            cursor += 1
        ids, attention, types = corpus.pad_batch(rows)
        masked, labels = mask_tokens(ids, p['mask_prob'], config.vocab_size, generator)
        labels[ids == PAD] = -100
        loss = model(masked, attention, types, labels)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        running.append(loss.item())
        if (step + 1) % 50 == 0 or step + 1 == p['steps']:
            log(f'pretrain step {step + 1}/{p["steps"]} mlm loss {sum(running) / len(running):.3f} '
                f'({time.time() - start:.0f} s, {cursor / len(order):.2f} passes)')
            last = sum(running) / len(running)
            running = []
    report = {'segments': len(segments), 'corpus_tokens': tokens, 'passes': round(cursor / len(order), 2),
              'final_mlm_loss': round(last, 3)}
    return config, model.bert.state_dict(), report
