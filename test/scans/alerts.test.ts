import { describe, expect, it } from 'vitest';
import { alertAudiences, alertIdFor, alertWithHit, MAX_ALERT_PROVINCES } from '#shared/scans/domain/alerts';
import type { RuleHit } from '#shared/scans/domain/scan-rules';

const unit = { gtin: '06952012345683', lot: 'L1', serial: 'S1' };
const base = {
  subjectId: '01/06952012345683/21/S1',
  unit,
  factoryOrgId: 'factory-1',
  factoryProvince: 'CN-GD',
  unitFlag: 'suspect' as const,
};
const hit = (requestId: string, at: string, province?: string): RuleHit => ({
  rule: 'impossible_travel',
  requestId,
  at,
  place: { country: 'CN', ...(province === undefined ? {} : { province }) },
  detail: 'far',
});

describe('one alert per hit episode', () => {
  it('opens with a deterministic id, then counts later hits instead of opening more', () => {
    const opened = alertWithHit(undefined, hit('r1', '2026-11-20T08:00:00.000Z', 'CN-BJ'), base);
    expect(opened).toMatchObject({ id: alertIdFor(base.subjectId, 'impossible_travel', 'r1'), count: 1, status: 'open' });
    expect(opened.provinces).toEqual(['CN-BJ', 'CN-GD']);
    const later = alertWithHit(opened, hit('r2', '2026-11-20T09:00:00.000Z', 'CN-SH'), { ...base, unitFlag: 'blocked' });
    expect(later).toMatchObject({ id: opened.id, count: 2, firstAt: opened.firstAt, lastAt: '2026-11-20T09:00:00.000Z' });
    expect(later.provinces).toEqual(['CN-BJ', 'CN-GD', 'CN-SH']);
    expect(later.unitFlag).toBe('blocked');
  });

  it('a different opening scan is a different alert; the same one is the same alert', () => {
    expect(alertIdFor('u', 'too_many_scans', 'a')).toBe(alertIdFor('u', 'too_many_scans', 'a'));
    expect(alertIdFor('u', 'too_many_scans', 'a')).not.toBe(alertIdFor('u', 'too_many_scans', 'b'));
  });

  it('keeps the provinces bounded, and lists each under its country for national regulators', () => {
    let alert = alertWithHit(undefined, hit('r0', '2026-11-20T08:00:00.000Z', 'CN-P0'), base);
    for (let i = 1; i < 12; i++) alert = alertWithHit(alert, hit(`r${i}`, '2026-11-20T08:00:00.000Z', `CN-P${i}`), base);
    expect(alert.provinces).toHaveLength(MAX_ALERT_PROVINCES);
    expect(alertAudiences(['CN-GD', 'CN-BJ', 'VN-HN'])).toEqual(['CN-GD', 'CN-BJ', 'VN-HN', 'CN', 'VN']);
  });
});
