import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * The remote (L3) tier's server: content-addressed blobs in a folder, over plain HTTP.
 *   GET  /blobs/<sha256>  → the bytes (404 when absent); served as stored, the client verifies them
 *   PUT  /blobs/<sha256>  → stores the body if it hashes to the name (400 otherwise), 201
 *   OPTIONS               → CORS preflight (pages on another localhost port use it)
 * The edge node mounts `handleBlobRequest`; tests start it alone with `startBlobServer`.
 */
export interface BlobServer {
  url: string;
  port: number;
  dir: string;
  close(): Promise<void>;
}

const BLOB_PATH = /^\/blobs\/([0-9a-f]{64})$/;
const MAX_BLOB_BYTES = 256 * 1024 * 1024;

export async function startBlobServer(options: { dir: string; port?: number; host?: string }): Promise<BlobServer> {
  await mkdir(options.dir, { recursive: true });
  const server = createServer((req, res) => {
    handleBlobRequest(options.dir, req, res).catch((error: unknown) => send(res, 500, String((error as Error)?.message ?? error)));
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

/** Handles one request under /blobs/ (returns false when the path is not a blob path). */
export async function handleBlobRequest(dir: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  res.setHeader('access-control-allow-origin', '*');
  res.setHeader('access-control-allow-methods', 'GET, PUT, OPTIONS');
  res.setHeader('access-control-allow-headers', 'content-type');
  if (req.method === 'OPTIONS') {
    send(res, 204, '');
    return true;
  }
  const match = BLOB_PATH.exec(new URL(req.url ?? '/', 'http://x').pathname);
  if (!match) {
    send(res, 404, 'not a blob path: use /blobs/<sha256 hex>');
    return false;
  }
  const hash = match[1];
  const file = join(dir, hash);
  if (req.method === 'GET') {
    const bytes = await readFile(file).catch(() => null);
    if (!bytes) send(res, 404, `no blob ${hash}`);
    else {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length });
      res.end(bytes);
    }
    return true;
  }
  if (req.method === 'PUT') {
    const body = await readBody(req);
    if (!body) return send(res, 413, `blob larger than ${MAX_BLOB_BYTES} bytes`), true;
    const actual = createHash('sha256').update(body).digest('hex');
    if (actual !== hash) return send(res, 400, `body hashes to ${actual}, not ${hash}`), true;
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temp, body);
    await rename(temp, file); // atomic: a reader never sees half a blob
    send(res, 201, hash);
    return true;
  }
  send(res, 405, 'use GET or PUT');
  return true;
}

function send(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BLOB_BYTES) return null;
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts);
}
