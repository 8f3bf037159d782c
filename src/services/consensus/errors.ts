import { AuraError } from '../../errors';

/** A message from another tab or peer did not have the shape of a PBFT message. */
export class MalformedMessageError extends AuraError {
  override readonly name: string = 'MalformedMessageError';
  constructor(message: string, hint = 'only messages built by encodeEnvelope are accepted; the sender is faulty or out of date') {
    super('CONSENSUS_MALFORMED', message, hint);
  }
}

/** A consensus configuration or call argument was invalid. */
export class ConsensusConfigError extends AuraError {
  override readonly name: string = 'ConsensusConfigError';
  constructor(message: string, hint: string) {
    super('CONSENSUS_CONFIG', message, hint);
  }
}

/** propose() did not commit within its timeout (the request may still commit later). */
export class ConsensusTimeoutError extends AuraError {
  override readonly name: string = 'ConsensusTimeoutError';
  constructor(message: string, hint = 'raise timeoutMs, or check that at least 2f+1 replicas are connected') {
    super('CONSENSUS_TIMEOUT', message, hint);
  }
}

/** The service was closed while a call was waiting. */
export class ConsensusClosedError extends AuraError {
  override readonly name: string = 'ConsensusClosedError';
  constructor(message: string) {
    super('CONSENSUS_CLOSED', message, 'create a new consensus service');
  }
}
