import { connect } from 'nats';
import { parseEdgeEvent, type EdgeEvent } from '../../src/edge/event-schema';
import { EVENT_STREAM } from '../../src/edge/event-stream';

/**
 * Reads every event of the edge's stream with an ordered consumer, checking each against the schema.
 * Returns once it has read as many as the stream holds (asked first), or after `idleMs` without one.
 */
export async function readAllEvents(url: string, idleMs = 3000): Promise<{ events: EdgeEvent[]; streamMessages: number }> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await nc.jetstreamManager();
    const streamMessages = (await jsm.streams.info(EVENT_STREAM)).state.messages;
    const consumer = await nc.jetstream().consumers.get(EVENT_STREAM);
    const events: EdgeEvent[] = [];
    while (events.length < streamMessages) {
      const batch = await consumer.fetch({ max_messages: 1000, expires: idleMs });
      let got = 0;
      for await (const msg of batch) {
        events.push(parseEdgeEvent(msg.data));
        got++;
      }
      if (got === 0) break;
    }
    return { events, streamMessages };
  } finally {
    await nc.close();
  }
}
