import autocannon from 'autocannon';

/** The body every load request sends: 40 steps of a sine, answered by the LNN and SNN stages. */
export const LOAD_BODY = JSON.stringify({ series: Array.from({ length: 40 }, (_, t) => Math.round(1000 * Math.sin(t / 5)) / 1000) });

export interface LoadResult {
  target: string;
  durationS: number;
  connections: number;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

/** A bounded autocannon run: POST /infer for `durationS` seconds over `connections` connections. */
export async function loadTest(url: string, durationS: number, connections: number): Promise<LoadResult> {
  const result = await autocannon({
    url: `${url}/infer`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: LOAD_BODY,
    duration: durationS,
    connections,
    pipelining: 1,
  });
  return {
    target: url,
    durationS,
    connections,
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}
