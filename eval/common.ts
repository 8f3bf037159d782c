/** What the expert evaluations share: the Python baselines, the machine line, table formatting. */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { acquireGpu, type GpuContext } from '../src/gpu/device';

/**
 * Runs one of eval/baselines/*.py under /usr/bin/python3 (torch-free: numpy and sklearn) and parses the
 * JSON it prints. Missing data or Python: a clear message and exit code 2.
 */
export function runBaseline<T>(script: string, args: string[] = []): T {
  let text: string;
  try {
    text = execFileSync('/usr/bin/python3', [script, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? (error as Error).message).trim();
    console.error(`eval: ${script} failed (the data are training-only: run npm ci in training/; sklearn ships the digits):\n${stderr}`);
    process.exit(2);
  }
  return JSON.parse(text) as T;
}

/** The GPU context when asked for (Dawn in Node), else undefined (the CPU path). */
export async function evalGpu(gpu: boolean): Promise<GpuContext | undefined> {
  return gpu ? acquireGpu() : undefined;
}

export function machineLine(ctx: GpuContext | undefined): string {
  const host = `${cpus().length}-core CPU machine (${cpus()[0]?.model ?? 'unknown CPU'})`;
  if (!ctx) return `${host}, CPU path in Node`;
  const a = ctx.adapter;
  return `${host}, GPU path in Node (Dawn), adapter ${[a.vendor, a.architecture].filter(Boolean).join(' ')}${a.isFallback ? ' fallback' : ''}`;
}

export function markdownTable(head: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

export const fixed = (x: number, digits = 1) => x.toFixed(digits);
