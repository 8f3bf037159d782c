import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { consumerLock } from './lockfile';

export const REPO = resolve(import.meta.dirname, '../../..');

/** The README's "Using it" code block, verbatim. */
export function readmeSnippet(): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const section = /^## Using it\n([\s\S]*?)^## /m.exec(readme);
  const code = section && /```ts\n([\s\S]*?)```/.exec(section[1]);
  if (!code) throw new Error('README.md has no ```ts block under "## Using it"');
  return code[1];
}

export interface Packed {
  file: string;
  path: string;
  /** npm's own figures for the tarball. */
  size: number;
  unpackedSize: number;
  files: string[];
}

/** `npm pack` of the built library (dist/ must exist: `npm run build`). */
export function packLibrary(into: string): Packed {
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', into], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [info] = JSON.parse(out) as Array<{ filename: string; size: number; unpackedSize: number; files: Array<{ path: string }> }>;
  return { file: info.filename, path: join(into, info.filename), size: info.size, unpackedSize: info.unpackedSize, files: info.files.map((f) => f.path) };
}

function versionOf(name: string): string {
  return (JSON.parse(readFileSync(join(REPO, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * A fresh consumer project in a temporary folder: the tarball installed with `npm ci --offline`
 * (nothing from the network), Vite and TypeScript as a web developer has them, and Dawn for Node.
 */
export function makeConsumer(): { dir: string; packed: Packed } {
  const dir = mkdtempSync(join(tmpdir(), 'aura-consumer-'));
  const packed = packLibrary(dir);
  cpSync(join(import.meta.dirname, 'files'), dir, { recursive: true });
  const snippet = readmeSnippet();
  writeFileSync(join(dir, 'src/readme.ts'), snippet);
  mkdirSync(join(dir, 'node'), { recursive: true });
  writeFileSync(join(dir, 'node/readme.mjs'), snippet);
  const dependencies = { 'aura-webgpu': `file:${packed.file}` };
  const devDependencies = { vite: versionOf('vite'), typescript: versionOf('typescript'), webgpu: versionOf('webgpu') };
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'aura-consumer', version: '1.0.0', private: true, type: 'module', dependencies, devDependencies }, null, 2));
  const lock = consumerLock({ repoLock: join(REPO, 'package-lock.json'), name: 'aura-consumer', tarball: { file: packed.file, path: packed.path }, dependencies, devDependencies });
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lock, null, 2));
  execFileSync('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
  return { dir, packed };
}
