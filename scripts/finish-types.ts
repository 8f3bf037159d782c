/**
 * Makes dist/types usable by every consumer's `moduleResolution` (bundler, node16, nodenext), after
 * `tsc -p tsconfig.lib.json` wrote it. Run by `npm run build`.
 * - node16/nodenext resolve a relative import only with its file extension, while the sources (and so
 *   tsc's output) import without one: each relative specifier gets `.js`, or `/index.js` for a folder.
 * - The API names WebGPU types (GPUDevice, …), which are in no TypeScript lib: the entry references
 *   `@webgpu/types`, a dependency of the package for that reason.
 */
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../dist/types');
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}(?:\/[^'"]*)?)\2/g;

function* declarationFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* declarationFiles(path);
    else if (name.endsWith('.d.ts')) yield path;
  }
}

/** `./x` → `./x.js` where x.d.ts exists, `./x/index.js` where x/index.d.ts does; else an error. */
export function withExtension(file: string, specifier: string): string {
  if (/\.(js|mjs|cjs|json)$/.test(specifier)) return specifier;
  const target = resolve(dirname(file), specifier);
  if (specifier.endsWith('/')) specifier = specifier.slice(0, -1);
  if (existsSync(`${target}.d.ts`)) return `${specifier}.js`;
  if (existsSync(join(target, 'index.d.ts'))) return `${specifier}/index.js`;
  throw new Error(`finish-types: ${file} imports ${specifier}, which has no declaration file`);
}

if (!existsSync(ROOT)) throw new Error('finish-types: dist/types does not exist; run tsc -p tsconfig.lib.json first');
let rewritten = 0;
for (const file of declarationFiles(ROOT)) {
  const text = readFileSync(file, 'utf8');
  const next = text.replace(SPECIFIER, (_, lead: string, quote: string, specifier: string) => {
    rewritten++;
    return `${lead}${quote}${withExtension(file, specifier)}${quote}`;
  });
  if (next !== text) writeFileSync(file, next);
}
const entry = join(ROOT, 'index.d.ts');
const reference = '/// <reference types="@webgpu/types" />\n';
const entryText = readFileSync(entry, 'utf8');
if (!entryText.startsWith(reference)) writeFileSync(entry, reference + entryText);
console.log(`finish-types: ${rewritten} relative imports in dist/types now name their files`);
