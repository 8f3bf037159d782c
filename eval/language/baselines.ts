import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EvalInputError } from '../types';
import { PREPARED_PATH } from './data';
import type { RecallTask } from './sotu';

/** Debian's Python, which has scikit-learn (the `python3` first on PATH may not). */
export const PYTHON = process.env.AURA_PYTHON ?? '/usr/bin/python3';
const SCRIPT = 'eval/language/baselines.py';

/** One baseline: the setting the validation split chose, its accuracy there, and its predictions. */
export interface BaselineModel {
  params: Record<string, number | boolean>;
  validationAccuracy: number;
  predictions: number[];
}

export interface BaselineResults {
  sklearn: string;
  classification: {
    ids: string[];
    features: number;
    naiveBayes: BaselineModel;
    logisticRegression: BaselineModel;
  };
  tfidfRecallRanks: number[];
}

/** Runs eval/language/baselines.py (scikit-learn) on the same split and the same recall task. */
export function runBaselines(split: string, task: RecallTask): BaselineResults {
  const dir = mkdtempSync(join(tmpdir(), 'aura-eval-'));
  try {
    const taskFile = join(dir, 'sotu-task.json');
    writeFileSync(taskFile, JSON.stringify(task));
    const run = spawnSync(PYTHON, [SCRIPT, PREPARED_PATH, split, taskFile], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (run.error) throw new EvalInputError(`cannot run ${PYTHON}: ${run.error.message}`, 'install python3 with scikit-learn (Debian: apt-get install python3-sklearn), or set AURA_PYTHON');
    if (run.status !== 0) throw new EvalInputError(`${SCRIPT} failed (exit ${run.status}): ${run.stderr.trim()}`, 'check that scikit-learn is installed for that interpreter');
    return JSON.parse(run.stdout) as BaselineResults;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
