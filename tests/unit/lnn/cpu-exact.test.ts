import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CPU_EXACT_CASES, f32Bits, runCpuCase } from './cpu-exact-cases';

/** f32 bits of the plain loops' results (commit 8d9b07c), written by write-cpu-fixture.ts. */
const before: Array<{ name: string; output: string; trajectory: string; state: string }> = JSON.parse(readFileSync('tests/fixtures/lnn-cpu/before.json', 'utf8'));

describe('CPU LNN paths (four-output linear, source-major LTC loops) are bit-exact with the loops they replaced', () => {
  for (const c of CPU_EXACT_CASES) {
    it(c.name, () => {
      const want = before.find((b) => b.name === c.name);
      expect(want, 'case missing from the fixture').toBeDefined();
      const got = runCpuCase(c);
      expect(f32Bits(got.output)).toBe(want!.output);
      expect(f32Bits(got.trajectory)).toBe(want!.trajectory);
      expect(f32Bits(got.state)).toBe(want!.state);
    });
  }
});
