import { InvalidInputError, requireFiniteArray } from '../../errors';
import { SERIES_STAT_NAMES, seriesStatistics } from './series-features';
import { TEXT_STAT_NAMES, hashedBagOfWords, routerWords, textStatistics } from './text-features';

/**
 * What the router knows about one request. The text embedding comes from the Language service
 * (a Float32Array of the model's hidden size); everything else the router computes itself.
 */
export interface RequestFeatures {
  text?: string;
  /** A numeric series: sensor readings, a time series, or spike counts per time bin. */
  series?: ArrayLike<number>;
  /** The Language service's sentence embedding of `text`. */
  embedding?: Float32Array;
}

/** Which features a weights file was trained on, in order: [bag of words | text stats | series stats | embedding]. */
export interface RouterFeatureLayout {
  hashBuckets: number;
  textStats: readonly string[];
  seriesStats: readonly string[];
  /** Hidden size of the text embedding the weights expect; 0 when trained without one. */
  embeddingSize: number;
}

export const DEFAULT_HASH_BUCKETS = 256;

export function defaultFeatureLayout(embeddingSize = 0): RouterFeatureLayout {
  return { hashBuckets: DEFAULT_HASH_BUCKETS, textStats: TEXT_STAT_NAMES, seriesStats: SERIES_STAT_NAMES, embeddingSize };
}

export function featureCount(layout: RouterFeatureLayout): number {
  return layout.hashBuckets + layout.textStats.length + layout.seriesStats.length + layout.embeddingSize;
}

/** The feature vector of one request, laid out as `layout` says. */
export function routerFeatureVector(features: RequestFeatures, layout: RouterFeatureLayout): Float32Array {
  if (features.text === undefined && features.series === undefined) {
    throw new InvalidInputError('the request has neither text nor series', 'route a request with text and/or a numeric series');
  }
  if (features.text !== undefined && typeof features.text !== 'string') {
    throw new InvalidInputError(`text is a ${typeof features.text}`, 'text must be a string');
  }
  if (features.series !== undefined) {
    if (typeof features.series !== 'object' || features.series === null || typeof features.series.length !== 'number') {
      throw new InvalidInputError('series is not an array', 'series must be an array of numbers');
    }
    requireFiniteArray('series', features.series);
  }
  const out = new Float32Array(featureCount(layout));
  const words = features.text === undefined ? [] : routerWords(features.text);
  hashedBagOfWords(words, layout.hashBuckets, out, 0);
  let offset = layout.hashBuckets;
  textStatistics(features.text, words, out, offset);
  offset += layout.textStats.length;
  seriesStatistics(features.series, out, offset);
  offset += layout.seriesStats.length;
  if (layout.embeddingSize > 0) {
    const e = features.embedding;
    if (e === undefined && features.text !== undefined) {
      throw new InvalidInputError(
        `these router weights need a text embedding of size ${layout.embeddingSize}`,
        'embed the text with the Language service and pass it as `embedding`',
      );
    }
    if (e !== undefined) {
      if (!(e instanceof Float32Array) || e.length !== layout.embeddingSize) {
        throw new InvalidInputError(`embedding has ${e?.length} values`, `pass a Float32Array of the model's hidden size, ${layout.embeddingSize}`);
      }
      requireFiniteArray('embedding', e);
      out.set(e, offset);
    }
  }
  return out;
}
