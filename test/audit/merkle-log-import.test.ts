import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leafHash, rootOfLeafHashes } from '#kernel/merkle-tree';
import { chunkedRangeHasher } from '#shared/audit/domain/merkle-chunks';
import { importLeaves } from '#shared/audit/store/merkle-log-import';
import {
  acquireLogLease,
  appendLeaves,
  LogBusyError,
  leafIndexesOf,
  loadTree,
  readLogState,
  releaseLogLease,
} from '#shared/audit/store/merkle-log-repository';
import { startTestService, type TestService } from '../support/local-service';

/**
 * The bulk import (restoring a log, the bench's million-event history) leaves the table
 * exactly as appends of the same leaves would: same root, same leaf pointers, and ordinary
 * appends carry on after it, from a chunk it left partial too.
 */
let service: TestService;
beforeAll(async () => {
  service = await startTestService();
}, 60_000);
afterAll(async () => service?.stop());

const entryOf = (i: number) => ({
  eventId: `ni:///sha-256;${createHash('sha256').update(`import-${i}`).digest('hex')}?ver=CBV2.0`,
  recordTime: new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString(),
  leafHash: leafHash(Buffer.from(`event ${i}`)),
});

describe('importing leaves into the audit log in bulk', () => {
  it('gives the root and pointers appends give, and appends continue after it', { timeout: 120_000 }, async () => {
    const entries = Array.from({ length: 1010 }, (_, i) => entryOf(i));
    const owner = 'importer';
    let state = await acquireLogLease(owner, Date.now(), 60_000);
    expect(state.size).toBe(0);
    // 600 then 400: the second import starts inside a chunk (600 = 2 * 256 + 88).
    state = await importLeaves(owner, state, entries.slice(0, 600), { lanes: 4 });
    state = await importLeaves(owner, state, entries.slice(600, 1000));
    state = await appendLeaves(owner, state, entries.slice(1000));
    expect(state).toEqual({ size: 1010, last: { recordTime: entries[1009]?.recordTime, eventId: entries[1009]?.eventId } });
    expect((await readLogState()).size).toBe(1010);

    const tree = await loadTree(1010);
    const stored = chunkedRangeHasher(tree)(0, 1010);
    expect(stored.equals(rootOfLeafHashes(entries.map((e) => e.leafHash)))).toBe(true);
    const picks = [0, 255, 256, 599, 600, 999, 1009];
    const indexes = await leafIndexesOf(picks.map((i) => entries[i]?.eventId ?? ''));
    expect(picks.map((i) => indexes.get(entries[i]?.eventId ?? ''))).toEqual(picks);

    // An event imported once cannot be appended again: the pointers are the ones appends check.
    await expect(appendLeaves(owner, state, [entries[5] ?? entryOf(5)])).rejects.toBeInstanceOf(LogBusyError);
    await releaseLogLease(owner);
  });

  it('refuses a caller without the lease, or with a stale size, before writing anything', async () => {
    const holder = 'holder';
    const state = await acquireLogLease(holder, Date.now(), 60_000);
    const stranger = entryOf(50_000);
    await expect(importLeaves('intruder', state, [stranger])).rejects.toBeInstanceOf(LogBusyError);
    await expect(importLeaves(holder, { size: state.size - 1 }, [stranger])).rejects.toBeInstanceOf(LogBusyError);
    expect((await leafIndexesOf([stranger.eventId])).size).toBe(0);
    // The honest holder then appends that very event as usual.
    const after = await appendLeaves(holder, state, [stranger]);
    expect(after.size).toBe(state.size + 1);
    await releaseLogLease(holder);
  });
});
