/**
 * `npm run eval -- <expert> [<expert> …] [--gpu] [--split test|validation]`
 * Runs the committed default models through the runtime itself on their held-out test splits, prints
 * one table per expert next to baselines measured in the same run, and writes eval/results/<expert>.json
 * (<expert>-gpu.json with --gpu).
 * Each expert's evaluation lives in eval/<expert>.ts and exports `evaluate(options)`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AuraError } from '../src/errors';
import type { EvalOptions, EvalReport } from './types';

/** One line per expert: its evaluation module. */
const EXPERTS: Record<string, () => Promise<{ evaluate(options: EvalOptions): Promise<EvalReport> }>> = {
  language: () => import('./language'),
  shape: () => import('./shape'),
  neuromorphic: () => import('./neuromorphic'),
  lnn: () => import('./lnn'),
  router: () => import('./router'),
};

function usage(message: string): never {
  console.error(`eval: ${message}\nusage: npm run eval -- <${Object.keys(EXPERTS).join('|')}> … [--gpu] [--split test|validation]`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({ options: { gpu: { type: 'boolean', default: false }, split: { type: 'string' } }, allowPositionals: true });
} catch (error) {
  usage((error as Error).message);
}
const names = parsed.positionals;
if (names.length === 0) usage('name at least one expert');
for (const name of names) if (!(name in EXPERTS)) usage(`unknown expert '${name}'`);

mkdirSync('eval/results', { recursive: true });
for (const name of names) {
  const { evaluate } = await EXPERTS[name]();
  let report: EvalReport;
  try {
    report = await evaluate({ gpu: parsed.values.gpu!, split: parsed.values.split });
  } catch (error) {
    // Bad input (missing data, a wrong split, a corrupted model file) is the caller's to fix: exit 2.
    if (!(error instanceof AuraError)) throw error;
    console.error(`eval ${name}: ${error.name} [${error.code}]: ${error.message}`);
    process.exit(2);
  }
  console.log(`\n## ${name} (${report.machine})\n`);
  console.log(report.table);
  const file = `eval/results/${name}${parsed.values.gpu ? '-gpu' : ''}.json`;
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  console.log(`\nwrote ${file}`);
}
