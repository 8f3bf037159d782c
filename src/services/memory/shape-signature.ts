import type { PersistencePair, RipsDiagram } from './rips-persistence';
import { persistenceLandscape, type ShapeOptions } from './shape';
import { SHAPE_EXTRA_VIEWS } from './shape-views';

/**
 * The shape signature, over the H0 and H1 persistence of a series' main delay embedding and of its
 * extra views (`shape-views.ts`: phase portrait, values, period-folded template and its two
 * differences), one block per view, scaled by the view's weight (the template views': the template's
 * strength, how much of the variance the rhythm explains):
 *
 * - the persistence landscapes (Bubenik 2015) of H0 (scaled by h0Weight) and of H1, λ1..λL sampled at
 *   S points of [0, maxScale]: stable (1-Lipschitz in the bottleneck distance), no kernel bandwidth
 *   to choose, λ1 of H1 is the most persistent loop;
 * - summary statistics (scaled by statsWeight), which see what a landscape's top levels miss:
 *   the 4 longest H0 bars, H0's total persistence (about the length of the curve sampled) and its persistence
 *   entropy (largest when all bars are equal, as on a uniformly sampled curve), its median bar (the
 *   sampling step) and the log of the longest over the median (a gap that stands out: a jump, a
 *   burst, a level the series leaves quickly), the 3 longest H1 bars,
 *   H1's total persistence and entropy, and the birth of the longest H1 bar (a loop that closes late is
 *   sparsely sampled or has a gap).
 *
 * Infinite bars are left out (H0's one component, classes alive at a threshold). A plain point cloud
 * has no views: its block is repeated, so every signature has the same length. The L2 distance between
 * signatures is the distance the search ranks by. Version 4; version 3 had the half-delay view and no
 * template views, version 2 was the main view's landscapes alone (8 levels), version 1 H0's landscape alone.
 */
export const SHAPE_SIGNATURE_VERSION = 4;

export type SignatureOptions = Pick<ShapeOptions, 'levels' | 'samples' | 'maxScale' | 'h0Weight' | 'statsWeight'>;

/** Summary statistics per view: 8 of H0, 6 of H1. */
export const SHAPE_STATISTICS = 14;

export function shapeSignatureLength(options: Pick<ShapeOptions, 'levels' | 'samples'>): number {
  return (1 + SHAPE_EXTRA_VIEWS) * (2 * options.levels * options.samples + SHAPE_STATISTICS);
}

/** The diagrams a signature reads: the main view's and its extra views' (ShapeDiagram has these). */
export type SignatureDiagram = Pick<RipsDiagram, 'h0' | 'h1'> & { views?: Array<Pick<RipsDiagram, 'h0' | 'h1'> & { weight?: number }> };

export function shapeSignature(diagram: SignatureDiagram, options: SignatureOptions): Float32Array {
  const block = 2 * options.levels * options.samples + SHAPE_STATISTICS;
  const out = new Float32Array((1 + SHAPE_EXTRA_VIEWS) * block);
  // A cloud without views (or with another version's views) repeats its main block.
  const views = diagram.views?.length === SHAPE_EXTRA_VIEWS ? diagram.views : new Array<SignatureDiagram>(SHAPE_EXTRA_VIEWS).fill({ h0: diagram.h0, h1: diagram.h1 });
  [diagram, ...views].forEach((view, v) => {
    const part = out.subarray(v * block, (v + 1) * block);
    viewSignature(view, options, part);
    const weight = 'weight' in view && view.weight !== undefined ? view.weight : 1;
    if (weight !== 1) for (let x = 0; x < block; x++) part[x] *= weight;
  });
  return out;
}

function viewSignature(diagram: Pick<RipsDiagram, 'h0' | 'h1'>, options: SignatureOptions, out: Float32Array): void {
  const half = options.levels * options.samples;
  const h0 = persistenceLandscape(diagram.h0, options);
  for (let x = 0; x < half; x++) out[x] = options.h0Weight * h0[x];
  out.set(persistenceLandscape(diagram.h1, options), half);
  const stats = [...barStatistics(diagram.h0, 4, false, H0_TOTAL_SCALE), ...barStatistics(diagram.h1, 3, true, 1)];
  for (let x = 0; x < SHAPE_STATISTICS; x++) out[2 * half + x] = options.statsWeight * stats[x];
}

/**
 * H0's total persistence is about the length of the curve the points sample (tens in z-normalised
 * units), H1's about one: the scale brings H0's to H1's order. Entropy is divided by 3 (ln 20).
 */
const H0_TOTAL_SCALE = 0.1;
const ENTROPY_SCALE = 1 / 3;
/** H0's median bar is about the sampling step (a tenth of a unit); the log ratio a few units. */
const H0_MEDIAN_SCALE = 10;
const LOG_RATIO_SCALE = 0.5;

/**
 * The `top` longest finite bars, total persistence (× totalScale), persistence entropy, then for H0 the
 * median bar and log(longest / median), for H1 the longest bar's birth.
 */
export function barStatistics(bars: readonly PersistencePair[], top: number, isH1: boolean, totalScale: number): number[] {
  const finite = bars.filter((b) => Number.isFinite(b.death));
  const lengths = finite.map((b) => b.death - b.birth).sort((a, b) => b - a);
  const total = lengths.reduce((sum, l) => sum + l, 0);
  let entropy = 0;
  if (total > 0 && lengths.length > 1) {
    for (const l of lengths) if (l > 0) entropy -= (l / total) * Math.log(l / total);
  }
  const out = Array.from({ length: top }, (_, k) => lengths[k] ?? 0);
  out.push(total * totalScale, entropy * ENTROPY_SCALE);
  if (!isH1) {
    // The typical gap between neighbouring points, and how much the widest gap stands out from it.
    const median = lengths[Math.floor(lengths.length / 2)] ?? 0;
    out.push(median * H0_MEDIAN_SCALE, median > 0 ? Math.log(lengths[0] / median) * LOG_RATIO_SCALE : 0);
  }
  if (isH1) {
    let longest: PersistencePair | undefined;
    for (const b of finite) if (!longest || b.death - b.birth > longest.death - longest.birth) longest = b;
    out.push(longest?.birth ?? 0);
  }
  return out;
}
