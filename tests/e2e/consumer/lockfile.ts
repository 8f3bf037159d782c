import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** One entry of package-lock.json's `packages`. */
interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}

/**
 * A package-lock.json for a consumer project, so `npm ci --offline` installs it from the npm cache
 * alone: npm needs a registry's package documents to resolve version ranges, and the cache holds only
 * the tarballs the repository's own `npm ci` fetched. The lock names exact versions and integrities,
 * taken from this repository's lock (the same tree, so every tarball is cached), plus the packed
 * tarball of this package itself.
 */
export function consumerLock(options: {
  repoLock: string;
  name: string;
  tarball: { file: string; path: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}): Record<string, unknown> {
  const repo = JSON.parse(readFileSync(options.repoLock, 'utf8')) as { packages: Record<string, LockEntry> };
  const packed = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as LockEntry & { name: string };
  const aura: LockEntry = {
    version: packed.version,
    resolved: `file:${options.tarball.file}`,
    integrity: `sha512-${createHash('sha512').update(readFileSync(options.tarball.path)).digest('base64')}`,
    dependencies: packed.dependencies,
    peerDependencies: packed.peerDependencies,
    peerDependenciesMeta: packed.peerDependenciesMeta,
  };
  const packages: Record<string, LockEntry> = {
    '': { name: options.name, version: '1.0.0', dependencies: options.dependencies, devDependencies: options.devDependencies },
    [`node_modules/${packed.name}`]: aura,
  };
  // Node's resolution over the repository's tree: a nested copy first, then the hoisted one.
  const find = (name: string, from: string): string | undefined => {
    for (let base = from; ; ) {
      const key = `${base ? `${base}/` : ''}node_modules/${name}`;
      if (repo.packages[key]) return key;
      if (!base) return undefined;
      const at = base.lastIndexOf('/node_modules/');
      base = at >= 0 ? base.slice(0, at) : '';
    }
  };
  const pending: Array<{ name: string; from: string; optional: boolean }> = [];
  const need = (entry: LockEntry, from: string) => {
    for (const name of Object.keys(entry.dependencies ?? {})) pending.push({ name, from, optional: false });
    for (const name of Object.keys(entry.optionalDependencies ?? {})) pending.push({ name, from, optional: true });
    // npm installs required peers; an optional one only where something else asks for it.
    for (const name of Object.keys(entry.peerDependencies ?? {})) {
      if (!entry.peerDependenciesMeta?.[name]?.optional) pending.push({ name, from, optional: false });
    }
  };
  for (const name of [...Object.keys(options.dependencies), ...Object.keys(options.devDependencies)]) {
    if (name !== packed.name) pending.push({ name, from: '', optional: false });
  }
  need(aura, '');
  while (pending.length > 0) {
    const { name, from, optional } = pending.pop()!;
    const key = find(name, from);
    if (!key) {
      if (optional) continue;
      throw new Error(`consumerLock: ${name} (needed from '${from || 'the consumer'}') is not in the repository's lock`);
    }
    if (packages[key]) continue;
    const entry = { ...repo.packages[key] };
    // The consumer's tree is not the repository's: which packages are dev-only is npm's to recompute.
    delete entry.dev;
    delete entry.devOptional;
    packages[key] = entry;
    need(entry, key);
  }
  return { name: options.name, version: '1.0.0', lockfileVersion: 3, requires: true, packages };
}
