import { afterEach, describe, expect, it, vi } from 'vitest';
import { planExport } from '#shared/audit/services/export-source';
import { CLOCK_SKEW_TOLERANCE_MS } from '#shared/custody/domain/rules';

/**
 * The range an export job fixes when it is created: never before the first record, never
 * after its creation, narrowed by the query's own bounds, and called complete only when a
 * viewer who sees everything asked for nothing but a time range.
 */
const until = new Date('2026-06-01T00:00:00.000Z');
const everything = { kind: 'everything' } as const;
afterEach(() => vi.unstubAllEnvs());

describe('planExport', () => {
  it('reads from the first record to the job’s creation when the query bounds nothing', () => {
    expect(planExport({}, everything, until)).toMatchObject({
      range: { from: '2026-01-01T00:00:00.000Z', to: until.toISOString() },
      complete: true,
    });
    vi.stubEnv('EVENTS_SINCE', '2026-03-15');
    expect(planExport({}, everything, until).range.from).toBe('2026-03-15T00:00:00.000Z');
  });

  it('narrows the range to the query’s record times, and never past the job’s creation', () => {
    const raw = { GE_recordTime: '2026-02-01T00:00:00.000Z', LT_recordTime: '2026-03-01T00:00:00.000Z' };
    expect(planExport(raw, everything, until)).toMatchObject({
      range: { from: '2026-02-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' },
      complete: true,
    });
    expect(planExport({ LT_recordTime: '2026-09-01T00:00:00.000Z' }, everything, until).range.to).toBe(until.toISOString());
  });

  it('starts an eventTime-bounded export the clock-skew allowance early, an event being recorded at most that before it happened', () => {
    const plan = planExport({ GE_eventTime: '2026-04-01T00:00:00.000Z' }, everything, until);
    expect(plan.range.from).toBe(new Date(Date.parse('2026-04-01T00:00:00.000Z') - CLOCK_SKEW_TOLERANCE_MS).toISOString());
    // Filtered by more than time: not every leaf in range is in it.
    expect(plan.complete).toBe(false);
  });

  it('makes an empty range of bounds that cross, rather than one running backwards', () => {
    const plan = planExport(
      { GE_recordTime: '2026-05-01T00:00:00.000Z', LT_recordTime: '2026-04-01T00:00:00.000Z' },
      everything,
      until,
    );
    expect(plan.range).toEqual({ from: '2026-05-01T00:00:00.000Z', to: '2026-05-01T00:00:00.000Z' });
  });

  it('is never complete for a viewer who sees only part of the log', () => {
    expect(planExport({}, { kind: 'province', province: 'CN-AH' }, until).complete).toBe(false);
    expect(planExport({}, { kind: 'party', orgId: 'org-a' }, until).complete).toBe(false);
  });
});
