import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/errors';
import { ModelLoadError, TokenizationError } from '../../../src/services/language/errors';
import { BertTokenizer } from '../../../src/services/language/tokenizer';
import { defaultTokenizer, readModelJson, vocabIds } from './fixtures';

// Expected tokens are worked out by hand from HF BertTokenizer(Fast) rules: BertNormalizer (clean
// text, spaces around CJK characters, lower-case, NFD + drop combining marks when strip_accents is
// unset and lowercase is on), BertPreTokenizer (split on whitespace and punctuation), WordPiece
// (greedy longest match from the left, `##` continuations, the whole word is [UNK] when any part
// cannot be matched), TemplateProcessing [CLS] $A [SEP].
describe('BertTokenizer (HF WordPiece semantics) on the default vocabulary', () => {
  const tok = defaultTokenizer();

  const cases: Array<[string, string, string[]]> = [
    ['punctuation is split off', 'Hello, World!', ['hello', ',', 'world', '!']],
    ['apostrophes and ellipses split; greedy longest-match pieces', "don't stop...now", ['do', '##n', "'", 't', 'st', '##op', '.', '.', '.', 'now']],
    ['accents stripped with lower-casing', 'Café Naïve RÉSUMÉ', ['cafe', 'naive', 'resume']],
    ['combining marks dropped after NFD', 'e\u0301 u\u0308', ['e', 'u']],
    ['Chinese characters become one token each', '我爱你好', ['我', '爱', '你', '好']],
    ['CJK beside Latin without spaces', 'hello世界', ['hello', '世', '界']],
    ['unknown words: a letter outside the vocab makes the whole word [UNK]', 'straße 🙂 龍', ['[UNK]', '[UNK]', '[UNK]']],
    ['control characters removed, tabs and newlines are spaces', 'hello\u0000\tworld\n', ['hello', 'world']],
    ['a word over 100 characters is [UNK]', 'a'.repeat(101), ['[UNK]']],
  ];
  for (const [what, text, pieces] of cases) {
    it(what, () => {
      const enc = tok.encode(text);
      const tokens = ['[CLS]', ...pieces, '[SEP]'];
      expect(enc.tokens).toEqual(tokens);
      expect(enc.ids).toEqual(vocabIds(tokens));
      expect(enc.attentionMask).toEqual(tokens.map(() => 1));
      expect(enc.tokenTypeIds).toEqual(tokens.map(() => 0));
      expect(enc.truncated).toBe(false);
    });
  }

  it('literal ids of the default vocabulary: [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3', () => {
    expect(tok.encode('Hello, World!').ids).toEqual([2, 630, 16, 594, 5, 3]);
    expect(tok.padId).toBe(0);
    expect(tok.unkId).toBe(1);
    expect(tok.maxLength).toBe(64);
  });

  it('the normalizer follows the config: strip_accents false keeps accents, lowercase false keeps case', () => {
    expect(defaultTokenizer({ strip_accents: false }).encode('café').tokens).toEqual(['[CLS]', '[UNK]', '[SEP]']);
    expect(defaultTokenizer({ lowercase: false }).encode('Hello hello').tokens).toEqual(['[CLS]', '[UNK]', 'hello', '[SEP]']);
  });

  it('truncates long input to the maximum length on the right, keeping [SEP]', () => {
    const enc = tok.encode(Array(100).fill('hello').join(' '));
    expect(enc.ids.length).toBe(64);
    expect(enc.tokens[0]).toBe('[CLS]');
    expect(enc.tokens[63]).toBe('[SEP]');
    expect(enc.tokens.slice(1, 63).every((t) => t === 'hello')).toBe(true);
    expect(enc.truncated).toBe(true);
    expect(tok.encode('one two three four', { maxLength: 4 }).tokens).toEqual(['[CLS]', 'one', 'two', '[SEP]']);
  });

  it('truncation_tail_tokens keeps the head and the last pieces of an over-long text (as training/language/wordpiece.py)', () => {
    const json = readModelJson('tokenizer.json');
    const tail = new BertTokenizer(json, { ...readModelJson('tokenizer_config.json'), truncation_tail_tokens: 2 });
    expect(tail.tailTokens).toBe(2);
    expect(tail.encode('one two hello, world!', { maxLength: 6 }).tokens).toEqual(['[CLS]', 'one', 'two', 'world', '!', '[SEP]']);
    expect(tail.encode('one two hello, world!', { maxLength: 3 }).tokens).toEqual(['[CLS]', '!', '[SEP]']);
    expect(tail.encode('one two hello', { maxLength: 6 }).truncated).toBe(false);
    expect(() => new BertTokenizer(json, { truncation_tail_tokens: -1 })).toThrow(ModelLoadError);
    expect(() => new BertTokenizer(json, { truncation_tail_tokens: 1.5 })).toThrow(ModelLoadError);
  });

  it('over-length input without truncation is a TokenizationError', () => {
    expect(() => tok.encode(Array(100).fill('hello').join(' '), { truncation: false })).toThrow(TokenizationError);
    expect(tok.encode(Array(62).fill('hello').join(' '), { truncation: false }).ids.length).toBe(64);
  });

  it('pads a batch on the right with [PAD], mask 0 and type 0', () => {
    const batch = tok.encodeBatch(['hello', 'hello world'], { padTo: 6 });
    expect(batch.batch).toBe(2);
    expect(batch.sequenceLength).toBe(6);
    expect([...batch.inputIds].map(Number)).toEqual([2, 630, 3, 0, 0, 0, 2, 630, 594, 3, 0, 0]);
    expect([...batch.attentionMask].map(Number)).toEqual([1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 0, 0]);
    expect([...batch.tokenTypeIds].map(Number)).toEqual(new Array(12).fill(0));
    expect(batch.lengths).toEqual([3, 4]);
    expect(tok.encodeBatch(['hello', 'hello world']).sequenceLength).toBe(4);
  });

  it('rejects non-strings and empty batches with typed errors', () => {
    expect(() => tok.encodeBatch([])).toThrow(InvalidInputError);
    expect(() => tok.encodeBatch(['ok', 42 as unknown as string])).toThrow(/texts\[1\] is number/);
    expect(() => tok.encode(null as unknown as string)).toThrow(InvalidInputError);
    expect(() => tok.encodeBatch(['hello world'], { padTo: 2 })).toThrow(InvalidInputError);
  });

  it('decodes ids back to text without special tokens', () => {
    expect(tok.decode(tok.encode('hello, world!').ids)).toBe('hello, world!');
  });
});
