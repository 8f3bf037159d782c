import { InvalidInputError } from '../../errors';
import { sha256Hex } from './codec';
import { BlobIntegrityError, MemoryNotFoundError, RemoteUnavailableError } from './errors';

export interface RemoteTierOptions {
  /** Base URL of a blob server: blobs live at `${baseUrl}/blobs/<sha256>`. */
  baseUrl: string;
  /** Retries after the first try on network errors, 5xx and 429 (default 3). */
  retries?: number;
  /** First backoff in ms, doubled each retry (default 50). */
  backoffMs?: number;
  fetch?: typeof fetch;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * L3: content-addressed blobs over HTTP. A blob is named by the SHA-256 of its bytes, so what
 * arrives is verified against its name: a mismatch is rejected (BlobIntegrityError), never returned.
 */
export class RemoteTier {
  readonly baseUrl: string;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly fetchFn: typeof fetch;
  readonly stats = { uploads: 0, downloads: 0, retries: 0, integrityFailures: 0 };

  constructor(options: RemoteTierOptions) {
    if (typeof options.baseUrl !== 'string' || !/^https?:\/\//.test(options.baseUrl)) {
      throw new InvalidInputError(`remote baseUrl is ${String(options.baseUrl)}`, 'pass an http(s) URL such as http://localhost:8787');
    }
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.retries = options.retries ?? 3;
    this.backoffMs = options.backoffMs ?? 50;
    this.fetchFn = options.fetch ?? ((...args) => fetch(...args));
  }

  urlOf(hash: string): string {
    return `${this.baseUrl}/blobs/${hash}`;
  }

  /** Uploads bytes under their SHA-256 and returns the hash. */
  async put(bytes: Uint8Array, hash?: string): Promise<string> {
    const name = hash ?? (await sha256Hex(bytes));
    await this.withRetries(`upload ${name}`, () =>
      this.fetchFn(this.urlOf(name), { method: 'PUT', body: bytes as Uint8Array<ArrayBuffer>, headers: { 'content-type': 'application/octet-stream' } }),
    );
    this.stats.uploads++;
    return name;
  }

  /** Downloads and verifies a blob; `key` names the item in errors. */
  async get(hash: string, key: string): Promise<Uint8Array> {
    if (!SHA256_HEX.test(hash)) throw new InvalidInputError(`blob name '${hash}' is not a SHA-256 hex digest`, 'pass 64 lower-case hex digits');
    const response = await this.withRetries(`download ${hash}`, () => this.fetchFn(this.urlOf(hash)), key);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const actual = await sha256Hex(bytes);
    if (actual !== hash) {
      this.stats.integrityFailures++;
      throw new BlobIntegrityError(hash, actual, this.urlOf(hash));
    }
    this.stats.downloads++;
    return bytes;
  }

  /** Retries network errors, 5xx and 429 with exponential backoff; other statuses fail at once. */
  private async withRetries(what: string, attempt: () => Promise<Response>, key?: string): Promise<Response> {
    let lastError: unknown;
    for (let i = 0; i <= this.retries; i++) {
      if (i > 0) {
        this.stats.retries++;
        await new Promise((r) => setTimeout(r, this.backoffMs * 2 ** (i - 1)));
      }
      try {
        const response = await attempt();
        if (response.ok) return response;
        if (response.status === 404 && key !== undefined) throw new MemoryNotFoundError(key);
        if (response.status < 500 && response.status !== 429) {
          throw new RemoteUnavailableError(`${what} failed: HTTP ${response.status} ${await response.text().catch(() => '')}`.trim());
        }
        lastError = new Error(`HTTP ${response.status}`);
      } catch (error) {
        if (error instanceof MemoryNotFoundError || error instanceof RemoteUnavailableError) throw error;
        lastError = error; // a network error (offline, refused): retry
      }
    }
    throw new RemoteUnavailableError(
      `${what} at ${this.baseUrl} failed after ${this.retries + 1} tries: ${(lastError as Error)?.message ?? lastError}`,
      { cause: lastError },
    );
  }
}
