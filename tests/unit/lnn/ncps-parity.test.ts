import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadNcpsModel } from '../../../src/services/lnn/ncps-format';
import { LnnService } from '../../../src/services/lnn/service';
import { autoNcpWiring, fullyConnectedWiring } from '../../../src/services/lnn/wirings';
import { maxAbsDiff, withGpu } from '../../helpers/gpu';

// ncps's own CfC / LTC and wirings, built with ncps's defaults, saved as users hold them (constructor
// arguments, wiring.get_config() without adjacency, state_dict), run from an initial hx:
// tests/fixtures/ncps/make_fixtures.py.
interface Case {
  name: string;
  file: unknown;
  input: number[][][];
  hx: number[][];
  timespans?: number[][];
  output: number[][][];
  hn: number[][];
}
interface AutoNcpCase {
  units: number;
  output_size: number;
  sparsity_level: number;
  seed: number;
  input_dim: number;
  adjacency_matrix: number[][];
  sensory_adjacency_matrix: number[][];
}
interface FullyConnectedCase {
  units: number;
  output_dim: number | null;
  erev_init_seed: number;
  self_connections: boolean;
  input_dim: number;
  adjacency_matrix: number[][];
  sensory_adjacency_matrix: number[][];
}
const { cases, autoNcp, fullyConnected } = JSON.parse(readFileSync(new URL('../../fixtures/ncps/ncps-models.json', import.meta.url), 'utf8')) as {
  cases: Case[];
  autoNcp: AutoNcpCase[];
  fullyConnected: FullyConnectedCase[];
};

/** ncps computes in float32; measured here: ≤ 1.5e-7 (CPU path), ≤ 2.4e-7 (GPU path, SwiftShader). */
const NCPS_TOLERANCE = 1e-6;

describe('ncps models as users hold them = ncps, from an initial hx, on both paths', () => {
  for (const c of cases) {
    it(c.name, () =>
      withGpu(async (ctx) => {
        const model = loadNcpsModel(JSON.parse(JSON.stringify(c.file)));
        for (const svc of [new LnnService(null, { backend: 'cpu', model }), new LnnService(ctx, { backend: 'gpu', model })]) {
          try {
            const session = svc.createSession({ batch: c.input.length, hx: c.hx });
            const r = await svc.infer({ sequence: c.input, timespans: c.timespans, session, returnDynamics: false });
            expect(r.shape).toEqual([c.output.length, c.output[0].length, c.output[0][0].length]);
            expect(maxAbsDiff(r.output, c.output.flat(2)), svc.path).toBeLessThanOrEqual(NCPS_TOLERANCE);
            expect(maxAbsDiff(await svc.sessionState(session), c.hn.flat()), svc.path).toBeLessThanOrEqual(NCPS_TOLERANCE);
          } finally {
            svc.destroy();
          }
        }
      }));
  }
});

describe('AutoNCP / FullyConnected models whose state_dict lacks the sparsity masks (trainable parameters only): rebuilt from the seed', () => {
  for (const c of cases.filter((x) => x.file && !x.name.startsWith('CfC(3, 6') && !x.name.includes('gelu') && !x.name.includes('NCP(5'))) {
    it(c.name, async () => {
      const file = JSON.parse(JSON.stringify(c.file)) as { state_dict: Record<string, unknown> };
      for (const key of Object.keys(file.state_dict)) if (key.endsWith('sparsity_mask')) delete file.state_dict[key];
      const svc = new LnnService(null, { backend: 'cpu', model: loadNcpsModel(file) });
      const r = await svc.infer({ sequence: c.input, timespans: c.timespans, hx: c.hx, returnDynamics: false });
      expect(maxAbsDiff(r.output, c.output.flat(2))).toBeLessThanOrEqual(NCPS_TOLERANCE);
    });
  }
});

describe("autoNcpWiring = ncps's AutoNCP(units, output_size, sparsity_level, seed).build(input_dim), synapse for synapse", () => {
  for (const w of autoNcp) {
    it(`AutoNCP(${w.units}, ${w.output_size}, sparsity_level=${w.sparsity_level}, seed=${w.seed}), ${w.input_dim} inputs`, () => {
      // numpy's RandomState(seed) draws reproduced (numpy-random.ts): polarity included.
      const ours = autoNcpWiring(w.units, w.output_size, w.input_dim, { sparsityLevel: w.sparsity_level, seed: w.seed });
      expect(Array.from(ours.adjacency)).toEqual(w.adjacency_matrix.flat());
      expect(Array.from(ours.sensoryAdjacency)).toEqual(w.sensory_adjacency_matrix.flat());
    });
  }
});

describe("fullyConnectedWiring = ncps's FullyConnected(units, output_dim, erev_init_seed, self_connections).build(input_dim)", () => {
  for (const w of fullyConnected) {
    it(`FullyConnected(${w.units}, ${w.output_dim}, erev_init_seed=${w.erev_init_seed}, self_connections=${w.self_connections}), ${w.input_dim} inputs`, () => {
      // numpy's default_rng(seed) (SeedSequence, PCG64, Lemire's bounded integers) reproduced (numpy-generator.ts).
      const ours = fullyConnectedWiring(w.units, w.input_dim, { outputDim: w.output_dim ?? undefined, seed: w.erev_init_seed, selfConnections: w.self_connections });
      expect(Array.from(ours.adjacency)).toEqual(w.adjacency_matrix.flat());
      expect(Array.from(ours.sensoryAdjacency)).toEqual(w.sensory_adjacency_matrix.flat());
      expect(ours.outputDim).toBe(w.output_dim ?? w.units);
    });
  }
});
