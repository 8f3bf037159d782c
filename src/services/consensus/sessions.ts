import type { ReplyRecord, RequestBody, SessionState, SessionFloor } from './messages';

/**
 * Client sessions: the replicated de-duplication state (which requests a session has executed, and
 * the reply cache). Bounded so checkpoints and state transfer stay bounded however many sessions a
 * client ever opened (a tab opens one per page load):
 * - per client at most `perClient` sessions; opening one more retires the oldest;
 * - at each checkpoint, sessions other than a client's newest that executed nothing for `idleSeqs`
 *   sequence numbers retire.
 * A retired session raises its client's floor: requests from sessions at or below it are never
 * executed again (they cannot be told apart from replays once their history is gone). All of this
 * depends only on the executed sequence, so every replica collects the same sessions.
 */
export interface Session { client: number; session: number; floor: number; above: Set<number>; replies: ReplyRecord[]; lastSeq: number }

export const SESSION_LIMITS = { perClient: 4, idleSeqs: 1024, replyCache: 64 } as const;

export type ExecuteOutcome = 'executed' | 'duplicate' | 'retired';

export class SessionTable {
  private readonly sessions = new Map<string, Session>();
  /** client → highest retired session number. */
  private readonly floors = new Map<number, number>();

  constructor(private readonly limits: { perClient: number; idleSeqs: number; replyCache: number } = SESSION_LIMITS) {}

  get size(): number {
    return this.sessions.size;
  }

  retired(client: number, session: number): boolean {
    return session <= (this.floors.get(client) ?? -1);
  }

  /** Whether the request was executed already (or belongs to a retired session, so it never will be). */
  isDone(r: Pick<RequestBody, 'client' | 'session' | 'reqId'>): boolean {
    if (this.retired(r.client, r.session)) return true;
    const s = this.sessions.get(`${r.client}:${r.session}`);
    return s !== undefined && (r.reqId <= s.floor || s.above.has(r.reqId));
  }

  /** The reply cache entry for an executed request, if it is still cached. */
  cachedReply(r: Pick<RequestBody, 'client' | 'session' | 'reqId'>): ReplyRecord | undefined {
    return this.sessions.get(`${r.client}:${r.session}`)?.replies.find((x) => x.reqId === r.reqId);
  }

  /** Records the execution of `r` at (seq, index); `noDedup` is a planted bug for the mutation check only. */
  execute(r: RequestBody, seq: number, index: number, digest: string, noDedup = false): ExecuteOutcome {
    if (this.retired(r.client, r.session)) return 'retired';
    const key = `${r.client}:${r.session}`;
    let s = this.sessions.get(key);
    if (!s) {
      s = { client: r.client, session: r.session, floor: 0, above: new Set(), replies: [], lastSeq: seq };
      this.sessions.set(key, s);
      this.limitClient(r.client);
      if (this.retired(r.client, r.session)) return 'retired';
    }
    if (!noDedup && (r.reqId <= s.floor || s.above.has(r.reqId))) return 'duplicate';
    s.lastSeq = seq;
    s.above.add(r.reqId);
    while (s.above.has(s.floor + 1)) s.above.delete(++s.floor);
    s.replies.push({ reqId: r.reqId, seq, index, digest });
    if (s.replies.length > this.limits.replyCache) s.replies.shift();
    return 'executed';
  }

  /** Retires idle sessions (never a client's newest); called at each checkpoint, before the snapshot. */
  collect(seq: number): void {
    const newest = new Map<number, number>();
    for (const s of this.sessions.values()) newest.set(s.client, Math.max(newest.get(s.client) ?? -1, s.session));
    for (const s of [...this.sessions.values()]) {
      if (s.session !== newest.get(s.client) && s.lastSeq + this.limits.idleSeqs < seq) this.retire(s.client, s.session);
    }
  }

  snapshot(): { sessions: SessionState[]; floors: SessionFloor[] } {
    const sessions = [...this.sessions.values()]
      .map((s) => ({ client: s.client, session: s.session, floor: s.floor, above: [...s.above].sort((a, b) => a - b), replies: s.replies.slice(), lastSeq: s.lastSeq }))
      .sort((a, b) => a.client - b.client || a.session - b.session);
    const floors = [...this.floors].map(([client, session]) => ({ client, session })).sort((a, b) => a.client - b.client);
    return { sessions, floors };
  }

  restore(snapshot: { sessions: SessionState[]; floors: SessionFloor[] }): void {
    this.sessions.clear();
    this.floors.clear();
    for (const f of snapshot.floors) this.floors.set(f.client, f.session);
    for (const s of snapshot.sessions) {
      this.sessions.set(`${s.client}:${s.session}`, { client: s.client, session: s.session, floor: s.floor, above: new Set(s.above), replies: s.replies.slice(), lastSeq: s.lastSeq });
    }
  }

  private limitClient(client: number): void {
    const mine = [...this.sessions.values()].filter((s) => s.client === client).sort((a, b) => a.session - b.session);
    if (mine.length > this.limits.perClient) this.retire(client, mine[0].session);
  }

  private retire(client: number, session: number): void {
    const floor = Math.max(this.floors.get(client) ?? -1, session);
    this.floors.set(client, floor);
    for (const [key, s] of this.sessions) if (s.client === client && s.session <= floor) this.sessions.delete(key);
  }
}
