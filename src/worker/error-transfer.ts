import * as Comlink from 'comlink';
import { AuraError } from '../errors';

interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  hint?: string;
}

/**
 * Comlink's default keeps only name, message and stack of a thrown error. This handler also keeps
 * AuraError's code and hint, and rebuilds an AuraError on the caller's side, so `error.code`
 * works the same with and without the worker.
 */
export function installErrorTransfer(): void {
  const original = Comlink.transferHandlers.get('throw')!;
  Comlink.transferHandlers.set('throw', {
    canHandle: original.canHandle,
    serialize(thrown: unknown) {
      const value = (thrown as { value: unknown }).value;
      if (value instanceof Error) {
        const e = value as Error & { code?: string; hint?: string };
        const serialized: SerializedError = { name: e.name, message: e.message, stack: e.stack, code: e.code, hint: e.hint };
        return [{ isAuraError: true, value: serialized }, []];
      }
      return original.serialize(thrown);
    },
    deserialize(data: unknown) {
      const d = data as { isAuraError?: boolean; value: SerializedError };
      if (!d.isAuraError) return original.deserialize(data);
      const v = d.value;
      const error = v.code ? Object.assign(new AuraError(v.code, v.message, ''), { hint: v.hint ?? '' }) : new Error(v.message);
      error.message = v.message;
      error.name = v.name;
      if (v.stack) error.stack = v.stack;
      throw error;
    },
  } as Comlink.TransferHandler<unknown, unknown>);
}
