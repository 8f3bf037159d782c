import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../../src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('error class names survive a minifier', () => {
  // A consumer's bundler renames classes, so `new.target.name` would give 'o': each error class names
  // itself in a string field (the consumer e2e test sees the names from a minified build).
  it('every class that extends an error class sets `name` to its own name, as a string', () => {
    const classes = sources(SRC).flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return [...text.matchAll(/class (\w+) extends (\w*Error) \{\n([^\n]*)/g)].map(([, name, base, firstLine]) => ({ file, name, base, firstLine }));
    });
    expect(classes.length).toBeGreaterThan(20);
    // AuraError itself names itself in its constructor (src/errors.ts).
    for (const c of classes.filter((c) => c.name !== 'AuraError')) expect(c.firstLine.trim(), `${c.name} in ${c.file}`).toBe(`override readonly name: string = '${c.name}';`);
  });
});
