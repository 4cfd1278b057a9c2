import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newReportReference, type Report } from '#shared/counterfeit-reports/domain/reports';
import { backfillReportsPage } from '#shared/counterfeit-reports/services/report-service';
import { putReport } from '#shared/counterfeit-reports/store/report-repository';
import { getInboxEntry } from '#shared/inbox/inbox-repository';
import { fileReport, listInbox } from '../support/inbox';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';
import { reporterIn } from '../support/reporter-addresses';
import { registerOrgIn } from '../support/reports';

/**
 * Reports stored before the inbox existed (or whose filing failed after the report was
 * stored) reach the inbox through the back-fill (scripts/backfill-inbox.ts), and running
 * it again changes nothing.
 */
let service: TestService;
let adminToken: string;

beforeAll(async () => {
  ({ service, adminToken } = await startTestServiceWithAdmin({ simulateViewerLocation: true }));
});
afterAll(async () => service?.stop());

const runToEnd = async () => {
  let cursor: string | undefined;
  let filed = 0;
  do {
    const page = await backfillReportsPage(cursor);
    filed += page.filed;
    cursor = page.cursor;
  } while (cursor !== undefined);
  return filed;
};

describe('inbox back-fill', () => {
  it('files the reports that have no entry, once', async () => {
    const regulator = await registerOrgIn(service, adminToken, 'regulator', 'CN-SC Chengdu');
    const filedNormally = await fileReport(service, reporterIn('CN-SC'));
    const old: Report = {
      reference: newReportReference(new Date('2026-03-01T00:00:00Z')),
      status: 'received',
      createdAt: '2026-03-01T09:30:00.000Z',
      region: 'CN-SC',
      place: 'Chunxi Road',
      city: 'Chengdu',
      description: 'Respirator without a filter rating',
      photos: [],
    };
    expect(await putReport(old)).toBe(true);
    expect(await getInboxEntry('report', old.reference)).toBeUndefined();

    expect(await runToEnd()).toBe(1);
    expect(await getInboxEntry('report', old.reference)).toMatchObject({
      status: 'new',
      version: 0,
      provinces: ['CN-SC'],
      title: 'Chengdu: Chunxi Road',
    });
    expect((await listInbox(service, regulator.token)).map((e) => e.id)).toEqual([filedNormally, old.reference]);
    expect(await runToEnd()).toBe(0);
  });
});
