import weights from './weights.json';

/** The committed weights written by scripts/train-router.ts (trained on data/router/requests.jsonl). */
export function defaultRouterWeights(): unknown {
  return weights;
}
