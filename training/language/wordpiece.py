"""BERT WordPiece tokenization, as the runtime's tokenizer.json loader (@huggingface/tokenizers) runs it.

Encoding follows the JavaScript implementation the runtime uses, step by step, so that ids agree
exactly: special tokens are split off the raw text first; then BertNormalizer (clean_text: drop NUL,
U+FFFD and Cc/Cf/Co/Cs characters except tab/newline/CR, map JavaScript `\\s` whitespace to a space;
spaces around CJK ideographs of the Basic Multilingual Plane; lower-case; NFD and drop Mn marks),
BertPreTokenizer (runs of non-space non-punctuation, each punctuation character alone; punctuation is
Unicode P* plus the ASCII symbol ranges), WordPiece (greedy longest match, `##` continuations, [UNK]
for a word that cannot be pieced or is longer than 100 code points), then [CLS] … [SEP] with
truncation on the right.

The vocabulary is learned the way Hugging Face's WordPieceTrainer does it: byte-pair merges over word
counts, continuation pieces prefixed `##`, an alphabet limited to the most frequent characters.
"""
import heapq
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict

SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']
PAD, UNK, CLS, SEP, MASK = range(5)
PREFIX = '##'
MAX_INPUT_CHARS_PER_WORD = 100

# JavaScript's \s (what the runtime's normalizer and pre-tokenizer test).
JS_WHITESPACE = '\t\n\x0b\x0c\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff'
CONTROL_CATEGORIES = {'Cc', 'Cf', 'Co', 'Cs'}


def _clean_table():
    """str.translate table for clean_text: None drops a character, ' ' replaces whitespace."""
    table = {0: None, 0xFFFD: None}
    for cp in range(sys.maxunicode + 1):
        ch = chr(cp)
        if ch not in '\t\n\r' and unicodedata.category(ch) in CONTROL_CATEGORIES:
            table[cp] = None
    for ch in JS_WHITESPACE:
        if ord(ch) not in table:
            table[ord(ch)] = ' '
    return table


def _class_of(codepoints):
    """A regex character class body for a sorted list of code points, as ranges."""
    parts, start, prev = [], None, None
    for cp in codepoints:
        if start is None:
            start = prev = cp
        elif cp == prev + 1:
            prev = cp
        else:
            parts.append((start, prev))
            start = prev = cp
    if start is not None:
        parts.append((start, prev))
    esc = lambda c: '\\U%08x' % c
    return ''.join(esc(a) if a == b else f'{esc(a)}-{esc(b)}' for a, b in parts)


def _punctuation_codepoints():
    ascii_ranges = [(0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E)]
    out = set()
    for a, b in ascii_ranges:
        out.update(range(a, b + 1))
    for cp in range(sys.maxunicode + 1):
        if unicodedata.category(chr(cp)).startswith('P'):
            out.add(cp)
    return sorted(out)


CLEAN_TABLE = _clean_table()
_PUNCT = _class_of(_punctuation_codepoints())
_SPACE = ''.join('\\U%08x' % ord(c) for c in JS_WHITESPACE)
PRE_TOKEN = re.compile(f'[^{_SPACE}{_PUNCT}]+|[{_PUNCT}]')
# CJK ideographs the runtime pads with spaces (it tests UTF-16 code units, so only the BMP blocks).
CJK = re.compile('([\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff])')
SPECIAL_SPLIT = re.compile('(' + '|'.join(re.escape(t) for t in sorted(SPECIAL_TOKENS, key=len, reverse=True)) + ')')


def normalize(text):
    text = text.translate(CLEAN_TABLE)
    text = CJK.sub(r' \1 ', text)
    text = text.lower()
    if text.isascii():
        return text
    text = unicodedata.normalize('NFD', text)
    return ''.join(ch for ch in text if unicodedata.category(ch) != 'Mn')


def pre_tokenize(normalized):
    return PRE_TOKEN.findall(normalized)


def words_of(text):
    """Normalized, pre-tokenized words of a raw text (special-token strings kept whole)."""
    out = []
    for i, section in enumerate(SPECIAL_SPLIT.split(text)):
        if i % 2 == 1:
            out.append(section)
        elif section:
            out.extend(pre_tokenize(normalize(section)))
    return out


class WordPiece:
    def __init__(self, vocab, max_length, tail_tokens=0):
        self.vocab = list(vocab)
        self.ids = {t: i for i, t in enumerate(self.vocab)}
        self.max_length = max_length
        self.tail_tokens = tail_tokens
        self._cache = {}

    def word_pieces(self, word):
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        if word in SPECIAL_TOKENS:
            pieces = [word]
        elif len(word) > MAX_INPUT_CHARS_PER_WORD:
            pieces = [SPECIAL_TOKENS[UNK]]
        else:
            pieces, start = [], 0
            while start < len(word):
                end, found = len(word), None
                while start < end:
                    piece = word[start:end] if start == 0 else PREFIX + word[start:end]
                    if piece in self.ids:
                        found = piece
                        break
                    end -= 1
                if found is None:
                    pieces = [SPECIAL_TOKENS[UNK]]
                    break
                pieces.append(found)
                start = end
        if len(self._cache) < 2_000_000:
            self._cache[word] = pieces
        return pieces

    def tokenize(self, text):
        return [p for w in words_of(text) for p in self.word_pieces(w)]

    def piece_ids(self, text):
        return [self.ids[p] for p in self.tokenize(text)]

    def encode(self, text, max_length=None):
        """[CLS] pieces [SEP]; a text past max_length keeps its head and its last `tail_tokens` pieces."""
        return [CLS] + self.fit(self.piece_ids(text), (max_length or self.max_length) - 2) + [SEP]

    def fit(self, pieces, budget):
        """Head + tail truncation (plain right truncation when tail_tokens is 0), as the runtime's BertTokenizer."""
        if len(pieces) <= budget:
            return pieces
        tail = min(self.tail_tokens, budget)
        return pieces[:budget - tail] + (pieces[len(pieces) - tail:] if tail else [])

    # Hugging Face files -------------------------------------------------------------------
    def tokenizer_json(self):
        added = [{'id': i, 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False,
                  'normalized': False, 'special': True} for i, t in enumerate(SPECIAL_TOKENS)]
        single = [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}},
                  {'SpecialToken': {'id': '[SEP]', 'type_id': 0}}]
        pair = single + [{'Sequence': {'id': 'B', 'type_id': 1}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 1}}]
        return {
            'version': '1.0',
            'truncation': {'direction': 'Right', 'max_length': self.max_length, 'strategy': 'LongestFirst', 'stride': 0},
            'padding': None,
            'added_tokens': added,
            'normalizer': {'type': 'BertNormalizer', 'clean_text': True, 'handle_chinese_chars': True,
                           'strip_accents': None, 'lowercase': True},
            'pre_tokenizer': {'type': 'BertPreTokenizer'},
            'post_processor': {'type': 'TemplateProcessing', 'single': single, 'pair': pair,
                               'special_tokens': {t: {'id': t, 'ids': [self.ids[t]], 'tokens': [t]} for t in ('[CLS]', '[SEP]')}},
            'decoder': {'type': 'WordPiece', 'prefix': PREFIX, 'cleanup': True},
            'model': {'type': 'WordPiece', 'unk_token': '[UNK]', 'continuing_subword_prefix': PREFIX,
                      'max_input_chars_per_word': MAX_INPUT_CHARS_PER_WORD, 'vocab': self.ids},
        }

    def tokenizer_config(self):
        return {'tokenizer_class': 'BertTokenizer', 'do_lower_case': True, 'strip_accents': None,
                'tokenize_chinese_chars': True, 'model_max_length': self.max_length,
                'clean_up_tokenization_spaces': True, 'unk_token': '[UNK]', 'sep_token': '[SEP]',
                'pad_token': '[PAD]', 'cls_token': '[CLS]', 'mask_token': '[MASK]',
                # AURA's extension: a text past model_max_length keeps its head and its last this-many pieces
                'truncation_tail_tokens': self.tail_tokens}

    @classmethod
    def load(cls, tokenizer_json_path, tail_tokens=0):
        with open(tokenizer_json_path, encoding='utf-8') as f:
            spec = json.load(f)
        ids = spec['model']['vocab']
        vocab = [None] * len(ids)
        for token, i in ids.items():
            vocab[i] = token
        return cls(vocab, spec['truncation']['max_length'], tail_tokens)


def count_words(texts):
    counts = Counter()
    for text in texts:
        counts.update(w for w in words_of(text) if w not in SPECIAL_TOKENS)
    return counts


def train_vocab(word_counts, vocab_size, min_frequency=2, limit_alphabet=1000):
    """WordPiece vocabulary by byte-pair merges (as HF WordPieceTrainer), deterministic on ties."""
    char_counts = Counter()
    for word, n in word_counts.items():
        for ch in word:
            char_counts[ch] += n
    alphabet = sorted(ch for ch, _ in sorted(char_counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit_alphabet])
    allowed = set(alphabet)
    vocab = list(SPECIAL_TOKENS) + alphabet + [PREFIX + ch for ch in alphabet]
    known = set(vocab)

    words, freqs = [], []
    for word, n in sorted(word_counts.items()):
        if n >= min_frequency and all(ch in allowed for ch in word):
            words.append([word[0]] + [PREFIX + ch for ch in word[1:]])
            freqs.append(n)

    pair_counts = defaultdict(int)
    where = defaultdict(set)
    for wi, symbols in enumerate(words):
        for a, b in zip(symbols, symbols[1:]):
            pair_counts[(a, b)] += freqs[wi]
            where[(a, b)].add(wi)
    heap = [(-n, pair) for pair, n in pair_counts.items()]
    heapq.heapify(heap)

    while len(vocab) < vocab_size and heap:
        n, pair = heapq.heappop(heap)
        if -n != pair_counts.get(pair, 0):
            continue  # stale entry
        if -n < min_frequency:
            break
        a, b = pair
        merged = a + b[len(PREFIX):]
        if merged not in known:
            known.add(merged)
            vocab.append(merged)
        touched = set()
        for wi in sorted(where.pop(pair, ())):
            symbols, f = words[wi], freqs[wi]
            i = 0
            out = []
            changed = False
            while i < len(symbols):
                if i + 1 < len(symbols) and symbols[i] == a and symbols[i + 1] == b:
                    out.append(merged)
                    i += 2
                    changed = True
                else:
                    out.append(symbols[i])
                    i += 1
            if not changed:
                continue
            for p in zip(symbols, symbols[1:]):
                pair_counts[p] -= f
                touched.add(p)
            for p in zip(out, out[1:]):
                pair_counts[p] += f
                where[p].add(wi)
                touched.add(p)
            words[wi] = out
        pair_counts.pop(pair, None)
        for p in touched:
            c = pair_counts.get(p, 0)
            if c > 0 and p != pair:
                heapq.heappush(heap, (-c, p))
    return vocab
