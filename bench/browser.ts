import { runSuites } from './run-suites';
import type { BenchSize } from './types';

// Called by bench/run.ts through Playwright; lines stream to the terminal through console.log.
(window as unknown as { runBench: unknown }).runBench = (size: BenchSize, only: string[]) =>
  runSuites('browser', size, only, (line) => console.log(line));
(window as unknown as { benchReady: boolean }).benchReady = true;
