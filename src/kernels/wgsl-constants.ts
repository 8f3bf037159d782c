import { defineGeneratedPrelude, wgslU32Constants } from '../gpu/wgsl';

/**
 * Constants and enum codes the kernels share with their WGSL, declared once here and emitted as the
 * generated prelude `constants` (a shader asks for it with `// uses: constants`). Never write one of
 * these numbers in a .wgsl file.
 */

/** "No index": a token without an embedding row, an absent weight, a cell fed by the sequence, an empty slot, no fault. */
export const NO_INDEX = 0xffffffff;

/** Slots of the spiking kernels' counters buffer: 64-bit counts as (low, high) u32 pairs, then the step clock. */
export const SNN_COUNTER = { sop: 0, mac: 2, neuronSpikes: 4, inputSpikes: 6, clock: 8 } as const;

/** The spike encoders (snn-encode.wgsl's ENCODING override). */
export const SNN_ENCODING = { rate: 0, poisson: 1, latency: 2, direct: 3, 'recorded-current': 4, 'recorded-spikes': 5 } as const;

/** The gating kernels' modes: 0 renormalise the top-k of a softmax over all, 1 do not, 2 softmax over the top-k. */
export const GATING_MODE = { renormalize: 0, noRenormalize: 1, topkSoftmax: 2 } as const;

/** The memory search's score: cosine, dot product, negated Euclidean distance. */
export const MEMORY_METRIC = { cosine: 0, dot: 1, l2: 2 } as const;

/** Scores each invocation of memory-topk takes into its block. */
export const MEMORY_TOPK_ITEMS_PER_THREAD = 4;

/** `noRenormalize` → `NO_RENORMALIZE`, `recorded-current` → `RECORDED_CURRENT`. */
function upperSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/-/g, '_').toUpperCase();
}

function prefixed(prefix: string, codes: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(codes).map(([k, v]) => [`${prefix}_${upperSnake(k)}`, v]));
}

export const WGSL_CONSTANTS_PRELUDE = [
  '// Prelude `constants`: generated from src/kernels/wgsl-constants.ts by loadWgsl; do not edit.',
  wgslU32Constants({
    NO_INDEX,
    ...prefixed('SNN_COUNTER', SNN_COUNTER),
    ...prefixed('SNN_ENCODING', SNN_ENCODING),
    ...prefixed('GATING_MODE', GATING_MODE),
    ...prefixed('MEMORY_METRIC', MEMORY_METRIC),
    MEMORY_TOPK_ITEMS_PER_THREAD,
  }),
  '',
].join('\n');

defineGeneratedPrelude('constants', WGSL_CONSTANTS_PRELUDE);
