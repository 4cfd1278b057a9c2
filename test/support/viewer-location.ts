import { expect } from 'vitest';
import { type ListedEntry, listInbox } from './inbox';
import type { TestService } from './local-service';

/**
 * What a viewer can claim about where it is: CloudFront's own viewer-location headers, sent
 * by the viewer itself. Only a gateway that simulates places (TRACESEAL_SIMULATE_VIEWER_LOCATION)
 * believes them; CloudFront and the default local gateway do not.
 */
export const CLAIMS_BEIJING = {
  'CloudFront-Viewer-Country': 'CN',
  'CloudFront-Viewer-Country-Region': 'BJ',
  'CloudFront-Viewer-City': 'Beijing',
  'CloudFront-Viewer-Latitude': '39.9042',
  'CloudFront-Viewer-Longitude': '116.4074',
};
export const CLAIMS_URUMQI = {
  'CloudFront-Viewer-Country': 'CN',
  'CloudFront-Viewer-Country-Region': 'XJ',
  'CloudFront-Viewer-City': 'Urumqi',
  'CloudFront-Viewer-Latitude': '43.8256',
  'CloudFront-Viewer-Longitude': '87.6168',
};

/** The attack: four anonymous GETs of a genuine unit claiming Beijing, Urumqi, Beijing, Urumqi. */
export const scanClaimingBeijingAndUrumqi = async (service: TestService, uri: string): Promise<void> => {
  for (const claim of [CLAIMS_BEIJING, CLAIMS_URUMQI, CLAIMS_BEIJING, CLAIMS_URUMQI]) {
    const res = await fetch(uri, { headers: { accept: 'application/json', ...claim } });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  }
  await service.runtime.flushScans();
};

/** What the verify page says of a unit now (itself a scan, without any claimed place). */
export const verdictOf = async (uri: string): Promise<{ status: string; scanAlert?: { level: string; rules: string[] } }> => {
  const res = await fetch(uri, { headers: { accept: 'application/json' } });
  expect(res.status).toBe(200);
  return (await res.json()) as { status: string; scanAlert?: { level: string; rules: string[] } };
};

/** The alerts about a product in a regulator's inbox. */
export const inboxAlertsAbout = async (service: TestService, token: string, gtin: string): Promise<ListedEntry[]> =>
  (await listInbox(service, token)).filter((entry) => entry.kind === 'alert' && entry.gtin === gtin);
