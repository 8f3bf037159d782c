import type { PlannableStage } from '../../../src/core/plan';
import type { AdapterSummary } from '../../../src/gpu/device';

export const swiftshader: AdapterSummary = { vendor: 'google', architecture: 'swiftshader', device: '', description: '', isFallback: true, host: 'node' };

/** A stage whose two paths do real work of different sizes, so the planner has something to measure. */
export function busyStage(name: string, gpuLoops: number, cpuLoops: number, signature = 'v1'): PlannableStage & { trials: string[] } {
  const trials: string[] = [];
  const spin = (n: number) => {
    let x = 0;
    for (let i = 0; i < n; i++) x += Math.sqrt(i);
    return x;
  };
  return {
    name,
    signature,
    trials,
    async trial(path) {
      trials.push(path);
      spin(path === 'gpu' ? gpuLoops : cpuLoops);
    },
  };
}
