import { BroadcastChannelTransport } from './broadcast-transport';
import { sha256Hex } from './codec';
import { signRoster, verifyRoster, type Roster, type SignedRoster } from './roster';
import { createConsensus, type ConsensusOptions, type ConsensusService } from './service';
import { Ed25519Signer, type Ed25519Identity } from './signer';

/**
 * Tabs of one origin that find each other over a BroadcastChannel and agree on a signed roster, so a
 * page's consensus runs across tabs (each tab one replica, its own key) instead of four replicas in
 * one page. Steps: every tab announces its public key; after `waitMs` each one proposes the roster of
 * the first 3f+1 keys it heard (sorted, so all tabs that heard the same keys propose the same roster)
 * and signs it; the roster is adopted when every member has signed that exact roster (verifyRoster).
 * A tab that joins later, or reloads, asks and receives the adopted roster; if its key is in it, it
 * rejoins as that replica and catches up by state transfer. Fewer than 4 tabs, tabs that disagree, or
 * a tab left out: `null`, and the caller runs its in-page group (which says it tolerates no fault).
 */
export interface TabGroupOptions {
  /** The tab's identity; keep it across reloads (loadOrCreateIdentity) to rejoin as the same replica. */
  identity: Ed25519Identity;
  /** Discovery channel name (one per application). */
  channel?: string;
  /** How long to listen for other tabs before proposing a roster. */
  waitMs?: number;
  /** How long to wait for every member's signature. */
  signMs?: number;
  config?: ConsensusOptions['config'];
}

export interface TabGroup { service: ConsensusService; roster: Roster; id: number; close(): Promise<void> }

type Announce =
  | { t: 'here'; key: string }
  | { t: 'sign'; roster: Roster; key: string; sig: string }
  | { t: 'adopted'; signed: SignedRoster };

const KEY = /^[0-9a-f]{64}$/;
const MAX_TABS = 64;

/** Joins (or forms) the tabs' consensus group; null when no group of at least 4 tabs includes this one. */
export async function joinTabGroup(options: TabGroupOptions): Promise<TabGroup | null> {
  const name = options.channel ?? 'aura-tabs';
  const me = options.identity.publicKeyHex;
  const discovery = new BroadcastChannel(`${name}/discovery`);
  const keys = new Set<string>([me]);
  const signatures = new Map<string, Map<string, string>>();
  let adopted: SignedRoster | null = null;
  let wake: () => void = () => {};
  const changed = () => wake();
  discovery.onmessage = (ev: MessageEvent) => {
    const m = ev.data as Announce;
    if (!m || typeof m !== 'object') return;
    if (m.t === 'here' && typeof m.key === 'string' && KEY.test(m.key) && !keys.has(m.key) && keys.size < MAX_TABS) {
      keys.add(m.key);
      discovery.postMessage({ t: 'here', key: me } satisfies Announce);
      if (adopted) discovery.postMessage({ t: 'adopted', signed: adopted } satisfies Announce);
    } else if (m.t === 'sign' && typeof m.sig === 'string' && typeof m.key === 'string' && m.roster && Array.isArray(m.roster.members)) {
      const id = rosterId(m.roster);
      if (!signatures.has(id) && signatures.size >= MAX_TABS) return;
      let at = signatures.get(id);
      if (!at) signatures.set(id, (at = new Map()));
      at.set(m.key, m.sig);
      changed();
    } else if (m.t === 'adopted' && !adopted && m.signed?.roster?.members?.includes(me)) {
      void verifyRoster(m.signed).then(() => { adopted ??= m.signed; changed(); }, () => undefined);
    }
  };
  const waitFor = (ms: number, done: () => boolean) => new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake = () => { if (done()) { clearTimeout(timer); resolve(); } };
    wake();
  });
  try {
    discovery.postMessage({ t: 'here', key: me } satisfies Announce);
    await waitFor(options.waitMs ?? 300, () => adopted !== null);
    if (!adopted) {
      const sorted = [...keys].sort();
      const n = sorted.length >= 4 ? sorted.length - ((sorted.length - 1) % 3) : 0;
      if (n === 0 || !sorted.slice(0, n).includes(me)) return null;
      const roster: Roster = { group: name.replace(/[^\w.:-]/g, '_').slice(0, 64) || 'aura-tabs', version: 1, members: sorted.slice(0, n) };
      const id = roster.members.indexOf(me);
      const sig = await signRoster(roster, new Ed25519Signer(id, options.identity.privateKey));
      const mine = signatures.get(rosterId(roster)) ?? new Map<string, string>();
      mine.set(me, sig);
      signatures.set(rosterId(roster), mine);
      discovery.postMessage({ t: 'sign', roster, key: me, sig } satisfies Announce);
      const complete = () => roster.members.every((k) => mine.has(k));
      await waitFor(options.signMs ?? 2_000, () => adopted !== null || complete());
      if (!adopted && complete()) {
        const signed = { roster, signatures: roster.members.map((k) => mine.get(k)!) };
        adopted = await verifyRoster(signed).then(() => signed, () => null);
      }
    }
    if (!adopted) return null;
    const { roster } = adopted;
    const id = roster.members.indexOf(me);
    const transport = new BroadcastChannelTransport(id, `${name}/group/${rosterId(roster).slice(0, 16)}`);
    const service = createConsensus({ id, members: roster.members, privateKey: options.identity.privateKey, transport, config: options.config });
    // Keep answering tabs that reload or ask late with the adopted roster (the service catches up itself).
    const answer = adopted;
    const stay = new BroadcastChannel(`${name}/discovery`);
    stay.onmessage = (ev: MessageEvent) => {
      if ((ev.data as Announce)?.t === 'here') stay.postMessage({ t: 'adopted', signed: answer } satisfies Announce);
    };
    return { service, roster, id, close: async () => { stay.close(); await service.close(); } };
  } finally {
    discovery.close();
  }
}

function rosterId(roster: Roster): string {
  return sha256Hex(JSON.stringify([roster.group, roster.version, roster.members]));
}
