import type { RipsDiagram } from './rips-persistence';
import { persistenceLandscape, type ShapeOptions } from './shape';

/**
 * The shape signature: the persistence landscapes (Bubenik 2015) of H0 and of H1, each λ1..λL sampled
 * at S points of [0, maxScale], concatenated (H0 scaled by h0Weight). Landscapes rather than
 * persistence images: they are stable (1-Lipschitz in the bottleneck distance, so noise moves them
 * little), need no kernel bandwidth or weighting function to choose, keep the order of the bars
 * (λ1 is the most persistent loop: a rhythm's), and H0's landscape is what version 1 stored, so the two
 * versions share one definition. The L2 distance between signatures is the distance the search ranks by.
 */
export const SHAPE_SIGNATURE_VERSION = 2;

export type SignatureOptions = Pick<ShapeOptions, 'levels' | 'samples' | 'maxScale' | 'h0Weight'>;

export function shapeSignatureLength(options: Pick<ShapeOptions, 'levels' | 'samples'>): number {
  return 2 * options.levels * options.samples;
}

export function shapeSignature(diagram: Pick<RipsDiagram, 'h0' | 'h1'>, options: SignatureOptions): Float32Array {
  const half = options.levels * options.samples;
  const out = new Float32Array(2 * half);
  const h0 = persistenceLandscape(diagram.h0, options);
  for (let x = 0; x < half; x++) out[x] = options.h0Weight * h0[x];
  out.set(persistenceLandscape(diagram.h1, options), half);
  return out;
}
