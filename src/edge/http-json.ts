import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuraError, InvalidInputError } from '../errors';

/** Reads a JSON body of at most `maxBytes`; anything else is a typed error. */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/json')) {
    throw new InvalidInputError(`content-type is '${type}'`, 'send the request as application/json');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new InvalidInputError(`the body is over ${maxBytes} bytes`, 'send a smaller request');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new InvalidInputError('the body is not valid JSON', 'send a JSON object such as {"text":"…"}');
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Every error the edge node answers has this JSON shape. */
export function sendProblem(res: ServerResponse, status: number, code: string, message: string, hint: string): void {
  sendJson(res, status, { error: { code, message, hint } });
}

/** Typed errors go back as 4xx with their code and hint; anything else is a 500 without internals. */
export function sendError(res: ServerResponse, error: unknown): void {
  if (error instanceof AuraError) {
    const status = error.code === 'INVALID_INPUT' ? 400 : error.code === 'TIMEOUT' ? 504 : error.code === 'CANCELLED' ? 499 : error.code === 'EVENT_STREAM_UNAVAILABLE' || error.code === 'DURABLE_STORE_UNAVAILABLE' ? 503 : 500;
    sendJson(res, status, { error: { name: error.name, code: error.code, message: error.message, hint: error.hint } });
  } else {
    sendJson(res, 500, { error: { name: 'InternalError', code: 'INTERNAL', message: 'the edge node failed; see its log', hint: '' } });
    console.error(error);
  }
}
