import { describe, expect, it } from 'vitest';
import { PLANTED_BUGS } from '../../../src/services/consensus/planted-bugs';
import { randomScenario, runScenario } from '../../../src/services/consensus/simulator';

/**
 * The mutation check: each planted bug (src/services/consensus/planted-bugs.ts) runs through the same
 * seeded scenarios as the correct replica, which passes all of them (simulator.test.ts); the
 * simulator must report a safety or liveness failure for the bug within the CI's 5,000 scenarios. It
 * stops at the first failure, so a caught bug costs only the scenarios up to it.
 */
const LIMIT = Number(process.env.AURA_MUTATION_SEEDS ?? 5_000);

describe('the simulator catches every planted bug', () => {
  for (const bug of PLANTED_BUGS) {
    it(bug, async () => {
      let caught: string | null = null;
      for (let seed = 1; seed <= LIMIT && !caught; seed++) {
        const scenario = randomScenario(seed);
        const result = await runScenario({ ...scenario, config: { ...scenario.config, plantedBug: bug } });
        if (!result.safety || !result.liveness) caught = `seed ${seed}: ${result.violations[0]}`;
      }
      console.log(`${bug}: ${caught ?? "not caught"}`);
      expect(caught, `${bug} was not caught in ${LIMIT} scenarios`).not.toBeNull();
    }, 1_200_000);
  }
});
