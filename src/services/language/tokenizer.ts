import { Tokenizer } from '@huggingface/tokenizers';
import { InvalidInputError } from '../../errors';
import { ModelLoadError, TokenizationError } from './errors';

/** One text, encoded as Hugging Face `tokenizers` does for a single sequence. */
export interface BertEncoding {
  ids: number[];
  tokens: string[];
  attentionMask: number[];
  tokenTypeIds: number[];
  /** True when tokens were cut to fit `maxLength`. */
  truncated: boolean;
}

/** A padded batch as the model takes it: row-major [batch, sequenceLength] int64 tensors. */
export interface BertBatch {
  batch: number;
  sequenceLength: number;
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  tokenTypeIds: BigInt64Array;
  /** Real (unpadded) length of each row, specials included. */
  lengths: number[];
}

export interface BertEncodeOptions {
  /** Cut over-long input to `maxLength` (its head, plus its last `tailTokens` pieces when the tokenizer_config asks); false → TokenizationError. Default true. */
  truncation?: boolean;
  /** Defaults to the tokenizer's own maximum (tokenizer.json truncation, else tokenizer_config model_max_length). */
  maxLength?: number;
}

/**
 * WordPiece tokenization as Hugging Face defines it, driven by a `tokenizer.json`: the normalizer
 * (BertNormalizer: clean text, CJK characters as words, lower-casing, accent stripping), the
 * pre-tokenizer (whitespace and punctuation), the WordPiece model (greedy longest match, `##`
 * continuations, [UNK] for a word that cannot be pieced) and the post-processor ([CLS] … [SEP],
 * token type ids) come from `@huggingface/tokenizers`; truncation and padding are applied here as
 * HF's `tokenizer(text, truncation=True, max_length=n, padding=...)` does for a single sequence.
 */
export class BertTokenizer {
  readonly maxLength: number;
  readonly padId: number;
  readonly unkId: number;
  readonly vocabSize: number;
  /** Pieces kept from the end of an over-long text (tokenizer_config `truncation_tail_tokens`; 0: cut on the right only). */
  readonly tailTokens: number;
  private readonly inner: Tokenizer;
  private readonly specialCount: number;

  constructor(tokenizerJson: unknown, tokenizerConfig: unknown = {}) {
    if (!isRecord(tokenizerJson) || !isRecord(tokenizerJson.model)) {
      throw new ModelLoadError('tokenizer.json has no "model" section', 'pass the Hugging Face tokenizer.json of the model (WordPiece)');
    }
    if (tokenizerJson.model.type !== 'WordPiece') {
      throw new ModelLoadError(`tokenizer.json model type is ${String(tokenizerJson.model.type)}, not WordPiece`, 'use a BERT-family tokenizer.json');
    }
    const config = isRecord(tokenizerConfig) ? tokenizerConfig : {};
    try {
      this.inner = new Tokenizer(tokenizerJson, config);
    } catch (cause) {
      throw new ModelLoadError('tokenizer.json could not be parsed', 'check that it is a Hugging Face tokenizer.json', { cause });
    }
    this.maxLength = resolveMaxLength(tokenizerJson, config);
    this.tailTokens = resolveTailTokens(config);
    this.vocabSize = this.inner.get_vocab(true).size;
    const unkToken = String(tokenizerJson.model.unk_token ?? '[UNK]');
    this.unkId = this.inner.token_to_id(unkToken) ?? 0;
    const padding = isRecord(tokenizerJson.padding) ? tokenizerJson.padding : {};
    const padToken = typeof padding.pad_token === 'string' ? padding.pad_token : typeof config.pad_token === 'string' ? config.pad_token : '[PAD]';
    this.padId = typeof padding.pad_id === 'number' ? padding.pad_id : (this.inner.token_to_id(padToken) ?? 0);
    this.specialCount = this.postProcess([]).tokens.length;
  }

  /** Word pieces of `text`, without special tokens (HF `tokenizer.tokenize`). */
  tokenize(text: string): string[] {
    requireText(text, 'text');
    return this.inner.tokenize(text, { add_special_tokens: false });
  }

  /** Encodes one text with special tokens, truncating (or refusing) past `maxLength`. */
  encode(text: string, options: BertEncodeOptions = {}): BertEncoding {
    const maxLength = this.checkMaxLength(options.maxLength);
    let pieces = this.tokenize(text);
    const budget = maxLength - this.specialCount;
    let truncated = false;
    if (pieces.length > budget) {
      if (options.truncation === false) {
        throw new TokenizationError(
          `the text is ${pieces.length + this.specialCount} tokens long; the model takes at most ${maxLength}`,
          'shorten the text, or pass truncation: true to cut it to the maximum length',
        );
      }
      pieces = keepHeadAndTail(pieces, Math.max(0, budget), this.tailTokens);
      truncated = true;
    }
    const { tokens, token_type_ids } = this.postProcess(pieces);
    const ids = tokens.map((t) => this.inner.token_to_id(t) ?? this.unkId);
    return { ids, tokens, attentionMask: ids.map(() => 1), tokenTypeIds: token_type_ids ?? ids.map(() => 0), truncated };
  }

  /**
   * Encodes texts into one padded batch (padding on the right with the pad id, mask 0, type 0).
   * `padTo` pads every row to that length (a shape bucket); by default to the longest row.
   */
  encodeBatch(texts: readonly string[], options: BertEncodeOptions & { padTo?: number } = {}): BertBatch {
    requireTexts(texts);
    const rows = texts.map((t) => this.encode(t, options));
    const longest = Math.max(...rows.map((r) => r.ids.length));
    const sequenceLength = options.padTo ?? longest;
    if (!Number.isInteger(sequenceLength) || sequenceLength < longest) {
      throw new InvalidInputError(`padTo is ${String(options.padTo)} but the longest row has ${longest} tokens`, 'pad to at least the longest row');
    }
    return padBertRows(rows, sequenceLength, this.padId);
  }

  tokenToId(token: string): number | undefined {
    return this.inner.token_to_id(token);
  }

  decode(ids: number[]): string {
    return this.inner.decode(ids, { skip_special_tokens: true });
  }

  private postProcess(pieces: string[]): { tokens: string[]; token_type_ids?: number[] } {
    const processor = this.inner.post_processor;
    if (!processor) return { tokens: pieces, token_type_ids: pieces.map(() => 0) };
    return processor.post_process(pieces, null, true);
  }

  private checkMaxLength(value: number | undefined): number {
    if (value === undefined) return this.maxLength;
    if (!Number.isInteger(value) || value < this.specialCount + 1) {
      throw new InvalidInputError(`maxLength is ${String(value)}`, `maxLength must be an integer of at least ${this.specialCount + 1}`);
    }
    return value;
  }
}

/** Rows padded on the right to `sequenceLength` (mask 0, type 0, the pad id), as int64 tensors. */
export function padBertRows(rows: BertEncoding[], sequenceLength: number, padId: number): BertBatch {
  const size = rows.length * sequenceLength;
  const inputIds = new BigInt64Array(size).fill(BigInt(padId));
  const attentionMask = new BigInt64Array(size);
  const tokenTypeIds = new BigInt64Array(size);
  rows.forEach((row, r) => {
    const base = r * sequenceLength;
    for (let i = 0; i < row.ids.length; i++) {
      inputIds[base + i] = BigInt(row.ids[i]);
      attentionMask[base + i] = 1n;
      tokenTypeIds[base + i] = BigInt(row.tokenTypeIds[i]);
    }
  });
  return { batch: rows.length, sequenceLength, inputIds, attentionMask, tokenTypeIds, lengths: rows.map((r) => r.ids.length) };
}

/** The first `budget - tail` pieces and the last `tail` (tail capped at the budget), as training/language/wordpiece.py. */
function keepHeadAndTail(pieces: string[], budget: number, tailTokens: number): string[] {
  const tail = Math.min(tailTokens, budget);
  return tail === 0 ? pieces.slice(0, budget) : [...pieces.slice(0, budget - tail), ...pieces.slice(pieces.length - tail)];
}

/** AURA's tokenizer_config extension `truncation_tail_tokens` (absent: 0, HF's right-side truncation). */
function resolveTailTokens(config: Record<string, unknown>): number {
  const value = config.truncation_tail_tokens;
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ModelLoadError(`tokenizer_config.json truncation_tail_tokens is ${String(value)}`, 'set it to a whole number of pieces (0 keeps only the head)');
  }
  return value;
}

function resolveMaxLength(tokenizerJson: Record<string, unknown>, config: Record<string, unknown>): number {
  const truncation = tokenizerJson.truncation;
  if (isRecord(truncation) && typeof truncation.max_length === 'number') return truncation.max_length;
  const fromConfig = config.model_max_length;
  // HF writes a huge sentinel (1e30) when the maximum is unknown.
  if (typeof fromConfig === 'number' && fromConfig > 0 && fromConfig < 1e6) return fromConfig;
  return 512;
}

/** A string, as the service takes it (throws a typed error otherwise). */
export function requireText(text: unknown, name: string): asserts text is string {
  if (typeof text !== 'string') {
    throw new InvalidInputError(`${name} is ${text === null ? 'null' : typeof text}, not a string`, 'pass text as a string');
  }
}

/** A non-empty array of strings. */
export function requireTexts(texts: unknown): asserts texts is string[] {
  if (!Array.isArray(texts)) throw new InvalidInputError(`texts is ${typeof texts}, not an array`, 'pass an array of strings, e.g. ["hello world"]');
  if (texts.length === 0) throw new InvalidInputError('texts is empty', 'pass at least one text');
  texts.forEach((t, i) => requireText(t, `texts[${i}]`));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
