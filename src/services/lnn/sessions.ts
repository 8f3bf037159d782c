import { LnnSessionLimitError, LnnUnknownSessionError } from './errors';

/** A session's hidden state: a GPU buffer (gpu path) or an array (cpu path), batch × stateSize. */
export interface LnnSession<State> {
  id: string;
  batch: number;
  state: State;
  lastUsed: number;
}

/**
 * Sessions with a limit and idle eviction: a session unused for `idleMs` is dropped (its state
 * destroyed) at the next create or lookup; past the limit, creation fails with a typed error.
 */
export class LnnSessionTable<State> {
  private readonly sessions = new Map<string, LnnSession<State>>();
  private nextId = 1;
  evicted = 0;

  constructor(
    private readonly limit: number,
    private readonly idleMs: number,
    private readonly now: () => number,
    private readonly dispose: (state: State) => void,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  create(batch: number, state: State): LnnSession<State> {
    this.evictIdle();
    if (this.sessions.size >= this.limit) {
      this.dispose(state);
      throw new LnnSessionLimitError(this.limit);
    }
    const session = { id: `lnn-session-${this.nextId++}`, batch, state, lastUsed: this.now() };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session, marked as used now; throws LnnUnknownSessionError for unknown or evicted ids. */
  get(id: unknown): LnnSession<State> {
    this.evictIdle();
    const session = typeof id === 'string' ? this.sessions.get(id) : undefined;
    if (!session) throw new LnnUnknownSessionError(String(id));
    session.lastUsed = this.now();
    return session;
  }

  close(id: string): boolean {
    const session = this.sessions.get(id);
    if (!session) return false;
    this.sessions.delete(id);
    this.dispose(session.state);
    return true;
  }

  evictIdle(): void {
    const now = this.now();
    for (const session of [...this.sessions.values()]) {
      if (now - session.lastUsed > this.idleMs) {
        this.close(session.id);
        this.evicted++;
      }
    }
  }

  clear(): void {
    for (const id of [...this.sessions.keys()]) this.close(id);
  }
}
