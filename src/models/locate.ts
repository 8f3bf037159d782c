import { env } from '../env';
import { InvalidInputError, ModelLoadError } from '../errors';
import { packagedModelUrl } from './packaged';

/** A model name or a file path segment: letters, digits, '.', '_' and '-', never '.' or '..'. */
const SEGMENT = /^(?!\.\.?$)[A-Za-z0-9._-]+$/;

/**
 * Where a model file is: `<env.modelBase><name>/<file>`, or (the default) the file shipped in the
 * package. Every loader of a default model asks here, so `env` moves them all.
 */
export function modelUrl(name: string, file: string): string {
  requireSegments('model name', name, 1);
  requireSegments('model file', file, 2);
  const base = env.modelBase;
  if (base === undefined || base === '') {
    const url = packagedModelUrl(name, file);
    // A bundler that rewrote the expression maps only the files it found; any other key gives `undefined`.
    if (url.pathname.endsWith('/undefined')) {
      throw new ModelLoadError(`model file ${name}/${file} is not among the files the bundler copied from the package`, `check public/models/${name}/${file} exists in the installed package, or set env.modelBase`);
    }
    return url.href;
  }
  return new URL(`${name}/${file}`, baseUrl(String(base))).href;
}

/** The base as an absolute URL ending in '/': a URL, a path relative to the page, or in Node a file path. */
function baseUrl(base: string): URL {
  const withSlash = base.endsWith('/') ? base : `${base}/`;
  if (/^[a-z][a-z0-9+.-]*:/i.test(withSlash)) return new URL(withSlash);
  const page = (globalThis as { location?: { href: string } }).location?.href;
  if (page) return new URL(withSlash, page);
  const path = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:path') as typeof import('node:path') | undefined;
  const url = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:url') as typeof import('node:url') | undefined;
  if (!path || !url) throw new InvalidInputError(`env.modelBase '${base}' is a relative path, and there is no page or file system to resolve it against`, 'set env.modelBase to an absolute URL');
  return new URL(url.pathToFileURL(path.resolve(withSlash)).href + '/');
}

function requireSegments(what: string, value: string, most: number): void {
  const parts = typeof value === 'string' ? value.split('/') : [];
  if (parts.length === 0 || parts.length > most || !parts.every((p) => SEGMENT.test(p))) {
    throw new InvalidInputError(`${what} is ${JSON.stringify(value)}`, `a ${what} is ${most === 1 ? 'one path segment' : `at most ${most} path segments`} of letters, digits, '.', '_' and '-'`);
  }
}
