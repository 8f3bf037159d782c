import { PbftNode } from '../../../src/services/consensus/node';
import { PbftReplica, type Decision, type ReplicaConfig } from '../../../src/services/consensus/replica';
import { SimulatedSigner, SimulatedVerifier } from '../../../src/services/consensus/signer';
import { simulatedMacs } from '../../../src/services/consensus/authenticator';
import { signingText } from '../../../src/services/consensus/node';
import type { Body, Envelope } from '../../../src/services/consensus/messages';

/**
 * Four nodes on an in-order network pumped by hand (timers are recorded, not run). `cut` holds
 * replicas that neither send nor receive. Signatures are SimulatedSigner's (same contract as Ed25519);
 * hot-path messages carry MAC authenticators over pre-shared pairwise keys unless `macs: false`.
 */
export function harness(config: Partial<ReplicaConfig> = {}, { macs = true } = {}) {
  const secrets = ['k0', 'k1', 'k2', 'k3'];
  const verifier = new SimulatedVerifier(secrets);
  const inbox: Array<{ to: number; env: Envelope }> = [];
  const decisions: Decision[][] = [[], [], [], []];
  const sent: Array<{ from: number; to: number | 'all'; env: Envelope }> = [];
  const cut = new Set<number>();
  const nodes = secrets.map((secret, id) => new PbftNode(new PbftReplica({ n: 4, id, session: 1, ...config }), new SimulatedSigner(id, secret), verifier, {
    send: (to, env) => {
      sent.push({ from: id, to, env });
      if (cut.has(id)) return;
      for (let j = 0; j < 4; j++) if (j !== id && !cut.has(j) && (to === 'all' || to === j)) inbox.push({ to: j, env });
    },
    setTimer: () => undefined,
    decided: (d) => decisions[id].push(d),
  }, macs ? { macs: simulatedMacs(id, 4, 'harness') } : undefined));
  const pump = async (limit = 10_000_000) => {
    for (let k = 0; inbox.length && k < limit; k++) {
      const { to, env } = inbox.shift()!;
      await nodes[to].deliver(JSON.parse(JSON.stringify(env)));
    }
  };
  /** A message signed with replica `from`'s key: what a byzantine member can send. */
  const signAs = async <B extends Body>(from: number, body: B): Promise<Envelope<B>> =>
    ({ from, body, sig: await new SimulatedSigner(from, secrets[from]).sign(signingText(from, body)) });
  return { nodes, decisions, sent, inbox, cut, pump, signAs, secrets };
}
