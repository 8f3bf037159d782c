import { describe, expect, it } from 'vitest';
import { harness } from './harness';

/**
 * A replica that missed part of the log (its messages were lost) fetches the missing batches with
 * their commit certificates as soon as it sees a later batch commit, instead of waiting for the next
 * stable checkpoint (K = 16 here, never reached) or a timer (the harness runs none).
 */
describe('a lagging replica catches up before the next checkpoint', () => {
  it('fetches the committed batches it missed when a later one commits', async () => {
    const h = harness({ checkpointInterval: 16 });
    h.cut.add(3);
    await h.nodes[0].submit('missed-1');
    await h.nodes[1].submit('missed-2');
    await h.pump();
    expect(h.decisions[0].map((d) => d.value)).toEqual(['missed-1', 'missed-2']);
    expect(h.decisions[3]).toEqual([]);
    h.cut.delete(3);
    await h.nodes[2].submit('seen');
    await h.pump();
    const values = (id: number) => h.decisions[id].map((d) => `${d.seq}:${d.index}:${String(d.value)}`);
    expect(values(0)).toEqual(['1:0:missed-1', '2:0:missed-2', '3:0:seen']);
    expect(values(3)).toEqual(values(0));
    // Learned from state transfer: each missed batch carries 2f+1 signed commits.
    for (const d of h.decisions[3]) expect(new Set(d.certificate.map((c) => c.from)).size).toBeGreaterThanOrEqual(3);
    expect(h.nodes[3].replica.stableSeq).toBe(0);
  });

  it('fetches when f+1 replicas commit a batch whose pre-prepare it never saw', async () => {
    const h = harness({ checkpointInterval: 16 });
    h.cut.add(3);
    await h.nodes[0].submit('before');
    await h.pump();
    h.cut.delete(3);
    // Replica 3 sees only the commits of seq 2 (its pre-prepare and prepares are lost).
    await h.nodes[1].submit('commits-only');
    const lost = new Set(['request', 'pre-prepare', 'prepare']);
    for (let k = 0; k < 1000 && h.inbox.length; k++) {
      const { to, env } = h.inbox.shift()!;
      if (to === 3 && lost.has(env.body.t)) continue;
      await h.nodes[to].deliver(JSON.parse(JSON.stringify(env)));
    }
    expect(h.decisions[3].map((d) => d.value)).toEqual(['before', 'commits-only']);
  });

  it('does not fetch when a pipelined batch merely commits out of order', async () => {
    const h = harness({ checkpointInterval: 16 });
    await h.nodes[1].submit('first');
    await h.nodes[2].submit('second');
    const late: typeof h.inbox = [];
    for (let k = 0; k < 10_000 && h.inbox.length; k++) {
      const m = h.inbox.shift()!;
      if (m.to === 3 && m.env.body.t === 'commit' && m.env.body.seq === 1) { late.push(m); continue; }
      await h.nodes[m.to].deliver(JSON.parse(JSON.stringify(m.env)));
    }
    h.inbox.push(...late);
    await h.pump();
    expect(h.decisions[3].map((d) => d.value)).toEqual(h.decisions[0].map((d) => d.value));
    expect(h.decisions[3]).toHaveLength(2);
    expect(h.sent.filter((s) => s.env.body.t === 'fetch')).toEqual([]);
  });
});
