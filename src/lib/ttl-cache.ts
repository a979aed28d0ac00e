/**
 * A small bounded map whose entries live `ttlMs`. For answers many people ask for and that change
 * rarely (public pass-code checks): one process answers from memory and refreshes every few seconds.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();

  constructor(private readonly ttlMs: number, private readonly maxEntries = 10_000) {}

  get(key: string, now = Date.now()): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.until > now) return hit.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, value: V, now = Date.now()): void {
    // Oldest first out: Map keeps insertion order, so the first key is the oldest entry.
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, until: now + this.ttlMs });
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * Caches that belong to one database, keyed by its client object: a cache key must name the
 * database it belongs to, so two databases in one process (tests, several tenants) never mix.
 */
export function perDatabase<V>(make: () => TtlCache<V>) {
  const caches = new WeakMap<object, TtlCache<V>>();
  return {
    of(db: object): TtlCache<V> {
      let cache = caches.get(db);
      if (!cache) caches.set(db, (cache = make()));
      return cache;
    },
    /** After a commit: whatever this process just changed is read fresh on the next request. */
    clear(db: object): void {
      caches.get(db)?.clear();
    },
  };
}
