import { describe, expect, it } from 'vitest';
import { PLANTED_BUGS } from '../../../src/services/consensus/planted-bugs';
import { randomScenario, runScenario } from '../../../src/services/consensus/simulator';
import { SCENARIOS } from './scenario-count';

/**
 * The mutation check: each planted bug (src/services/consensus/planted-bugs.ts) runs through the same
 * seeded scenarios as the correct replica, which passes all of them (simulator.test.ts); the
 * simulator must report a safety or liveness failure for every bug within those scenarios.
 */
describe('the simulator catches every planted bug', () => {
  for (const bug of PLANTED_BUGS) {
    it(bug, async () => {
      let caught: string | null = null;
      for (let seed = 1; seed <= SCENARIOS && !caught; seed++) {
        const scenario = randomScenario(seed);
        const result = await runScenario({ ...scenario, config: { ...scenario.config, plantedBug: bug } });
        if (!result.safety || !result.liveness) caught = `seed ${seed}: ${result.violations[0]}`;
      }
      expect(caught, `${bug} was not caught in ${SCENARIOS} scenarios`).not.toBeNull();
    }, 600_000);
  }
});
