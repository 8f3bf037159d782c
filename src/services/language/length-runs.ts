/** Rows of up to this many tokens share one run whatever their lengths (their padding is cheap). */
export const SHORT_ROW = 32;
/** A run closes before a row longer than this × the run's first (shortest) row. */
export const RUN_LENGTH_SPREAD = 1.5;

export interface LengthRun<T> {
  rows: T[];
  /** Each row's index in the input. */
  at: number[];
}

/**
 * Splits rows into runs of at most `maxRows`, grouped by length. A run pads every row to its longest,
 * so a batch of texts of 30 to 240 tokens run together computes about twice their tokens; taken
 * shortest first, with a run closing before a row RUN_LENGTH_SPREAD × longer than its first, no run
 * pads a row past 1.5× its length (short rows excepted). Ties keep their input order.
 */
export function runsByLength<T>(rows: readonly T[], lengthOf: (row: T) => number, maxRows: number): LengthRun<T>[] {
  const order = rows.map((_, i) => i).sort((a, b) => lengthOf(rows[a]) - lengthOf(rows[b]) || a - b);
  const runs: LengthRun<T>[] = [];
  let limit = 0;
  for (const i of order) {
    const length = lengthOf(rows[i]);
    let run = runs[runs.length - 1];
    if (!run || run.rows.length === maxRows || length > limit) {
      run = { rows: [], at: [] };
      runs.push(run);
      limit = Math.max(SHORT_ROW, Math.ceil(length * RUN_LENGTH_SPREAD));
    }
    run.rows.push(rows[i]);
    run.at.push(i);
  }
  return runs;
}
