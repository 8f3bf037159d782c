/** What every expert's evaluation takes and gives back. */
import { AuraError } from '../src/errors';

export interface EvalOptions {
  /** Run the runtime's GPU path (Dawn in Node, or the WebGPU EP in Chromium) instead of the CPU path. */
  gpu: boolean;
  /** The held-out split to report (default 'test'; an expert may refuse others). */
  split?: string;
}

/** Bad input to an evaluation (missing data, an unknown split): `npm run eval` prints it and exits 2. */
export class EvalInputError extends AuraError {
  constructor(message: string, hint: string) {
    super('EVAL_INPUT', message, hint);
  }
}

export interface EvalReport {
  /** The machine and adapter the figures were measured on, in words. */
  machine: string;
  /** The table as printed (Markdown). */
  table: string;
  /** Every figure in the table, and whatever else the expert reports, as data. */
  [key: string]: unknown;
}
