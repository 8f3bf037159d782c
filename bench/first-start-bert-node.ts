/**
 * `vite-node bench/first-start-bert-node.ts -- <runs> [threads]`: BERT batch-32 throughput on the WASM
 * EP in this Node process (threads: env.wasmThreads, default one per core); prints one JSON line.
 */
import { env } from '../src/env';
import { bertBatchThroughput } from './first-start-bert';

const [runs, threads] = process.argv.slice(2).filter((a) => a !== '--');
if (threads) env.wasmThreads = Number(threads);
const result = await bertBatchThroughput(Number(runs ?? 10));
console.log(JSON.stringify(result));
process.exit();
