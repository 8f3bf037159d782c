/**
 * Writes tests/fixtures/lnn-cpu/before.json: the f32 bits of the CPU LNN paths' results on
 * CPU_EXACT_CASES. Run once on the commit before the loop changes (`npx vite-node tests/unit/lnn/write-cpu-fixture.ts`).
 */
import { writeFileSync } from 'node:fs';
import { CPU_EXACT_CASES, f32Bits, runCpuCase } from './cpu-exact-cases';

const out = CPU_EXACT_CASES.map((c) => {
  const r = runCpuCase(c);
  return { name: c.name, output: f32Bits(r.output), trajectory: f32Bits(r.trajectory), state: f32Bits(r.state) };
});
writeFileSync('tests/fixtures/lnn-cpu/before.json', JSON.stringify(out, null, 1) + '\n');
console.log(`wrote ${out.length} cases`);
