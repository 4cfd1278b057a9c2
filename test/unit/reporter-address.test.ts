import { describe, expect, it } from 'vitest';
import { reporterAddress } from '#shared/http/report-request';
import { ROUTES } from '#shared/http/routes';
import { apiEvent } from '../support/events';

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
