/**
 * `npm run eval -- <expert> [<expert> …] [--gpu]`
 * Runs the committed default models through the runtime itself on their held-out test splits, prints
 * one table per expert next to baselines measured in the same run, and writes eval/results/<expert>.json
 * (<expert>-gpu.json with --gpu).
 * Each expert's evaluation lives in eval/<expert>.ts and exports `evaluate(options)`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { EvalOptions, EvalReport } from './types';

/** One line per expert: its evaluation module. */
const EXPERTS: Record<string, () => Promise<{ evaluate(options: EvalOptions): Promise<EvalReport> }>> = {
  shape: () => import('./shape'),
  neuromorphic: () => import('./neuromorphic'),
  lnn: () => import('./lnn'),
};

function usage(message: string): never {
  console.error(`eval: ${message}\nusage: npm run eval -- <${Object.keys(EXPERTS).join('|')}> … [--gpu]`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({ options: { gpu: { type: 'boolean', default: false } }, allowPositionals: true });
} catch (error) {
  usage((error as Error).message);
}
const names = parsed.positionals;
if (names.length === 0) usage('name at least one expert');
for (const name of names) if (!(name in EXPERTS)) usage(`unknown expert '${name}'`);

mkdirSync('eval/results', { recursive: true });
for (const name of names) {
  const { evaluate } = await EXPERTS[name]();
  const report = await evaluate({ gpu: parsed.values.gpu! });
  console.log(`\n## ${name} (${report.machine})\n`);
  console.log(report.table);
  const file = `eval/results/${name}${parsed.values.gpu ? '-gpu' : ''}.json`;
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  console.log(`\nwrote ${file}`);
}
