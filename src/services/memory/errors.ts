import { AuraError } from '../../errors';

/** No item is stored under this key in any tier. */
export class MemoryNotFoundError extends AuraError {
  override readonly name: string = 'MemoryNotFoundError';
  constructor(key: string) {
    super('MEMORY_NOT_FOUND', `no item is stored under key '${key}'`, 'store it first, or check the key for typos');
  }
}

/**
 * The browser's storage quota (or a tier's byte budget) refused a write. Nothing that was already
 * stored is lost: the failed batch was rolled back as one transaction.
 */
export class MemoryQuotaError extends AuraError {
  override readonly name: string = 'MemoryQuotaError';
  readonly keys: string[];
  constructor(message: string, keys: string[], options?: { cause?: unknown }) {
    super(
      'MEMORY_QUOTA',
      message,
      'free space (delete items), configure a remote tier so items can be demoted, or call navigator.storage.persist()',
      options,
    );
    this.keys = keys;
  }
}

/** A blob fetched from the remote tier did not hash to the SHA-256 it is named by. */
export class BlobIntegrityError extends AuraError {
  override readonly name: string = 'BlobIntegrityError';
  readonly expected: string;
  readonly actual: string;
  constructor(expected: string, actual: string, url: string) {
    super(
      'BLOB_INTEGRITY',
      `blob ${url} hashes to sha256 ${actual}, not ${expected}: it was rejected`,
      'the remote copy is corrupt or was tampered with; re-upload it from a tier that holds a good copy',
    );
    this.expected = expected;
    this.actual = actual;
  }
}

/** The remote tier could not be reached (offline, server down) after the retries. */
export class RemoteUnavailableError extends AuraError {
  override readonly name: string = 'RemoteUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('REMOTE_UNAVAILABLE', message, 'check the network or the blob server; items held in L1/L2 are still served', options);
  }
}

/** A tier's byte budget cannot hold the item even after demotion. */
export class MemoryBudgetError extends AuraError {
  override readonly name: string = 'MemoryBudgetError';
  constructor(message: string, hint: string) {
    super('MEMORY_BUDGET', message, hint);
  }
}

/** True for the DOMException browsers (and fake-indexeddb) raise when storage is full. */
export function isQuotaExceeded(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === 'QuotaExceededError' || (error as { code?: number } | null)?.code === 22;
}

/**
 * A GPU-resident query tensor could not be read: its buffer was destroyed, belongs to another device
 * than the tensor says, or lacks COPY_SRC usage.
 */
export class MemoryQueryTensorError extends AuraError {
  override readonly name: string = 'MemoryQueryTensorError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(
      'MEMORY_QUERY_TENSOR',
      message,
      "pass a live buffer created on the tensor's device with COPY_SRC usage, or the values as a Float32Array",
      options,
    );
  }
}

/** A call to the remote tier did not finish (every try, body read included) within its deadline. */
export class RemoteTimeoutError extends AuraError {
  override readonly name: string = 'RemoteTimeoutError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('REMOTE_TIMEOUT', message, 'the blob server is slow or hung; raise remote.timeoutMs, or check the server (items in L1/L2 are still served)', options);
  }
}

/** A shape's point cloud is larger than the persistence computation allows (n² memory, up to n³ work). */
export class ShapeTooLargeError extends AuraError {
  override readonly name: string = 'ShapeTooLargeError';
  readonly points: number;
  readonly limit: number;
  constructor(points: number, limit: number) {
    super('SHAPE_TOO_LARGE', `the shape has ${points} points, over the limit of ${limit}`, `subsample the series or cloud to at most ${limit} points (maxPoints), or raise maxPoints up to 2048`);
    this.points = points;
    this.limit = limit;
  }
}
