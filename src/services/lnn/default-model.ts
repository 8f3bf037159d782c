import { loadModelJson, type ModelFetchOptions } from '../../models/fetch';
import { modelUrl } from '../../models/locate';
import type { LnnModel } from '../../kernels/lnn-model';
import { loadNcpsModel } from './ncps-format';

/**
 * The default LNN expert: an ncps CfC(1, 32, proj_size=2, backbone 1 × 64) trained on daily US births
 * (public/models/aura-cfc-births/README.md). Its input is a series z-scored by its own mean and
 * population std (as LnnStage does); after each step output 0 is the next value and output 1 the value
 * seven steps after, both in those z units.
 */
export function defaultLnnModelUrl(): string {
  return modelUrl('aura-cfc-births', 'model.json');
}

export async function loadDefaultLnnModel(source: string | URL = defaultLnnModelUrl(), options: ModelFetchOptions = {}): Promise<LnnModel> {
  return loadNcpsModel(await loadModelJson(source, options));
}
