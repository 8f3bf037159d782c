import { Redis } from 'ioredis';

/** An item as every node sees it in Redis: its JSON data and, where given, its embedding. */
export interface SharedItem {
  data: unknown;
  vector?: Float32Array;
}

export interface RedisHotTierStatus {
  /** 'up' while the connection is ready; 'down' once a command failed or the connection closed. */
  state: 'up' | 'down';
  /** Redis's eviction policy and memory budget as the server reports them (last seen while up). */
  maxmemoryPolicy?: string;
  maxmemoryBytes?: number;
  /** Commands that failed since start (the node answered from its own tiers instead). */
  failures: number;
}

export interface RedisHotTierOptions {
  /** redis://host:port[/db] */
  url: string;
  /** Key prefix, so several memories (or deployments) can share one server. */
  prefix?: string;
  /** A command that takes longer fails, and the node answers from its own tiers (default 500 ms). */
  commandTimeoutMs?: number;
}

/**
 * The shared hot tier of the edge memory: Redis through ioredis. Every node reads and writes the same
 * keys, so an item remembered through one node is recalled through any other. Redis evicts by its own
 * LFU (the server runs with maxmemory-policy allkeys-lfu and a maxmemory budget); what it evicts is
 * still in the node's LMDB and L3. Redis is never waited on: commands fail fast while it is down (no
 * offline queue, no retries per command), and the caller falls back to the node's own tiers.
 */
export class RedisHotTier {
  private state: 'up' | 'down' = 'down';
  private failures = 0;
  private policy?: string;
  private budget?: number;

  private constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    redis.on('ready', () => {
      this.state = 'up';
      void this.readConfig();
    });
    redis.on('close', () => (this.state = 'down'));
    redis.on('error', () => (this.state = 'down')); // reconnects on its own; the state says so meanwhile
  }

  static async connect(options: RedisHotTierOptions): Promise<RedisHotTier> {
    const redis = new Redis(options.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 500,
      connectTimeout: 2000,
      lazyConnect: true,
      // Keep trying to come back, at most every 2 s.
      retryStrategy: (times) => Math.min(100 * times, 2000),
    });
    const tier = new RedisHotTier(redis, options.prefix ?? 'aura:mem:');
    try {
      await redis.connect();
      await tier.readConfig();
    } catch {
      tier.failures++; // start without it; the node says 'down' until Redis answers
    }
    return tier;
  }

  private async readConfig(): Promise<void> {
    const [, policy] = (await this.redis.config('GET', 'maxmemory-policy')) as string[];
    const [, budget] = (await this.redis.config('GET', 'maxmemory')) as string[];
    this.policy = policy;
    this.budget = Number(budget);
  }

  /** Writes the item for every node; false where Redis did not take it (the node's tiers have it). */
  async put(key: string, item: SharedItem): Promise<boolean> {
    const fields: Record<string, string | Buffer> = { d: JSON.stringify(item.data) };
    if (item.vector) fields.v = Buffer.from(item.vector.buffer, item.vector.byteOffset, item.vector.byteLength);
    return this.attempt(async () => {
      await this.redis.hset(this.prefix + key, fields);
      return true;
    }, false);
  }

  /** The item where Redis holds it; undefined on a miss, or while Redis is down. */
  async get(key: string): Promise<SharedItem | undefined> {
    return this.attempt(async () => {
      const [data, vector] = await this.redis.hmgetBuffer(this.prefix + key, 'd', 'v');
      if (!data) return undefined;
      const item: SharedItem = { data: JSON.parse(data.toString('utf8')) };
      if (vector) item.vector = new Float32Array(new Uint8Array(vector).buffer);
      return item;
    }, undefined);
  }

  private async attempt<T>(command: () => Promise<T>, fallback: T): Promise<T> {
    if (this.state === 'down' && this.redis.status !== 'ready') {
      this.failures++;
      return fallback;
    }
    try {
      return await command();
    } catch {
      this.failures++;
      if (this.redis.status !== 'ready') this.state = 'down';
      return fallback;
    }
  }

  status(): RedisHotTierStatus {
    return { state: this.state, maxmemoryPolicy: this.policy, maxmemoryBytes: this.budget, failures: this.failures };
  }

  /** Prometheus text: whether Redis is reachable, and the commands that fell back to the node's tiers. */
  metrics(): string {
    return [
      '# HELP aura_edge_redis_up Whether the shared hot tier (Redis) answers: 1 up, 0 down (the node answers from its own tiers).',
      '# TYPE aura_edge_redis_up gauge',
      `aura_edge_redis_up ${this.state === 'up' ? 1 : 0}`,
      '# HELP aura_edge_redis_failures_total Redis commands that failed; the node fell back to its own tiers.',
      '# TYPE aura_edge_redis_failures_total counter',
      `aura_edge_redis_failures_total ${this.failures}`,
      '',
    ].join('\n');
  }

  async close(): Promise<void> {
    this.redis.disconnect(false);
  }
}
