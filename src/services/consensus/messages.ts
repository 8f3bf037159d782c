import { requireJson, type Json } from './codec';
import { MAC_HEX, MAC_TYPES } from './authenticator';
import { MalformedMessageError } from './errors';

/**
 * PBFT messages (Castro & Liskov, OSDI 1999 / TOCS 2002), each carried in a signed envelope.
 * Certificates travel as the signed messages themselves, so any replica can check them.
 */
export interface RequestBody { t: 'request'; client: number; session: number; reqId: number; value: Json }
export interface PrePrepareBody { t: 'pre-prepare'; view: number; seq: number; digest: string; requests: Envelope<RequestBody>[] }
export interface PrepareBody { t: 'prepare'; view: number; seq: number; digest: string }
export interface CommitBody { t: 'commit'; view: number; seq: number; digest: string }
export interface ReplyBody { t: 'reply'; view: number; seq: number; index: number; client: number; session: number; reqId: number; digest: string }
export interface CheckpointBody { t: 'checkpoint'; seq: number; digest: string }
/** A prepared certificate: the pre-prepare and 2f matching prepares from other replicas. */
export interface PreparedProof { prePrepare: Envelope<PrePrepareBody>; prepares: Envelope<PrepareBody>[] }
export interface ViewChangeBody {
  t: 'view-change'; view: number; stableSeq: number; stableDigest: string;
  checkpointProof: Envelope<CheckpointBody>[]; prepared: PreparedProof[];
}
export interface PlanEntry { seq: number; digest: string }
export interface NewViewBody { t: 'new-view'; view: number; viewChanges: Envelope<ViewChangeBody>[]; plan: PlanEntry[] }
/** Asks peers for committed batches (and a checkpoint snapshot) from `fromSeq` on: state transfer. */
export interface FetchBody { t: 'fetch'; fromSeq: number; nonce: number }
export interface SessionState { client: number; session: number; floor: number; above: number[]; replies: ReplyRecord[]; lastSeq: number }
/** A client's highest retired session: requests from it or older sessions never execute again. */
export interface SessionFloor { client: number; session: number }
/** Part of the replicated state, so it holds nothing that differs between replicas (not the view). */
export interface ReplyRecord { reqId: number; seq: number; index: number; digest: string }
/** The replicated state at a checkpoint: enough to resume execution after it. */
export interface Snapshot { seq: number; chain: string; sessions: SessionState[]; floors: SessionFloor[] }
export interface CommittedEntry { view: number; seq: number; requests: Envelope<RequestBody>[]; commits: Envelope<CommitBody>[] }
/** A member's X25519 public key for the pairwise MAC keys (mac-keys.ts); always signed. */
export interface MacKeyBody { t: 'mac-key'; key: string; epoch: number; ask: boolean }
export interface StateBody {
  t: 'state'; nonce: number;
  checkpoint: { snapshot: Snapshot; proof: Envelope<CheckpointBody>[] } | null;
  entries: CommittedEntry[];
}

export type Body =
  | RequestBody | PrePrepareBody | PrepareBody | CommitBody | ReplyBody | CheckpointBody
  | ViewChangeBody | NewViewBody | FetchBody | StateBody | MacKeyBody;

/**
 * `sig`: Ed25519 signature of signingText (hex); empty only for a request that carries an
 * authenticator instead. `auth`: PBFT's authenticator (authenticator.ts), on the hot-path types only.
 */
export interface Envelope<B extends Body = Body> { from: number; body: B; sig: string; auth?: string }

/** Limits on what a peer may send: anything larger is malformed. */
export const MESSAGE_LIMITS = {
  maxValueBytes: 16_384,
  maxBatch: 256,
  maxList: 1024,
  maxSeq: 2 ** 48,
  maxWireBytes: 4 * 1024 * 1024,
} as const;

type Obj = Record<string, unknown>;

function fail(path: string, what: string): never {
  throw new MalformedMessageError(`${path} ${what}`);
}
function obj(v: unknown, path: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'is not an object');
  return v as Obj;
}
function int(o: Obj, key: string, path: string, max: number = MESSAGE_LIMITS.maxSeq): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) fail(`${path}.${key}`, `is ${String(v)}, not an integer in [0, ${max}]`);
  return v;
}
function hex(o: Obj, key: string, path: string, length: number): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length !== length || !/^[0-9a-f]*$/.test(v)) fail(`${path}.${key}`, `is not ${length} lowercase hex digits`);
  return v;
}
function list<T>(o: Obj, key: string, path: string, max: number, each: (v: unknown, p: string) => T): T[] {
  const v = o[key];
  if (!Array.isArray(v)) fail(`${path}.${key}`, 'is not an array');
  if (v.length > max) fail(`${path}.${key}`, `has ${v.length} items, more than ${max}`);
  return v.map((item, i) => each(item, `${path}.${key}[${i}]`));
}
function onlyKeys(o: Obj, keys: string[], path: string): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) fail(path, `has an unknown field "${k}"`);
}

const DIGEST = 64;

/**
 * Checks the shape of an envelope received from an untrusted tab or peer and returns it typed.
 * Nested envelopes (certificates) are checked too. Signatures are checked later, by the verifier.
 */
export function parseEnvelope(raw: unknown, path = 'message', expect?: Body['t'], sigLength?: number, authLength?: number): Envelope {
  const o = obj(raw, path);
  onlyKeys(o, ['from', 'body', 'sig', 'auth'], path);
  const from = int(o, 'from', path, 1023);
  if (typeof o.sig !== 'string' || o.sig.length > 512 || !/^[0-9a-f]*$/.test(o.sig) || (sigLength !== undefined && o.sig.length > 0 && o.sig.length !== sigLength)) {
    fail(`${path}.sig`, 'is not a hex signature');
  }
  const auth = o.auth;
  if (auth !== undefined && (typeof auth !== 'string' || auth.length === 0 || auth.length > 1024 * MAC_HEX || auth.length % MAC_HEX !== 0 || !/^[0-9a-f]*$/.test(auth) || (authLength !== undefined && auth.length !== authLength))) {
    fail(`${path}.auth`, 'is not a hex authenticator');
  }
  const body = parseBody(o.body, `${path}.body`, sigLength ?? (o.sig.length || undefined), authLength);
  if (expect && body.t !== expect) fail(`${path}.body.t`, `is "${body.t}", expected "${expect}"`);
  if (auth !== undefined && !MAC_TYPES.has(body.t)) fail(`${path}.auth`, `is not allowed on a ${body.t} (it is signed only)`);
  if (o.sig.length === 0 && (auth === undefined || body.t !== 'request')) fail(`${path}.sig`, 'is missing (only a request may carry an authenticator alone)');
  return auth === undefined ? { from, body, sig: o.sig } : { from, body, sig: o.sig, auth };
}

function parseBody(raw: unknown, path: string, sigLength: number | undefined, authLength: number | undefined): Body {
  const o = obj(raw, path);
  const nested = <B extends Body>(t: B['t']) => (v: unknown, p: string) => parseEnvelope(v, p, t, sigLength, authLength) as Envelope<B>;
  switch (o.t) {
    case 'request':
      onlyKeys(o, ['t', 'client', 'session', 'reqId', 'value'], path);
      if (!('value' in o)) fail(`${path}.value`, 'is missing');
      requireJson(`${path}.value`, o.value, MESSAGE_LIMITS.maxValueBytes);
      return { t: 'request', client: int(o, 'client', path, 1023), session: int(o, 'session', path), reqId: int(o, 'reqId', path), value: o.value as Json };
    case 'pre-prepare':
      onlyKeys(o, ['t', 'view', 'seq', 'digest', 'requests'], path);
      return {
        t: 'pre-prepare', view: int(o, 'view', path), seq: int(o, 'seq', path), digest: hex(o, 'digest', path, DIGEST),
        requests: list(o, 'requests', path, MESSAGE_LIMITS.maxBatch, nested<RequestBody>('request')),
      };
    case 'prepare':
    case 'commit':
      onlyKeys(o, ['t', 'view', 'seq', 'digest'], path);
      return { t: o.t, view: int(o, 'view', path), seq: int(o, 'seq', path), digest: hex(o, 'digest', path, DIGEST) };
    case 'reply':
      onlyKeys(o, ['t', 'view', 'seq', 'index', 'client', 'session', 'reqId', 'digest'], path);
      return {
        t: 'reply', view: int(o, 'view', path), seq: int(o, 'seq', path), index: int(o, 'index', path, MESSAGE_LIMITS.maxBatch),
        client: int(o, 'client', path, 1023), session: int(o, 'session', path), reqId: int(o, 'reqId', path), digest: hex(o, 'digest', path, DIGEST),
      };
    case 'checkpoint':
      onlyKeys(o, ['t', 'seq', 'digest'], path);
      return { t: 'checkpoint', seq: int(o, 'seq', path), digest: hex(o, 'digest', path, DIGEST) };
    case 'view-change':
      onlyKeys(o, ['t', 'view', 'stableSeq', 'stableDigest', 'checkpointProof', 'prepared'], path);
      return {
        t: 'view-change', view: int(o, 'view', path), stableSeq: int(o, 'stableSeq', path), stableDigest: hex(o, 'stableDigest', path, DIGEST),
        checkpointProof: list(o, 'checkpointProof', path, MESSAGE_LIMITS.maxList, nested<CheckpointBody>('checkpoint')),
        prepared: list(o, 'prepared', path, MESSAGE_LIMITS.maxList, (v, p) => {
          const po = obj(v, p);
          onlyKeys(po, ['prePrepare', 'prepares'], p);
          return {
            prePrepare: nested<PrePrepareBody>('pre-prepare')(po.prePrepare, `${p}.prePrepare`),
            prepares: list(po, 'prepares', p, MESSAGE_LIMITS.maxList, nested<PrepareBody>('prepare')),
          };
        }),
      };
    case 'new-view':
      onlyKeys(o, ['t', 'view', 'viewChanges', 'plan'], path);
      return {
        t: 'new-view', view: int(o, 'view', path),
        viewChanges: list(o, 'viewChanges', path, MESSAGE_LIMITS.maxList, nested<ViewChangeBody>('view-change')),
        plan: list(o, 'plan', path, MESSAGE_LIMITS.maxList, (v, p) => {
          const e = obj(v, p);
          onlyKeys(e, ['seq', 'digest'], p);
          return { seq: int(e, 'seq', p), digest: hex(e, 'digest', p, DIGEST) };
        }),
      };
    case 'mac-key':
      onlyKeys(o, ['t', 'key', 'epoch', 'ask'], path);
      if (typeof o.ask !== 'boolean') fail(`${path}.ask`, 'is not a boolean');
      return { t: 'mac-key', key: hex(o, 'key', path, 64), epoch: int(o, 'epoch', path), ask: o.ask };
    case 'fetch':
      onlyKeys(o, ['t', 'fromSeq', 'nonce'], path);
      return { t: 'fetch', fromSeq: int(o, 'fromSeq', path), nonce: int(o, 'nonce', path) };
    case 'state': {
      onlyKeys(o, ['t', 'nonce', 'checkpoint', 'entries'], path);
      let checkpoint: StateBody['checkpoint'] = null;
      if (o.checkpoint !== null) {
        const c = obj(o.checkpoint, `${path}.checkpoint`);
        onlyKeys(c, ['snapshot', 'proof'], `${path}.checkpoint`);
        checkpoint = {
          snapshot: parseSnapshot(c.snapshot, `${path}.checkpoint.snapshot`),
          proof: list(c, 'proof', `${path}.checkpoint`, MESSAGE_LIMITS.maxList, nested<CheckpointBody>('checkpoint')),
        };
      }
      return {
        t: 'state', nonce: int(o, 'nonce', path), checkpoint,
        entries: list(o, 'entries', path, MESSAGE_LIMITS.maxList, (v, p) => {
          const e = obj(v, p);
          onlyKeys(e, ['view', 'seq', 'requests', 'commits'], p);
          return {
            view: int(e, 'view', p), seq: int(e, 'seq', p),
            requests: list(e, 'requests', p, MESSAGE_LIMITS.maxBatch, nested<RequestBody>('request')),
            commits: list(e, 'commits', p, MESSAGE_LIMITS.maxList, nested<CommitBody>('commit')),
          };
        }),
      };
    }
    default:
      return fail(`${path}.t`, `is ${JSON.stringify(String(o.t)).slice(0, 40)}, not a PBFT message type`);
  }
}

function parseSnapshot(raw: unknown, path: string): Snapshot {
  const o = obj(raw, path);
  onlyKeys(o, ['seq', 'chain', 'sessions', 'floors'], path);
  return {
    seq: int(o, 'seq', path), chain: hex(o, 'chain', path, DIGEST),
    floors: list(o, 'floors', path, MESSAGE_LIMITS.maxList, (v, p) => {
      const f = obj(v, p);
      onlyKeys(f, ['client', 'session'], p);
      return { client: int(f, 'client', p, 1023), session: int(f, 'session', p) };
    }),
    sessions: list(o, 'sessions', path, MESSAGE_LIMITS.maxList, (v, p) => {
      const s = obj(v, p);
      onlyKeys(s, ['client', 'session', 'floor', 'above', 'replies', 'lastSeq'], p);
      return {
        client: int(s, 'client', p, 1023), session: int(s, 'session', p), floor: int(s, 'floor', p), lastSeq: int(s, 'lastSeq', p),
        above: list(s, 'above', p, MESSAGE_LIMITS.maxList, (x, q) => int({ x }, 'x', q)),
        replies: list(s, 'replies', p, MESSAGE_LIMITS.maxList, (x, q) => {
          const r = obj(x, q);
          onlyKeys(r, ['reqId', 'seq', 'index', 'digest'], q);
          return { reqId: int(r, 'reqId', q), seq: int(r, 'seq', q), index: int(r, 'index', q), digest: hex(r, 'digest', q, DIGEST) };
        }),
      };
    }),
  };
}

/**
 * The envelopes inside `env` whose authenticity it rests on, besides itself: a pre-prepare's requests
 * (each authenticated by its client: a MAC or a signature), and every message of a certificate, which
 * must be signed (a MAC convinces its receiver only). Requests inside a certificate are not listed:
 * the signed pre-prepare and 2f prepares (or 2f+1 commits) over their digest vouch that f+1 honest
 * replicas authenticated them.
 */
export function nestedToVerify(env: Envelope): { requests: Envelope[]; proofs: Envelope[] } {
  const b = env.body;
  if (b.t === 'pre-prepare') return { requests: b.requests, proofs: [] };
  const proofs = collectEnvelopes(env).filter((e) => e !== env && e.body.t !== 'request');
  return { requests: [], proofs };
}

/** Every envelope inside `env`, itself included: all of them must come from members. */
export function collectEnvelopes(env: Envelope, out: Envelope[] = []): Envelope[] {
  out.push(env);
  const b = env.body;
  switch (b.t) {
    case 'pre-prepare':
      for (const r of b.requests) collectEnvelopes(r, out);
      break;
    case 'view-change':
      for (const c of b.checkpointProof) collectEnvelopes(c, out);
      for (const p of b.prepared) {
        collectEnvelopes(p.prePrepare, out);
        for (const q of p.prepares) collectEnvelopes(q, out);
      }
      break;
    case 'new-view':
      for (const v of b.viewChanges) collectEnvelopes(v, out);
      break;
    case 'state':
      if (b.checkpoint) for (const c of b.checkpoint.proof) collectEnvelopes(c, out);
      for (const e of b.entries) {
        for (const r of e.requests) collectEnvelopes(r, out);
        for (const c of e.commits) collectEnvelopes(c, out);
      }
      break;
    default:
      break;
  }
  return out;
}
