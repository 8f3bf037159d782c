import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { EDGE_HEADERS } from '../core/isolation';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { sendJson, sendProblem } from './http-json';

/**
 * The remote (L3) tier's server: content-addressed blobs in a folder, over plain HTTP.
 *   GET  /blobs/<sha256>  → the bytes (404 when absent); served as stored, the client verifies them
 *   PUT  /blobs/<sha256>  → stores the body if it hashes to the name (400 otherwise), 201; needs
 *                           `authorization: Bearer <token>`, the token set at start (no token: PUTs are off)
 *   OPTIONS               → CORS preflight, answered for the origins allowed at start only (no wildcard)
 * Errors are JSON ({ error: { code, message, hint } }); a wrong method is 405 with `Allow`.
 * The edge node mounts `handleBlobRequest`; tests start it alone with `startBlobServer`.
 */
export interface BlobServerOptions {
  dir: string;
  /** Bearer token a PUT must carry; without one, uploads are refused (403). */
  token?: string;
  /** Origins (scheme://host:port) whose pages may read and write blobs across origins (CORS). */
  allowOrigins?: readonly string[];
  /** Largest blob a PUT may upload, in bytes (default 16 MiB: the memory service's default maxValueBytes). */
  maxBlobBytes?: number;
}

export interface BlobServer {
  url: string;
  port: number;
  dir: string;
  close(): Promise<void>;
}

const BLOB_PATH = /^\/blobs\/([0-9a-f]{64})$/;
export const DEFAULT_MAX_BLOB_BYTES = 16 * 1024 * 1024;
const ALLOW = 'GET, PUT, OPTIONS';

export async function startBlobServer(options: BlobServerOptions & { port?: number; host?: string }): Promise<BlobServer> {
  await mkdir(options.dir, { recursive: true });
  const server = createServer((req, res) => {
    handleBlobRequest(options, req, res).catch((error: unknown) => {
      console.error(error);
      if (!res.headersSent) sendProblem(res, 500, 'INTERNAL', 'the blob server failed; see its log', '');
      else res.destroy();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    dir: options.dir,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** Handles one request under /blobs/. */
export async function handleBlobRequest(options: BlobServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const origin = req.headers.origin;
  // Isolated pages of other origins may read blobs (CORS below still decides which).
  for (const [name, value] of Object.entries(EDGE_HEADERS)) res.setHeader(name, value);
  if (origin && options.allowOrigins?.includes(origin)) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-allow-methods', ALLOW);
    res.setHeader('access-control-allow-headers', 'content-type, authorization');
  }
  res.setHeader('vary', 'origin');
  const match = BLOB_PATH.exec(new URL(req.url ?? '/', 'http://x').pathname);
  if (!match) return sendProblem(res, 404, 'NOT_FOUND', 'not a blob path', 'use /blobs/<sha256 as 64 lower-case hex digits>');
  if (req.method === 'OPTIONS') {
    res.writeHead(204, { allow: ALLOW });
    return void res.end();
  }
  const hash = match[1];
  const file = join(options.dir, hash);
  if (req.method === 'GET') {
    const bytes = await readFile(file).catch(() => null);
    if (!bytes) return sendProblem(res, 404, 'NOT_FOUND', `no blob ${hash}`, 'upload it first');
    // A blob's name is its content, so it never changes: caches and CDNs may keep it for good.
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length, 'cache-control': 'public, max-age=31536000, immutable' });
    return void res.end(bytes);
  }
  if (req.method !== 'PUT') {
    res.setHeader('allow', ALLOW);
    return sendProblem(res, 405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed on a blob`, `use ${ALLOW}`);
  }
  if (!options.token) return sendProblem(res, 403, 'UPLOADS_DISABLED', 'this server takes no uploads', 'start it with a blob token (npm run edge -- --blob-token …, or AURA_BLOB_TOKEN) and send it as a Bearer token');
  if (!bearerMatches(req.headers.authorization, options.token)) {
    res.setHeader('www-authenticate', 'Bearer');
    return sendProblem(res, 401, 'UNAUTHORIZED', 'the upload carries no valid token', 'send authorization: Bearer <the blob token the server was started with>');
  }
  const limit = options.maxBlobBytes ?? DEFAULT_MAX_BLOB_BYTES;
  const declared = Number(req.headers['content-length'] ?? 0);
  const body = declared > limit ? null : await readBody(req, limit);
  if (!body) {
    res.setHeader('connection', 'close'); // the rest of the body is not read
    return sendProblem(res, 413, 'TOO_LARGE', `the blob is larger than ${limit} bytes`, 'split the value, or start the server with a larger --max-blob-bytes');
  }
  const actual = createHash('sha256').update(body).digest('hex');
  if (actual !== hash) return sendProblem(res, 400, 'HASH_MISMATCH', `the body hashes to ${actual}, not ${hash}`, 'name a blob by the SHA-256 of its bytes');
  const temp = `${file}.${randomUUID()}.tmp`; // unique: two uploads of one blob in the same millisecond must not share it
  await writeFile(temp, body);
  await rename(temp, file); // atomic: a reader never sees half a blob
  sendJson(res, 201, { hash, bytes: body.length });
}

/** Compares the bearer token in constant time. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer (.+)$/.exec(header ?? '')?.[1];
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts);
}
