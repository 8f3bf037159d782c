/**
 * Typed errors. Every error says what was wrong (`message`) and how to fix the call (`hint`).
 * `code` is stable and machine-readable; it survives the worker boundary with name and stack.
 */
export class AuraError extends Error {
  readonly code: string;
  readonly hint: string;

  constructor(code: string, message: string, hint: string, options?: { cause?: unknown }) {
    super(hint ? `${message} (${hint})` : message, options);
    // Subclasses set their name as a string field: a consumer's minifier renames classes.
    this.name = new.target === AuraError ? 'AuraError' : new.target.name;
    this.code = code;
    this.hint = hint;
  }
}

/** A caller passed a value of the wrong shape, type or range. */
export class InvalidInputError extends AuraError {
  override readonly name: string = 'InvalidInputError';
  constructor(message: string, hint: string) {
    super('INVALID_INPUT', message, hint);
  }
}

/** No WebGPU adapter or device could be had here. */
export class GpuUnavailableError extends AuraError {
  override readonly name: string = 'GpuUnavailableError';
  constructor(message: string, hint: string, options?: { cause?: unknown }) {
    super('GPU_UNAVAILABLE', message, hint, options);
  }
}

/** The device was lost (destroyed, driver reset); the next call recovers on a new device. */
export class DeviceLostError extends AuraError {
  override readonly name: string = 'DeviceLostError';
  readonly reason: string;
  constructor(reason: string, message: string, options?: { cause?: unknown }) {
    super('DEVICE_LOST', `GPU device lost (${reason}): ${message}`, 'retry the call: the runtime acquires a new device', options);
    this.reason = reason;
  }
}

/** WGSL compilation, pipeline creation or a command failed validation. */
export class GpuValidationError extends AuraError {
  override readonly name: string = 'GpuValidationError';
  constructor(message: string, hint = 'this is a bug in a kernel or its inputs; report it with the message') {
    super('GPU_VALIDATION', message, hint);
  }
}

/** A dispatch needs more workgroups than the device allows, even after refolding. */
export class DispatchTooLargeError extends AuraError {
  override readonly name: string = 'DispatchTooLargeError';
  constructor(message: string, hint: string) {
    super('DISPATCH_TOO_LARGE', message, hint);
  }
}

/** A buffer would exceed the device's binding or buffer size limit. */
export class BufferTooLargeError extends AuraError {
  override readonly name: string = 'BufferTooLargeError';
  constructor(message: string, hint: string) {
    super('BUFFER_TOO_LARGE', message, hint);
  }
}

/** Validation helpers shared by every service: they throw InvalidInputError with a fix. */
export function requireFiniteArray(name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new InvalidInputError(
        `${name}[${i}] is ${values[i]}`,
        `${name} must hold finite numbers only: remove or replace NaN and Infinity`,
      );
    }
  }
}

export function requireInteger(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidInputError(
      `${name} is ${String(value)}`,
      `${name} must be an integer from ${min} to ${max}`,
    );
  }
  return value;
}

export function requireNumberInRange(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new InvalidInputError(`${name} is ${String(value)}`, `${name} must be a finite number from ${min} to ${max}`);
  }
  return value;
}

/** A model or tokenizer file could not be fetched, read or understood. */
export class ModelLoadError extends AuraError {
  override readonly name: string = 'ModelLoadError';
  constructor(message: string, hint: string, options?: { cause?: unknown; code?: string }) {
    super(options?.code ?? 'MODEL_LOAD', message, hint, options);
  }
}

/**
 * A model file arrived but is not the file asked for: an HTML page (a server's fallback for a missing
 * file), fewer bytes than the server announced, or a JSON / ONNX file cut short. Raised before the
 * bytes reach the runtime or the cache.
 */
export class ModelFileError extends ModelLoadError {
  override readonly name: string = 'ModelFileError';
  readonly source: string;
  constructor(source: string, message: string, hint: string) {
    super(`${source}: ${message}`, hint, { code: 'MODEL_FILE_INVALID' });
    this.source = source;
  }
}
