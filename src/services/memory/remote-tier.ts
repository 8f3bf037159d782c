import { AuraError, InvalidInputError, requireInteger, requireNumberInRange } from '../../errors';
import { sha256Hex } from './codec';
import { BlobIntegrityError, MemoryNotFoundError, RemoteTimeoutError, RemoteUnavailableError } from './errors';
import { HostSlots } from './host-slots';

export interface RemoteTierOptions {
  /** Base URL of a blob server: blobs live at `${baseUrl}/blobs/<sha256>`. */
  baseUrl: string;
  /** Retries after the first try on transient errors: network errors, bodies cut short, 5xx and 429 (default 3). */
  retries?: number;
  /** First backoff in ms, doubled each retry (default 50). */
  backoffMs?: number;
  /**
   * Deadline of one call in ms, from the moment it holds a slot: every try, its body read and the
   * backoff between them (default 10,000). A call past it fails with RemoteTimeoutError.
   */
  timeoutMs?: number;
  /** Calls in flight to the server at once (default 4: under browsers' 6 connections per host); the rest wait for a slot. */
  maxConcurrent?: number;
  /** Sent as `authorization: Bearer <token>` on uploads (the edge node's blob PUTs need it). */
  token?: string;
  fetch?: typeof fetch;
}

export const REMOTE_DEFAULTS = { retries: 3, backoffMs: 50, timeoutMs: 10_000, maxConcurrent: 4 } as const;

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** An HTTP status worth another try (5xx, 429). */
class TransientStatus extends Error {}

/**
 * L3: content-addressed blobs over HTTP. A blob is named by the SHA-256 of its bytes, so what
 * arrives is verified against its name: a mismatch is rejected (BlobIntegrityError), never returned.
 * Every call runs under a deadline and a bound on calls in flight; every failure is an AuraError.
 */
export class RemoteTier {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly token?: string;
  private readonly fetchFn: typeof fetch;
  private readonly slots: HostSlots;
  readonly stats = { uploads: 0, downloads: 0, retries: 0, integrityFailures: 0, timeouts: 0 };

  constructor(options: RemoteTierOptions) {
    if (typeof options.baseUrl !== 'string' || !/^https?:\/\//.test(options.baseUrl)) {
      throw new InvalidInputError(`remote baseUrl is ${String(options.baseUrl)}`, 'pass an http(s) URL such as http://localhost:8787');
    }
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.retries = requireInteger('remote.retries', options.retries ?? REMOTE_DEFAULTS.retries, 0, 20);
    this.backoffMs = requireNumberInRange('remote.backoffMs', options.backoffMs ?? REMOTE_DEFAULTS.backoffMs, 0, 60_000);
    this.timeoutMs = requireNumberInRange('remote.timeoutMs', options.timeoutMs ?? REMOTE_DEFAULTS.timeoutMs, 1, 600_000);
    this.slots = new HostSlots(requireInteger('remote.maxConcurrent', options.maxConcurrent ?? REMOTE_DEFAULTS.maxConcurrent, 1, 64));
    this.token = options.token;
    this.fetchFn = options.fetch ?? ((...args) => fetch(...args));
  }

  urlOf(hash: string): string {
    return `${this.baseUrl}/blobs/${hash}`;
  }

  /** Uploads bytes under their SHA-256 and returns the hash. */
  async put(bytes: Uint8Array, hash?: string): Promise<string> {
    const name = hash ?? (await sha256Hex(bytes));
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    await this.call(`upload ${name}`, async (signal) => {
      const response = await this.fetchFn(this.urlOf(name), { method: 'PUT', body: bytes as Uint8Array<ArrayBuffer>, headers, signal });
      await this.requireOk(response, `upload ${name}`);
      await response.body?.cancel().catch(() => {});
    });
    this.stats.uploads++;
    return name;
  }

  /** Downloads and verifies a blob; `key` names the item in errors. */
  async get(hash: string, key: string): Promise<Uint8Array> {
    if (!SHA256_HEX.test(hash)) throw new InvalidInputError(`blob name '${hash}' is not a SHA-256 hex digest`, 'pass 64 lower-case hex digits');
    const bytes = await this.call(`download ${hash}`, async (signal) => {
      const response = await this.fetchFn(this.urlOf(hash), { signal });
      await this.requireOk(response, `download ${hash}`, key);
      // The body is read inside the try: a body cut short is a transient error, retried.
      return new Uint8Array(await response.arrayBuffer());
    });
    const actual = await sha256Hex(bytes);
    if (actual !== hash) {
      this.stats.integrityFailures++;
      throw new BlobIntegrityError(hash, actual, this.urlOf(hash));
    }
    this.stats.downloads++;
    return bytes;
  }

  /** 2xx passes; 404 of a named item is MemoryNotFoundError; 5xx and 429 are retried; other statuses fail at once. */
  private async requireOk(response: Response, what: string, key?: string): Promise<void> {
    if (response.ok) return;
    await response.body?.cancel().catch(() => {});
    if (response.status === 404 && key !== undefined) throw new MemoryNotFoundError(key);
    if (response.status >= 500 || response.status === 429) throw new TransientStatus(`HTTP ${response.status}`);
    throw new RemoteUnavailableError(`${what} at ${this.baseUrl} failed: HTTP ${response.status}`);
  }

  /**
   * Runs `attempt` in a slot, under one deadline, retrying transient errors with exponential
   * backoff. Typed errors from the attempt pass through; anything else becomes one.
   */
  private async call<T>(what: string, attempt: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const release = await this.slots.acquire();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    const { signal } = controller;
    let lastError: unknown;
    try {
      for (let i = 0; i <= this.retries; i++) {
        if (i > 0) {
          this.stats.retries++;
          await sleep(this.backoffMs * 2 ** (i - 1), signal);
        }
        if (signal.aborted) break;
        try {
          return await attempt(signal);
        } catch (error) {
          if (signal.aborted) break;
          if (error instanceof AuraError) throw error;
          lastError = error; // a network error, a body cut short, 5xx or 429: try again
        }
      }
      if (signal.aborted) {
        this.stats.timeouts++;
        throw new RemoteTimeoutError(`${what} at ${this.baseUrl} did not finish within ${this.timeoutMs} ms`, { cause: lastError });
      }
      throw new RemoteUnavailableError(`${what} at ${this.baseUrl} failed after ${this.retries + 1} tries: ${(lastError as Error)?.message ?? String(lastError)}`, {
        cause: lastError,
      });
    } finally {
      clearTimeout(timer);
      controller.abort(); // a body still streaming is dropped, freeing its connection
      release();
    }
  }
}

/** Waits `ms`, or less when `signal` aborts first. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
