import { AuraError } from '../../errors';

// Model files are loaded below the services (src/models/); their errors live with AuraError.
export { ModelLoadError, ModelFileError } from '../../errors';

/** Text that cannot be tokenized as asked (too long without truncation, empty, not a string). */
export class TokenizationError extends AuraError {
  override readonly name: string = 'TokenizationError';
  constructor(message: string, hint: string) {
    super('TOKENIZATION', message, hint);
  }
}

/** The model does not offer what was asked (e.g. classify on a model without a head). */
export class ModelCapabilityError extends AuraError {
  override readonly name: string = 'ModelCapabilityError';
  constructor(message: string, hint: string) {
    super('MODEL_CAPABILITY', message, hint);
  }
}

/** The language service was used after destroy(). */
export class LanguageServiceClosedError extends AuraError {
  override readonly name: string = 'LanguageServiceClosedError';
  constructor() {
    super('LANGUAGE_CLOSED', 'the language service was destroyed', 'create a new LanguageService');
  }
}
