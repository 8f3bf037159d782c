import { describe, expect, it } from 'vitest';
import { randomScenario, runScenario } from '../../../src/services/consensus/simulator';
import { SCENARIOS } from './scenario-count';

// The simulator signs with SimulatedSigner (fast, same interface); real Ed25519 is tested in ed25519.test.ts.
describe('PBFT under the seeded simulator', () => {
  it(`keeps safety and liveness in ${SCENARIOS} random scenarios (drop, delay, reorder, duplicate, partitions, crash, twins, byzantine members)`, async () => {
    const failures: string[] = [];
    let twins = 0;
    let byzantine = 0;
    const crafted: Record<string, number> = {};
    let crashes = 0;
    let viewChanges = 0;
    let truncated = 0;
    for (let seed = 1; seed <= SCENARIOS; seed++) {
      const scenario = randomScenario(seed);
      twins += scenario.faulty.filter((x) => x.kind === 'twin').length;
      byzantine += scenario.faulty.filter((x) => x.kind === 'byzantine').length;
      crashes += scenario.faulty.filter((x) => x.kind === 'crash').length;
      const result = await runScenario(scenario);
      viewChanges += result.maxView > 0 ? 1 : 0;
      for (const [k, v] of Object.entries(result.rejected)) crafted[k] = (crafted[k] ?? 0) + v;
      truncated += result.stableCheckpoint > 0 ? 1 : 0;
      if (!result.safety || !result.liveness) failures.push(`seed ${seed}: ${result.violations.join('; ')}`);
    }
    expect(failures).toEqual([]);
    // The scenarios really exercised the faults they claim to.
    const per = SCENARIOS / 1000;
    expect(twins).toBeGreaterThan(50 * per);
    expect(byzantine).toBeGreaterThan(50 * per);
    expect(crashes).toBeGreaterThan(50 * per);
    expect(viewChanges).toBeGreaterThan(50 * per);
    expect(truncated).toBeGreaterThan(100 * per);
    // Byzantine members' crafted messages were seen and refused for what they are.
    for (const kind of ['wrongSender', 'invalidProof', 'stale', 'replay', 'equivocation']) expect(crafted[kind], kind).toBeGreaterThan(0);
  }, 1_200_000);

  it('catches the broken variant (quorum 2f instead of 2f+1) with a safety violation', async () => {
    let found: string | null = null;
    for (let seed = 1; seed <= 1000 && !found; seed++) {
      const scenario = randomScenario(seed);
      const f = Math.floor((scenario.n - 1) / 3);
      const result = await runScenario({ ...scenario, config: { ...scenario.config, quorum: 2 * f } });
      if (!result.safety) found = `seed ${seed}: ${result.violations[0]}`;
    }
    expect(found).not.toBeNull();
    expect(found).toMatch(/safety/);
  }, 120_000);

  it('is deterministic: one seed gives one outcome', async () => {
    const a = await runScenario(randomScenario(42));
    const b = await runScenario(randomScenario(42));
    expect(a).toEqual(b);
  });

  it('makes progress after the primary crashes for good (view change)', async () => {
    const scenario = randomScenario(7, {
      n: 4, faulty: [{ id: 0, kind: 'crash', at: 0, recoverAt: null }], partitions: [], dropRate: 0, duplicateRate: 0,
      requests: [1, 2, 3].map((k) => ({ at: 10 * k, client: k, value: `v${k}` })),
    });
    const result = await runScenario(scenario);
    expect(result.violations).toEqual([]);
    expect(result.committed).toBe(3);
  });

  it('keeps committing while a replica is down across several checkpoints and after it recovers', async () => {
    const scenario = randomScenario(11, {
      n: 4, faulty: [{ id: 3, kind: 'crash', at: 0, recoverAt: 3000 }], partitions: [], dropRate: 0, duplicateRate: 0, healAt: 100,
      requests: [...Array(12).keys()].map((k) => ({ at: 10 + 20 * k, client: 1 + (k % 2), value: `v${k}` })),
      config: { checkpointInterval: 2, batchMax: 1, requestTimeoutMs: 150 },
    });
    scenario.requests.push({ at: 3500, client: 1, value: 'after-recovery' });
    const result = await runScenario(scenario);
    expect(result.violations).toEqual([]);
    expect(result.committed).toBe(13);
  });
});
