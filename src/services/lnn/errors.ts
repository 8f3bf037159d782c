import { AuraError } from '../../errors';

/** infer/adapt named a session that does not exist (never created, closed, or evicted when idle). */
export class LnnUnknownSessionError extends AuraError {
  override readonly name: string = 'LnnUnknownSessionError';
  constructor(session: string) {
    super('LNN_UNKNOWN_SESSION', `no LNN session '${session}'`, 'create one with createSession() first; idle sessions are evicted after idleMs');
  }
}

/** createSession() was called while maxSessions sessions are live and none is idle enough to evict. */
export class LnnSessionLimitError extends AuraError {
  override readonly name: string = 'LnnSessionLimitError';
  constructor(limit: number) {
    super('LNN_SESSION_LIMIT', `all ${limit} LNN sessions are in use`, 'close a session with closeSession(), or raise maxSessions');
  }
}

/** A parameter file (ncps state dict, wiring config) is malformed or does not fit the model. */
export class LnnModelFormatError extends AuraError {
  override readonly name: string = 'LnnModelFormatError';
  constructor(message: string, hint: string) {
    super('LNN_MODEL_FORMAT', message, hint);
  }
}

/** The call needs something this model does not have (e.g. adapt() on a model without a linear readout). */
export class LnnUnsupportedError extends AuraError {
  override readonly name: string = 'LnnUnsupportedError';
  constructor(message: string, hint: string) {
    super('LNN_UNSUPPORTED', message, hint);
  }
}
