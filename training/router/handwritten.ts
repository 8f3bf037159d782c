/**
 * The hand-written request sets, with the series their `attach` names (written by
 * training/router/generate.py): data/router/handwritten.jsonl (HELD OUT: scored by
 * `npm run eval -- router` only, never trained on, never used to choose anything) and
 * data/router/validation-handwritten.jsonl (a second set, written before any held-out failure was
 * read; the training script chooses the L2 strength and the no-fit threshold on it beside the
 * generated validation split).
 */
import { readFileSync } from 'node:fs';
import { parseLabelledRequests, type LabelledRequest } from '../../src/services/router/dataset';

const root = new URL('../../', import.meta.url);

export const HANDWRITTEN_SETS = {
  heldOut: { requests: 'data/router/handwritten.jsonl', series: 'data/router/handwritten-series.json' },
  validation: { requests: 'data/router/validation-handwritten.jsonl', series: 'data/router/validation-handwritten-series.json' },
} as const;

export function handwrittenRequests(set: keyof typeof HANDWRITTEN_SETS): LabelledRequest[] {
  const files = HANDWRITTEN_SETS[set];
  const series = JSON.parse(readFileSync(new URL(files.series, root), 'utf8')) as Record<string, number[]>;
  const lines = readFileSync(new URL(files.requests, root), 'utf8').split('\n').filter((l) => l.trim());
  const rows = lines.map((line) => {
    const r = JSON.parse(line) as { id: string; text?: string; attach?: string; services: string[] };
    if (r.attach && !series[r.id]) throw new Error(`hand-written request ${r.id} has no attached series: run /usr/bin/python3 training/router/generate.py`);
    return JSON.stringify({ id: r.id, text: r.text, series: r.attach ? series[r.id] : undefined, services: r.services, split: set === 'heldOut' ? 'test' : 'validation' });
  });
  return parseLabelledRequests(rows.join('\n'));
}
