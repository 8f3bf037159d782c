/** What every expert's evaluation takes and gives back. */
export interface EvalOptions {
  /** Run the runtime's GPU path (Dawn in Node) instead of the CPU path. */
  gpu: boolean;
}

export interface EvalReport {
  /** The machine and adapter the figures were measured on, in words. */
  machine: string;
  /** The table as printed (Markdown). */
  table: string;
  /** Every figure in the table, and whatever else the expert reports, as data. */
  [key: string]: unknown;
}
