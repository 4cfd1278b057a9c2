import { describe, expect, it } from 'vitest';
import { loadIpRegions } from '#kernel/places/ip-regions';
import { ROUTES } from '#shared/app/routes';
import { reporterAddress, reporterPlace } from '#shared/counterfeit-reports/http/report-request';
import { apiEvent } from '../support/events';
import { PROVINCE_NETWORKS, reporterIn, type TestProvince } from '../support/reporter-addresses';
import { freshViewer } from '../support/reports';

/** The rate limit's key: the address CloudFront saw, in the one form CloudFront writes it. */
const addressOf = (header?: string) =>
  reporterAddress(
    apiEvent(ROUTES.createReport, header === undefined ? {} : { headers: { 'cloudfront-viewer-address': header } }),
  );

describe('the reporter’s address', () => {
  it('is CloudFront-Viewer-Address without its port, IPv4 or IPv6', () => {
    expect(addressOf('198.51.100.10:46532')).toBe('198.51.100.10');
    expect(addressOf('2001:db8::8a2e:370:7334:46532')).toBe('2001:db8::8a2e:370:7334');
  });

  it.each([
    ['missing', undefined],
    ['two values joined (a viewer’s own and CloudFront’s)', '203.0.113.9:1,198.51.100.10:46532'],
    ['no port', '198.51.100.10'],
    ['not an address', 'reporter-42:1'],
    ['empty', ''],
  ])('falls back to the source address when the header is %s', (_name, header) => {
    expect(addressOf(header)).toBe('127.0.0.1');
  });
});

const locate = loadIpRegions();
const placeOf = (headers: Record<string, string>) => reporterPlace(apiEvent(ROUTES.createReport, { headers }), locate);
/** What CloudFront adds for a viewer in Guangdong, and what a request from the AWS network could add itself. */
const CLAIMS_GUANGDONG = {
  'cloudfront-viewer-country': 'CN',
  'cloudfront-viewer-country-region': 'GD',
  'cloudfront-viewer-city': 'Shenzhen',
};

describe('the reporter’s place', () => {
  it('is its address’s province and city, whatever region and city headers say', () => {
    expect(placeOf({ ...CLAIMS_GUANGDONG, ...reporterIn('CN-ZJ') })).toEqual({
      country: 'CN',
      province: 'CN-ZJ',
      city: '杭州市',
    });
    // Without CloudFront's country (locally), the database's stands in.
    expect(placeOf(reporterIn('CN-ZJ'))).toEqual({ country: 'CN', province: 'CN-ZJ', city: '杭州市' });
  });

  it('has no province where the address has none, or where CloudFront’s country is not China', () => {
    expect(placeOf({ ...CLAIMS_GUANGDONG, ...freshViewer() })).toEqual({ country: 'CN' });
    expect(placeOf({ ...CLAIMS_GUANGDONG, 'cloudfront-viewer-address': '127.0.0.1:1' })).toEqual({ country: 'CN' });
    expect(placeOf({ ...reporterIn('CN-ZJ'), 'cloudfront-viewer-country': 'US' })).toEqual({ country: 'US' });
  });

  it('takes the source address when CloudFront-Viewer-Address is not one well-formed address', () => {
    const [own = '', claimed = ''] = [reporterIn('CN-GD'), reporterIn('CN-ZJ')].map((h) => h['cloudfront-viewer-address']);
    expect(placeOf({ ...CLAIMS_GUANGDONG, 'cloudfront-viewer-address': `${claimed},${own}` })).toEqual({ country: 'CN' });
  });
});

describe('the test addresses of reporter-addresses.ts', () => {
  it.each(Object.keys(PROVINCE_NETWORKS) as TestProvince[])('are all in %s by the IP database', (province) => {
    for (let host = 1; host <= 254; host++) {
      const address = `${PROVINCE_NETWORKS[province]}.${host}`;
      expect(placeOf({ 'cloudfront-viewer-address': `${address}:1` }).province, address).toBe(province);
    }
  });

  it('place freshViewer’s reporters in no province', () => {
    for (let i = 0; i < 300; i++) expect(placeOf(freshViewer()).province).toBeUndefined();
  });
});
