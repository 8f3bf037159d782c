"""Fine-tuning the pretrained encoder to classify ham (0) / spam (1) on the training split; the epoch
kept is the one with the best validation accuracy (the test split is never read here)."""
import copy
import random
import time

import torch

import corpus
import settings
from model import BertForSequenceClassification
from pretrain import adamw, linear_schedule


def encode_split(tokenizer, split):
    rows = corpus.messages(split)
    return [tokenizer.encode(r['text']) for r in rows], [r['label'] for r in rows], rows


@torch.no_grad()
def predict(model, encoded, batch_size=32):
    """Softmax spam probabilities, in the order given (batched by length to save padding)."""
    model.eval()
    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]))
    probs = [0.0] * len(encoded)
    for start in range(0, len(order), batch_size):
        chunk = order[start:start + batch_size]
        ids, mask, types = corpus.pad_batch([encoded[i] for i in chunk])
        _, logits = model(ids, mask, types)
        for i, p in zip(chunk, torch.softmax(logits, -1)[:, 1].tolist()):
            probs[i] = p
    return probs


def metrics(labels, probs, groups):
    predicted = [int(p >= 0.5) for p in probs]
    tp = sum(1 for y, q in zip(labels, predicted) if y == 1 and q == 1)
    fp = sum(1 for y, q in zip(labels, predicted) if y == 0 and q == 1)
    fn = sum(1 for y, q in zip(labels, predicted) if y == 1 and q == 0)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    hard = [(y, q) for y, q, g in zip(labels, predicted, groups) if g == 'hard-ham-1']
    return {
        'n': len(labels),
        'accuracy': sum(1 for y, q in zip(labels, predicted) if y == q) / len(labels),
        'spam_precision': precision,
        'spam_recall': recall,
        'spam_f1': 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        'hard_ham_accuracy': sum(1 for y, q in hard if y == q) / len(hard) if hard else None,
    }


def describe(m):
    return (f'accuracy {m["accuracy"] * 100:.2f}% spam P {m["spam_precision"]:.3f} R {m["spam_recall"]:.3f} '
            f'F1 {m["spam_f1"]:.4f} hard-ham {m["hard_ham_accuracy"] * 100:.1f}% (n={m["n"]})')


def finetune(tokenizer, config, encoder_state, log):
    f = settings.FINETUNE
    torch.manual_seed(settings.SEED)
    train_x, train_y, _ = encode_split(tokenizer, 'train')
    val_x, val_y, val_rows = encode_split(tokenizer, 'validation')
    val_groups = [r['group'] for r in val_rows]
    model = BertForSequenceClassification(config)
    if encoder_state is not None:
        model.bert.load_state_dict(encoder_state)
    steps_per_epoch = (len(train_x) + f['batch_size'] - 1) // f['batch_size']
    optimizer = adamw(model, f['lr'], f['weight_decay'])
    schedule = linear_schedule(optimizer, steps_per_epoch * f['epochs'], f['warmup'])
    shuffle = random.Random(settings.SEED)
    best, history, start = None, [], time.time()
    for epoch in range(1, f['epochs'] + 1):
        model.train()
        order = list(range(len(train_x)))
        shuffle.shuffle(order)
        total = 0.0
        for s in range(steps_per_epoch):
            chunk = order[s * f['batch_size']:(s + 1) * f['batch_size']]
            ids, mask, types = corpus.pad_batch([train_x[i] for i in chunk])
            _, logits = model(ids, mask, types)
            loss = torch.nn.functional.cross_entropy(logits, torch.tensor([train_y[i] for i in chunk]))
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            total += loss.item()
            if (s + 1) % 100 == 0:
                log(f'finetune epoch {epoch} step {s + 1}/{steps_per_epoch} loss {total / (s + 1):.4f} ({time.time() - start:.0f} s)')
        val = metrics(val_y, predict(model, val_x), val_groups)
        history.append({'epoch': epoch, 'train_loss': total / steps_per_epoch, 'validation': val})
        log(f'finetune epoch {epoch}: train loss {total / steps_per_epoch:.4f}; validation {describe(val)} ({time.time() - start:.0f} s)')
        if best is None or val['accuracy'] > best[0]['accuracy']:
            best = (val, epoch, copy.deepcopy(model.state_dict()))
    log(f'finetune: kept epoch {best[1]} (validation {describe(best[0])})')
    return best[2], {'kept_epoch': best[1], 'validation': best[0], 'history': history}
