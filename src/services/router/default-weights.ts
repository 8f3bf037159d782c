import weights from './weights.json';
import hashed from './weights-hashed.json';

/**
 * The committed weights written by scripts/train-router.ts (trained on data/router/requests.jsonl):
 * with the Language service's BERT embedding of the text (the default), and without it (the
 * fallback for text that arrives without an embedding).
 */
export function defaultRouterWeights(): unknown {
  return weights;
}

export function defaultRouterFallbackWeights(): unknown {
  return hashed;
}
