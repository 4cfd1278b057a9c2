/**
 * A tiny per-container read-through cache for data that changes rarely (products,
 * organizations). It bounds its size so a scan flood over many GTINs cannot grow memory.
 */
export const createTtlCache = <V>(ttlMs: number, maxEntries = 1000) => {
  const entries = new Map<string, { value: V; expires: number }>();
  return {
    async get(key: string, load: () => Promise<V>): Promise<V> {
      const hit = entries.get(key);
      if (hit !== undefined && hit.expires > Date.now()) return hit.value;
      const value = await load();
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(key, { value, expires: Date.now() + ttlMs });
      return value;
    },
    clear(): void {
      entries.clear();
    },
  };
};
