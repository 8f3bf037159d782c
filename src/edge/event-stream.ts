import { connect, nanos, RetentionPolicy, StorageType, type JetStreamClient, type NatsConnection } from 'nats';
import { AuraError } from '../errors';
import { EdgeEvent, EVENT_SUBJECT } from './event-schema';

export const EVENT_STREAM = 'AURA_EVENTS';

/** The stream did not acknowledge an event; the request that made it is not acknowledged either. */
export class EventStreamError extends AuraError {
  override readonly name: string = 'EventStreamError';
  constructor(id: string, cause: unknown) {
    super('EVENT_STREAM_UNAVAILABLE', `the event stream did not acknowledge event '${id}' (${(cause as Error)?.message ?? cause})`, 'retry the request with the same id: the stream keeps one event per id');
  }
}

export interface EventStreamOptions {
  /** nats://host:port */
  url: string;
  /** How long a publish waits for JetStream's acknowledgement (default 2000 ms). */
  ackTimeoutMs?: number;
  /** The window in which JetStream drops a second event with the same id (default 10 minutes). */
  duplicateWindowMs?: number;
}

/**
 * The edge's event stream: every inference and memory write, published to a NATS JetStream stream
 * (nats, the NATS project's Node client). At least once: the node answers a request only after
 * JetStream has acknowledged (stored) its event; a client that retries after a lost answer sends the
 * same id, which is the event's Nats-Msg-Id, so JetStream keeps one event per request.
 */
export class EventStream {
  private published = 0;
  private failed = 0;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly ackTimeoutMs: number,
  ) {}

  static async connect(options: EventStreamOptions): Promise<EventStream> {
    const nc = await connect({ servers: options.url, maxReconnectAttempts: -1, reconnectTimeWait: 500, timeout: 5000 });
    const jsm = await nc.jetstreamManager();
    const config = {
      name: EVENT_STREAM,
      subjects: [`${EVENT_SUBJECT}.>`],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      duplicate_window: nanos(options.duplicateWindowMs ?? 10 * 60_000),
    };
    // Every node declares the same stream; the first creates it, the others find it.
    try {
      await jsm.streams.info(EVENT_STREAM);
    } catch {
      await jsm.streams.add(config).catch(async (error) => {
        if (!String(error).includes('already in use')) throw error;
      });
    }
    return new EventStream(nc, nc.jetstream(), options.ackTimeoutMs ?? 2000);
  }

  /** Publishes the event (checked against the schema) and resolves once JetStream has stored it. */
  async publish(event: EdgeEvent): Promise<{ duplicate: boolean }> {
    const checked = EdgeEvent.parse(event);
    try {
      const ack = await this.js.publish(`${EVENT_SUBJECT}.${checked.kind}`, JSON.stringify(checked), { msgID: checked.id, timeout: this.ackTimeoutMs });
      this.published++;
      return { duplicate: ack.duplicate };
    } catch (error) {
      this.failed++;
      throw new EventStreamError(checked.id, error);
    }
  }

  metrics(): string {
    return [
      '# HELP aura_edge_events_published_total Events JetStream acknowledged (duplicates of a retried id included).',
      '# TYPE aura_edge_events_published_total counter',
      `aura_edge_events_published_total ${this.published}`,
      '# HELP aura_edge_events_failed_total Events JetStream did not acknowledge; their requests failed with 503.',
      '# TYPE aura_edge_events_failed_total counter',
      `aura_edge_events_failed_total ${this.failed}`,
      '',
    ].join('\n');
  }

  async close(): Promise<void> {
    await this.nc.drain().catch(() => this.nc.close());
  }
}
