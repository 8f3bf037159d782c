import { existsSync, readFileSync } from 'node:fs';
import { EvalInputError } from '../types';

/** Written by the lang training side's data preparation (git-ignored). */
export const PREPARED_PATH = 'training/language/data/prepared.jsonl';
export const SOTU_PATH = 'training/language/data/sotu-heldout.jsonl';
export const PREPARE_COMMAND = '/usr/bin/python3 training/language/prepare.py';
/** Held-out splits the eval reports on (train is what the models and baselines learned from). */
export const EVAL_SPLITS = ['test', 'validation'] as const;
/** The SpamAssassin group of ham that looks like spam; its accuracy is reported alone. */
export const HARD_HAM_GROUP = 'hard-ham-1';

export interface Message {
  id: string;
  group: string;
  label: 0 | 1;
  split: 'train' | 'validation' | 'test';
  text: string;
}

export interface SotuParagraph {
  year: number;
  president: string;
  paragraph_index: number;
  text: string;
  sentences: string[];
}

export function requireSplit(split: string | undefined): (typeof EVAL_SPLITS)[number] {
  const name = split ?? 'test';
  if ((EVAL_SPLITS as readonly string[]).includes(name)) return name as (typeof EVAL_SPLITS)[number];
  throw new EvalInputError(`unknown split '${name}'`, `--split must be ${EVAL_SPLITS.join(' or ')} (the held-out splits of prepared.jsonl)`);
}

function readJsonl(path: string): unknown[] {
  if (!existsSync(path)) throw new EvalInputError(`${path} is missing`, `make it with: ${PREPARE_COMMAND}`);
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim().length > 0);
  return lines.map((line, i) => {
    try {
      return JSON.parse(line) as unknown;
    } catch {
      throw new EvalInputError(`${path} line ${i + 1} is not JSON`, `make the file again with: ${PREPARE_COMMAND}`);
    }
  });
}

/** The messages of `split`, in file order (the order the Python baselines use too). */
export function readMessages(split: string): Message[] {
  const rows = readJsonl(PREPARED_PATH);
  rows.forEach((r, i) => {
    const m = r as Partial<Message>;
    if (typeof m.id !== 'string' || typeof m.text !== 'string' || typeof m.group !== 'string' || (m.label !== 0 && m.label !== 1) || !['train', 'validation', 'test'].includes(m.split as string)) {
      throw new EvalInputError(`${PREPARED_PATH} line ${i + 1} is not {id, group, label: 0|1, split, text}`, `make the file again with: ${PREPARE_COMMAND}`);
    }
  });
  const held = (rows as Message[]).filter((m) => m.split === split);
  if (held.length === 0) throw new EvalInputError(`${PREPARED_PATH} has no messages in the ${split} split`, `make the file again with: ${PREPARE_COMMAND}`);
  return held;
}

export function readSotu(): SotuParagraph[] {
  const rows = readJsonl(SOTU_PATH) as SotuParagraph[];
  rows.forEach((p, i) => {
    if (typeof p.text !== 'string' || !Array.isArray(p.sentences) || p.sentences.some((s) => typeof s !== 'string')) {
      throw new EvalInputError(`${SOTU_PATH} line ${i + 1} is not {year, president, paragraph_index, text, sentences}`, `make the file again with: ${PREPARE_COMMAND}`);
    }
  });
  return rows;
}
