/**
 * The Node bench as one file for the GPU package (scripts/gpu-bench/pack.sh builds it): every suite
 * of bench/suites on Dawn, in the process's working directory (a checkout of this repository: the
 * models and fixtures are read from there), results to bench/results/gpu-<time>.json.
 * `node bench.mjs [--size small|full] [--only a,b]`; without --only every suite but the peer
 * (transformers.js needs onnxruntime-node, which the package leaves out for size).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runSuites } from '../../bench/run-suites';
import type { BenchSize } from '../../bench/types';
import { env } from '../../src/env';

const PACKAGE_LEAVES_OUT = ['peer'];
const suiteNames = Object.keys(import.meta.glob('../../bench/suites/*.bench.ts')).map((path) => path.replace(/^.*\/(.+)\.bench\.ts$/, '$1'));

const { values } = parseArgs({ options: { size: { type: 'string', default: 'full' }, only: { type: 'string', default: '' } } });
const size = values.size as BenchSize;
if (size !== 'small' && size !== 'full') throw new Error(`--size must be small or full, not ${values.size}`);
const only = values.only ? values.only.split(',') : suiteNames.filter((name) => !PACKAGE_LEAVES_OUT.includes(name));

// Every model (f32 weights too) from the checkout's public/models, not from beside this file.
env.modelBase = resolve('public/models') + '/';
console.log(`node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), suites: ${only.join(', ')}`);
const started = new Date();
const report = await runSuites('node', size, only, (line) => console.log(line));
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/gpu-${started.toISOString().replace(/[:.]/g, '-')}.json`;
const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, platform: process.platform, node: process.version };
writeFileSync(file, JSON.stringify({ started: started.toISOString(), size, machine, reports: [report] }, null, 2));
console.log(`results written to ${file}`);
if (report.failures.length > 0) {
  console.error(`${report.failures.length} suite(s) failed: ${report.failures.map((f) => f.suite).join(', ')}`);
  process.exitCode = 1;
}
// Dawn keeps native handles open; end the process once the report is written.
process.exit();
