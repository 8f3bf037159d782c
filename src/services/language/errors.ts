import { AuraError } from '../../errors';

/** Text that cannot be tokenized as asked (too long without truncation, empty, not a string). */
export class TokenizationError extends AuraError {
  constructor(message: string, hint: string) {
    super('TOKENIZATION', message, hint);
  }
}

/** A model or tokenizer file could not be fetched, read or understood. */
export class ModelLoadError extends AuraError {
  constructor(message: string, hint: string, options?: { cause?: unknown }) {
    super('MODEL_LOAD', message, hint, options);
  }
}

/** The model does not offer what was asked (e.g. classify on a model without a head). */
export class ModelCapabilityError extends AuraError {
  constructor(message: string, hint: string) {
    super('MODEL_CAPABILITY', message, hint);
  }
}

/** The language service was used after destroy(). */
export class LanguageServiceClosedError extends AuraError {
  constructor() {
    super('LANGUAGE_CLOSED', 'the language service was destroyed', 'create a new LanguageService');
  }
}
