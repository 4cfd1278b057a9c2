/**
 * A tiny per-container read-through cache for data that changes rarely. It bounds its size
 * so a scan flood over many GTINs cannot grow memory. Its users: products with their serial
 * codecs (shared/issuance/services/unit-lookup.ts), organizations
 * (shared/registry/services/organization-cache.ts), a product's resolver links
 * (shared/resolver/services/product-links-cache.ts), and test-report summaries and the report
 * attached to a product (shared/resolver/services/test-report-scan.ts).
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
