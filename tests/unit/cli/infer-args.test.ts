import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const run = (args: string[]) =>
  promisify(execFile)(resolve(ROOT, 'node_modules/.bin/vite-node'), ['src/cli/infer.ts', '--', ...args], { cwd: ROOT, timeout: 60_000 }).then(
    () => ({ code: 0, stderr: '' }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );

describe('npm run infer: a mistyped command line gets a usage message and exit code 2, no stack trace', () => {
  it.each([
    [['--series', ''], /--series must be finite numbers/],
    [['--series', '1,,2'], /--series must be finite numbers/],
    [['--bogus', '1'], /Unknown option '--bogus'/],
    [['--text', '   '], /--text is empty/],
    [['--text', 'x', '--timeout-ms', ''], /--timeout-ms must be a positive whole number/],
  ])('%j', async (args, message) => {
    const { code, stderr } = await run(args as string[]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toContain('usage: npm run infer');
    expect(stderr).not.toMatch(/\n\s+at /); // no stack frames
  });
});
