import { describe, expect, it } from 'vitest';
import { parseEventJobMessage } from '#shared/custody/services/event-job-dispatcher';
import { nextSliceSize, summarize } from '#shared/custody/services/event-job-slices';
import { chunkBySize, MAX_CHUNK_JSON_BYTES } from '#shared/custody/store/event-job-chunks';

/** The pure parts of event jobs: how work is cut into slices, and stored input into chunks. */
describe('nextSliceSize', () => {
  it('starts with one event to learn their cost', () => {
    expect(nextSliceSize({ msPerEvent: undefined, availableMs: 20_000, left: 1000 })).toBe(1);
  });

  it('then takes about a second of work, at most 50 events and never more than are left', () => {
    expect(nextSliceSize({ msPerEvent: 100, availableMs: 20_000, left: 1000 })).toBe(10);
    expect(nextSliceSize({ msPerEvent: 5, availableMs: 20_000, left: 1000 })).toBe(50);
    expect(nextSliceSize({ msPerEvent: 5, availableMs: 20_000, left: 7 })).toBe(7);
  });

  it('fits the slice in the time left, and stops when not even one event fits', () => {
    expect(nextSliceSize({ msPerEvent: 100, availableMs: 350, left: 1000 })).toBe(3);
    expect(nextSliceSize({ msPerEvent: 100, availableMs: 99, left: 1000 })).toBe(0);
    expect(nextSliceSize({ msPerEvent: undefined, availableMs: 0, left: 1000 })).toBe(0);
    expect(nextSliceSize({ msPerEvent: undefined, availableMs: -5, left: 1000 })).toBe(0);
  });
});

describe('chunkBySize', () => {
  it('keeps order and absolute indexes, and bounds each chunk by its JSON size', () => {
    const values = Array.from({ length: 30 }, (_, i) => ({ i, pad: 'x'.repeat(90) }));
    const chunks = chunkBySize(values, 100, 1000);
    expect(chunks.flatMap((c) => c.values)).toEqual(values);
    expect(chunks[0]?.first).toBe(100);
    expect(chunks.at(-1)?.last).toBe(129);
    for (const [n, chunk] of chunks.entries()) {
      expect(chunk.last - chunk.first + 1).toBe(chunk.values.length);
      expect(Buffer.byteLength(JSON.stringify(chunk.values))).toBeLessThanOrEqual(1000);
      if (n > 0) expect(chunk.first).toBe((chunks[n - 1]?.last ?? 0) + 1);
    }
  });

  it('gives a value larger than the limit a chunk of its own', () => {
    const chunks = chunkBySize([{ a: 1 }, { big: 'y'.repeat(2000) }, { b: 2 }], 0, 1000);
    expect(chunks.map((c) => [c.first, c.last])).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
    ]);
  });

  it('stores the largest call the API accepts (1,000 events, 5 MB) in chunks under DynamoDB’s item limit', () => {
    const event = {
      bizStep: 'shipping',
      epcs: Array.from({ length: 12 }, (_, i) => `https://verify.example/00/${i}`.padEnd(400, 'z')),
    };
    const chunks = chunkBySize(
      Array.from({ length: 1000 }, () => event),
      0,
    );
    expect(chunks.length).toBeGreaterThan(10);
    for (const chunk of chunks) expect(Buffer.byteLength(JSON.stringify(chunk.values))).toBeLessThanOrEqual(MAX_CHUNK_JSON_BYTES);
  });

  it('makes no chunk of nothing', () => {
    expect(chunkBySize([], 5)).toEqual([]);
  });
});

describe('parseEventJobMessage', () => {
  it('reads our message and nothing else', () => {
    const jobId = '0f8c2a4e-9d1b-4c3e-8f7a-6b5d4c3b2a19';
    expect(parseEventJobMessage(JSON.stringify({ jobId }))).toEqual({ jobId });
    for (const body of [
      '',
      'not json',
      'null',
      '[]',
      '{}',
      '{"jobId":42}',
      '{"jobId":"../../x"}',
      JSON.stringify({ jobId: `${jobId}x` }),
    ]) {
      expect(parseEventJobMessage(body)).toBeUndefined();
    }
  });
});

describe('summarize', () => {
  it('counts each status', () => {
    expect(summarize([{ status: 'recorded' }, { status: 'duplicate' }, { status: 'recorded' }, { status: 'rejected' }])).toEqual({
      recorded: 2,
      duplicate: 1,
      rejected: 1,
    });
  });
});
