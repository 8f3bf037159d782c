import { z } from 'zod';
import type { UnifiedResponse } from '../pipeline/response';

/** Events are published on `aura.events.<kind>`. */
export const EVENT_SUBJECT = 'aura.events';

/**
 * One event of the edge's stream: an inference or a memory write, as published to NATS JetStream.
 * Every event is checked against this schema before it leaves the node and can be checked again by
 * whoever reads the stream (`parseEdgeEvent`). `id` is the request id (or the memory key's write id):
 * JetStream's Nats-Msg-Id, so a retried request publishes once.
 */
export const EdgeEvent = z.strictObject({
  id: z.string().min(1).max(200),
  /** When the node answered, ISO 8601. */
  time: z.iso.datetime(),
  /** The node that served it (its URL or name). */
  node: z.string().min(1).max(200),
  kind: z.enum(['inference', 'memory-write']),
  /** Inference: the services the router selected; memory write: the memory route. */
  route: z.array(z.string()),
  decision: z.strictObject({ service: z.string(), value: z.string() }),
  confidence: z.number().min(0).max(1),
  /** Picojoules, as the response's energy model counts them. */
  energyPj: z.number().nonnegative(),
  /** Wall milliseconds per stage, and the total. */
  timings: z.strictObject({ totalMs: z.number().nonnegative(), perStage: z.record(z.string(), z.number().nonnegative()) }),
});
export type EdgeEvent = z.infer<typeof EdgeEvent>;

export function parseEdgeEvent(bytes: Uint8Array): EdgeEvent {
  return EdgeEvent.parse(JSON.parse(new TextDecoder().decode(bytes)));
}

export function inferenceEvent(node: string, response: UnifiedResponse, time = new Date()): EdgeEvent {
  const perStage: Record<string, number> = {};
  for (const [stage, timing] of Object.entries(response.timings.perStage)) perStage[stage] = timing.wallMs;
  return EdgeEvent.parse({
    id: response.id,
    time: time.toISOString(),
    node,
    kind: 'inference',
    route: response.route.selected.map((choice) => choice.service),
    decision: { service: response.decision.service, value: response.decision.value },
    confidence: response.confidence,
    energyPj: response.energy.totalPj,
    timings: { totalMs: response.timings.totalMs, perStage },
  });
}

export function memoryWriteEvent(node: string, id: string, key: string, tier: string, totalMs: number, time = new Date()): EdgeEvent {
  return EdgeEvent.parse({
    id,
    time: time.toISOString(),
    node,
    kind: 'memory-write',
    route: ['memory'],
    decision: { service: 'memory', value: `stored ${key} in ${tier}` },
    confidence: 1,
    energyPj: 0,
    timings: { totalMs, perStage: { memory: totalMs } },
  });
}
