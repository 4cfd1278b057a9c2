import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTtlCache } from '#kernel/ttl-cache';

/** The per-container read-through cache for products and organizations. */
beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-24T10:00:00Z') }));
afterEach(() => vi.useRealTimers());

const loader = <V>(value: V) => vi.fn(async () => value);

describe('createTtlCache', () => {
  it('loads a key once and answers from memory until it expires', async () => {
    const cache = createTtlCache<string>(1000);
    const load = loader('helmet');
    expect(await cache.get('k', load)).toBe('helmet');
    vi.advanceTimersByTime(999);
    expect(await cache.get('k', load)).toBe('helmet');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('loads again once the entry is past its lifetime', async () => {
    const cache = createTtlCache<number>(1000);
    let version = 0;
    const load = vi.fn(async () => ++version);
    expect(await cache.get('k', load)).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(await cache.get('k', load)).toBe(2);
  });

  it('keeps keys apart', async () => {
    const cache = createTtlCache<string>(1000);
    expect(await cache.get('a', loader('A'))).toBe('A');
    expect(await cache.get('b', loader('B'))).toBe('B');
    expect(await cache.get('a', loader('other'))).toBe('A');
  });

  it('caches undefined (a GTIN that is not registered) like any value', async () => {
    const cache = createTtlCache<string | undefined>(1000);
    const load = loader<string | undefined>(undefined);
    await cache.get('unknown', load);
    await cache.get('unknown', load);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('does not cache a failed load', async () => {
    const cache = createTtlCache<string>(1000);
    await expect(cache.get('k', () => Promise.reject(new Error('throttled')))).rejects.toThrow('throttled');
    expect(await cache.get('k', loader('loaded'))).toBe('loaded');
  });

  it('never holds more than its bound, evicting the oldest entry first', async () => {
    const cache = createTtlCache<number>(60_000, 3);
    for (const [index, key] of ['a', 'b', 'c', 'd'].entries()) await cache.get(key, loader(index));
    const reload = loader(99);
    expect(await cache.get('b', reload)).toBe(1);
    expect(await cache.get('d', reload)).toBe(3);
    expect(await cache.get('a', reload)).toBe(99);
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('forgets everything on clear', async () => {
    const cache = createTtlCache<string>(60_000);
    await cache.get('k', loader('old'));
    cache.clear();
    expect(await cache.get('k', loader('new'))).toBe('new');
  });
});
