import { wsconnect, type NatsConnection } from '@nats-io/nats-core';
import { AuraError } from '../errors';
import { EVENT_SUBJECT, parseEdgeEvent, type EdgeEvent } from '../edge/event-schema';

/** An event is a few hundred bytes; anything far larger is refused before it is parsed. */
export const MAX_EVENT_BYTES = 16 * 1024;
/** The panel keeps the newest events only: a busy stream costs bounded memory. */
export const MAX_LIVE_EVENTS = 50;

export interface LiveEvents {
  status: 'connecting' | 'live' | 'closed';
  /** Newest first. */
  events: EdgeEvent[];
  /** Messages on the subjects that were too large or did not match the event schema. */
  rejected: number;
  error?: string;
}

export class LiveEventsUrlError extends AuraError {
  override readonly name: string = 'LiveEventsUrlError';
  constructor(url: string) {
    super('INVALID_INPUT', `'${url}' is not a NATS WebSocket URL`, "use ws://host:port or wss://host:port, NATS's websocket listener (deploy/nats/nats.conf, port 9222)");
  }
}

/**
 * Watches the edge's event stream live from a browser tab: a plain NATS subscription over NATS's
 * WebSocket listener (@nats-io/nats-core's wsconnect) to every `aura.events.*` subject. Nothing from
 * the wire is trusted: each message is size-checked and parsed with the same schema the nodes
 * publish with, and a bad one is only counted.
 */
export async function watchLiveEvents(url: string, onChange: (state: LiveEvents) => void): Promise<{ close(): Promise<void> }> {
  if (!/^wss?:\/\/[^\s/]+/.test(url)) throw new LiveEventsUrlError(url);
  const state: LiveEvents = { status: 'connecting', events: [], rejected: 0 };
  onChange(state);
  let nc: NatsConnection;
  try {
    nc = await wsconnect({ servers: url, timeout: 5000, maxReconnectAttempts: -1, reconnectTimeWait: 1000 });
  } catch (error) {
    onChange({ ...state, status: 'closed', error: `could not connect to ${url}: ${(error as Error).message}` });
    return { close: async () => {} };
  }
  state.status = 'live';
  onChange({ ...state });
  const subscription = nc.subscribe(`${EVENT_SUBJECT}.>`);
  void (async () => {
    for await (const message of subscription) {
      try {
        if (message.data.length > MAX_EVENT_BYTES) throw new Error('too large');
        state.events = [parseEdgeEvent(message.data), ...state.events].slice(0, MAX_LIVE_EVENTS);
      } catch {
        state.rejected++;
      }
      onChange({ ...state });
    }
  })();
  void nc.closed().then((error) => onChange({ ...state, status: 'closed', error: error ? String(error.message) : undefined }));
  return { close: () => nc.close() };
}
