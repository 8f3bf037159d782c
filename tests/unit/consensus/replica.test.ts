import { describe, expect, it } from 'vitest';
import { PbftNode } from '../../../src/services/consensus/node';
import { PbftReplica, type Decision } from '../../../src/services/consensus/replica';
import { SimulatedSigner, SimulatedVerifier } from '../../../src/services/consensus/signer';
import type { Envelope } from '../../../src/services/consensus/messages';

/** Four nodes on a lossless in-order network, pumped by hand (timers are not used here). */
function harness(config = {}) {
  const secrets = ['k0', 'k1', 'k2', 'k3'];
  const verifier = new SimulatedVerifier(secrets);
  const inbox: Array<{ to: number; env: Envelope }> = [];
  const decisions: Decision[][] = [[], [], [], []];
  const sent: Envelope[] = [];
  const nodes = secrets.map((secret, id) => new PbftNode(new PbftReplica({ n: 4, id, session: 1, ...config }), new SimulatedSigner(id, secret), verifier, {
    send: (to, env) => {
      sent.push(env);
      for (let j = 0; j < 4; j++) if (j !== id && (to === 'all' || to === j)) inbox.push({ to: j, env });
    },
    setTimer: () => undefined,
    decided: (d) => decisions[id].push(d),
  }));
  const pump = async () => {
    while (inbox.length) {
      const { to, env } = inbox.shift()!;
      await nodes[to].deliver(JSON.parse(JSON.stringify(env)));
    }
  };
  return { nodes, decisions, sent, pump };
}

describe('PbftReplica', () => {
  it('goes through pre-prepare, prepare, commit and executes at every replica', async () => {
    const h = harness();
    await h.nodes[2].submit('hello');
    await h.pump();
    for (const d of h.decisions) expect(d.map((x) => [x.seq, x.value])).toEqual([[1, 'hello']]);
    const kinds = new Set(h.sent.map((e) => e.body.t));
    for (const t of ['request', 'pre-prepare', 'prepare', 'commit']) expect(kinds.has(t as never)).toBe(true);
  });

  it('answers a duplicate request from the reply cache instead of ordering it again', async () => {
    const h = harness();
    await h.nodes[1].submit('once');
    await h.pump();
    const request = h.sent.find((e) => e.body.t === 'request')!;
    const before = h.sent.length;
    h.sent.length = 0;
    const out = h.nodes[3].replica.receive(request); // already executed: replica 3 replies from its cache
    expect(out.send).toEqual([{ to: 1, body: expect.objectContaining({ t: 'reply', seq: 1, client: 1, reqId: 1 }) }]);
    for (const node of [0, 2]) await h.nodes[node].deliver(JSON.parse(JSON.stringify({ ...request })));
    await h.pump();
    expect(before).toBeGreaterThan(0);
    expect(h.sent.some((e) => e.body.t === 'pre-prepare')).toBe(false);
    for (const d of h.decisions) expect(d).toHaveLength(1);
  });

  it('takes checkpoints and truncates its log at the stable checkpoint', async () => {
    const h = harness({ checkpointInterval: 4 });
    for (let k = 0; k < 10; k++) {
      await h.nodes[k % 4].submit(k);
      await h.pump();
    }
    for (const n of h.nodes) {
      expect(n.replica.lastExecuted).toBe(10);
      expect(n.replica.stableSeq).toBe(8);
    }
    expect(h.sent.filter((e) => e.body.t === 'checkpoint' && e.body.seq === 8)).toHaveLength(4);
  });
});
