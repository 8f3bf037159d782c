import { z } from 'zod';
import { InvalidInputError } from '../errors';
import type { AuraRequest } from '../core/request';

/**
 * The body of POST /infer, checked by a schema (zod) before it reaches the runtime: only data
 * crosses HTTP (no signal, no other live object), and a field the node does not know is refused
 * by name rather than ignored. Limits and the float32 range are then checked by validateRequest.
 */
const InferBody = z.strictObject({
  id: z.string().optional(),
  text: z.string().optional(),
  series: z.array(z.number()).optional(),
  timeoutMs: z.number().optional(),
});

export const INFER_FIELDS = Object.keys(InferBody.shape);

export function parseInferBody(body: unknown): AuraRequest {
  const parsed = InferBody.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    const names = issue.keys.map((k) => `'${k}'`).join(', ');
    throw new InvalidInputError(`the request body has unknown field${issue.keys.length > 1 ? 's' : ''} ${names}`, `send only ${INFER_FIELDS.join(', ')}`);
  }
  const where = issue.path.length ? `request.${issue.path.join('.').replace(/\.(\d+)/g, '[$1]')}` : 'the request body';
  throw new InvalidInputError(`${where}: ${issue.message}`, `send a JSON object with ${INFER_FIELDS.join(', ')} (text a string, series an array of numbers)`);
}
