import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidCursorError } from '#kernel/db/cursors';
import { mainTableName } from '#kernel/db/dynamodb-client';
import { MAIN_TABLE } from '#kernel/db/table-definitions';
import { newReportReference, type Report } from '#shared/counterfeit-reports/domain/reports';
import {
  consumeReportQuota,
  getReport,
  listReports,
  putReport,
  scanReportRecords,
} from '#shared/counterfeit-reports/store/report-repository';
import { ensureTable } from '../../scripts/local/tables';

/**
 * The report store against DynamoDB Local, apart from the public route: a reference taken
 * twice, what each audience's copy holds, listing filters and per-reader cursors, the
 * back-fill's resumable scan, and the hourly quota's window.
 */
beforeAll(async () => ensureTable(new DynamoDBClient({}), MAIN_TABLE, mainTableName()));

const freshRegion = (): string => `CN-${randomUUID().replace(/-/g, '').slice(0, 3).toUpperCase()}`;

const reportIn = (region: string, overrides: Partial<Report> = {}): Report => ({
  reference: newReportReference(new Date('2026-11-20T00:00:00.000Z')),
  status: 'received',
  createdAt: '2026-11-20T08:00:00.000Z',
  region,
  place: 'Market stall',
  city: 'Somewhere',
  description: 'Helmet with a copied code',
  contact: 'reporter@example.com',
  photos: [],
  ...overrides,
});

describe('storing a report', () => {
  it('refuses a reference already taken, keeping the first report', async () => {
    const first = reportIn(freshRegion());
    expect(await putReport(first)).toBe(true);
    expect(await putReport({ ...first, description: 'other' })).toBe(false);
    expect(await getReport(first.reference)).toEqual(first);
    expect(await getReport('TS-2026-000000')).toBeUndefined();
  });

  it('gives the factory a copy without the reporter’s contact, and the region one with it', async () => {
    const factoryOrgId = `factory-${randomUUID()}`;
    const report = reportIn(freshRegion(), { factoryOrgId });
    await putReport(report);
    const [forFactory] = (await listReports({ kind: 'factory', orgId: factoryOrgId })).reports;
    const [forRegion] = (await listReports({ kind: 'region', province: report.region })).reports;
    expect(forFactory).toEqual((({ contact: _c, ...rest }) => rest)(report));
    expect(forRegion).toEqual(report);
  });
});

describe('listing reports', () => {
  const region = freshRegion();
  const reports = [1, 2, 3, 4].map((day) =>
    reportIn(region, { createdAt: `2026-11-0${day}T08:00:00.000Z`, status: day === 2 ? 'under_review' : 'received' }),
  );
  beforeAll(async () => {
    for (const report of reports) await putReport(report);
  });
  const refs = (page: { reports: Report[] }) => page.reports.map((r) => r.reference);
  const [a, b, c, d] = reports.map((r) => r.reference);

  it('lists newest first, by status and by day range', async () => {
    expect(refs(await listReports({ kind: 'region', province: region }))).toEqual([d, c, b, a]);
    expect(refs(await listReports({ kind: 'region', province: region }, { status: 'under_review' }))).toEqual([b]);
    expect(refs(await listReports({ kind: 'region', province: region }, { from: '2026-11-02', to: '2026-11-03' }))).toEqual([
      c,
      b,
    ]);
  });

  it('pages with a cursor good for the same reader and query only', async () => {
    const audience = { kind: 'region' as const, province: region };
    const first = await listReports(audience, { limit: 3, reader: 'regulator-a' });
    expect(refs(first)).toEqual([d, c, b]);
    expect(refs(await listReports(audience, { limit: 3, reader: 'regulator-a', cursor: first.cursor }))).toEqual([a]);
    await expect(listReports(audience, { limit: 3, reader: 'regulator-b', cursor: first.cursor })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    await expect(
      listReports(audience, { limit: 3, reader: 'regulator-a', status: 'received', cursor: first.cursor }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
  });
});

describe('the back-fill scan', () => {
  it('reads every report once across pages, resuming from its checkpoint', async () => {
    const region = freshRegion();
    const stored = Array.from({ length: 260 }, () => reportIn(region));
    for (let i = 0; i < stored.length; i += 20) await Promise.all(stored.slice(i, i + 20).map((r) => putReport(r)));
    const seen: string[] = [];
    let pages = 0;
    let cursor: string | undefined;
    do {
      const page = await scanReportRecords(cursor);
      seen.push(...page.reports.map((r) => r.reference));
      cursor = page.cursor;
      pages += 1;
    } while (cursor !== undefined);
    // Each report also has listing copies, so the table holds well over one scan page.
    expect(pages).toBeGreaterThan(1);
    expect(new Set(seen).size).toBe(seen.length);
    for (const report of stored) expect(seen).toContain(report.reference);
  });
});

describe('the hourly report quota', () => {
  it('allows the limit in a window, then says when the window ends; a new window starts afresh', async () => {
    const ip = `ip-${randomUUID()}`;
    const at = new Date('2026-11-20T10:59:30.000Z');
    expect(await consumeReportQuota(ip, at, 2)).toEqual({ allowed: true });
    expect(await consumeReportQuota(ip, at, 2)).toEqual({ allowed: true });
    expect(await consumeReportQuota(ip, at, 2)).toEqual({ allowed: false, retryAfterSeconds: 30 });
    expect(await consumeReportQuota(ip, new Date('2026-11-20T11:00:00.000Z'), 2)).toEqual({ allowed: true });
  });
});
