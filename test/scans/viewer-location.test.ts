import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueProductUnits, listAlerts, orgIn, type Unit } from '../support/anomalies';
import { fileReport, listInbox } from '../support/inbox';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';
import { reporterIn } from '../support/reporter-addresses';
import { listReports, postJson, reportFields } from '../support/reports';
import { CLAIMS_BEIJING, inboxAlertsAbout, scanClaimingBeijingAndUrumqi, verdictOf } from '../support/viewer-location';

/**
 * A viewer's claims about where it is count for nothing: the local gateway, like CloudFront,
 * drops the CloudFront-* headers a viewer sends (`npm start` without
 * TRACESEAL_SIMULATE_VIEWER_LOCATION). test/scans/scan-records.test.ts shows the same
 * claims taken as places when the gateway is told to simulate them; reports.test.ts shows that
 * even then a report's province is its address's, never a claimed one.
 */
let service: TestService;
let adminToken: string;
type Org = { id: string; token: string };
let factory: Org;
let beijing: Org;
let xinjiang: Org;
let guangdong: Org;
let national: Org;

beforeAll(async () => {
  ({ service, adminToken } = await startTestServiceWithAdmin());
  factory = await orgIn(service, adminToken, 'factory', 'CN-ZJ Hangzhou');
  beijing = await orgIn(service, adminToken, 'regulator', 'CN-BJ Beijing');
  xinjiang = await orgIn(service, adminToken, 'regulator', 'CN-XJ Urumqi');
  guangdong = await orgIn(service, adminToken, 'regulator', 'CN-GD Guangzhou');
  national = await orgIn(service, adminToken, 'regulator', 'CN');
});
afterAll(async () => service?.stop());

describe('scan places claimed by the viewer', () => {
  it('four anonymous GETs claiming Beijing, Urumqi, Beijing, Urumqi neither flag a genuine unit nor alert those provinces', async () => {
    const { gtin, units } = await issueProductUnits(service, factory.token, 1);
    const [genuine] = units as [Unit];
    await scanClaimingBeijingAndUrumqi(service, genuine.uri);

    const verdict = await verdictOf(genuine.uri);
    expect(verdict.status).toBe('genuine');
    expect(verdict.scanAlert).toBeUndefined();
    expect(await listAlerts(service, factory.token, `?gtin=${gtin}`)).toEqual([]);
    expect(await inboxAlertsAbout(service, beijing.token, gtin)).toEqual([]);
    expect(await inboxAlertsAbout(service, xinjiang.token, gtin)).toEqual([]);
  });
});

describe('counterfeit reports', () => {
  // A reporter claiming Guangdong, with an address in Zhejiang it also claims: the gateway
  // drops both, and the connection's own address (this machine's) is in no province.
  const claimsGuangdong = {
    'cloudfront-viewer-country': 'CN',
    'cloudfront-viewer-country-region': 'GD',
    ...reporterIn('CN-ZJ'),
  };

  it('a claimed province is not the report’s: it goes by the factory, or unlocated', async () => {
    const reference = await fileReport(service, claimsGuangdong);
    expect((await listInbox(service, guangdong.token)).map((entry) => entry.id)).not.toContain(reference);
    const unlocated = await listInbox(service, national.token, '?unlocated=true');
    expect(unlocated.find((entry) => entry.id === reference)).toMatchObject({ provinces: [] });

    const { units } = await issueProductUnits(service, factory.token, 1);
    const [unit] = units as [Unit];
    const linked = await fileReport(service, claimsGuangdong, { code: unit.uri });
    expect((await listReports(service, factory.token)).find((report) => report.reference === linked)).toMatchObject({
      region: 'CN-ZJ',
    });
    expect((await listInbox(service, guangdong.token)).map((entry) => entry.id)).not.toContain(linked);
  });

  it('a claimed CloudFront-Viewer-Address buys no fresh rate-limit budget', async () => {
    // The first test of this block filed two reports from this address already.
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await postJson(service, reportFields(), {
        ...CLAIMS_BEIJING,
        'cloudfront-viewer-address': `203.0.113.${i + 1}:4${i}000`,
      });
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    expect(statuses).toEqual([202, 202, 202, 429]);
  });
});
