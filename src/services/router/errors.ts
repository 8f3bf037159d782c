import { AuraError } from '../../errors';

/** A router weights file is malformed or does not fit the features it is given. */
export class RouterWeightsError extends AuraError {
  override readonly name: string = 'RouterWeightsError';
  constructor(message: string, hint: string) {
    super('ROUTER_WEIGHTS', message, hint);
  }
}

/** Every service the router could choose is unavailable (not running, or its breaker is open). */
export class NoServiceAvailableError extends AuraError {
  override readonly name: string = 'NoServiceAvailableError';
  constructor(message: string, hint: string) {
    super('NO_SERVICE_AVAILABLE', message, hint);
  }
}
