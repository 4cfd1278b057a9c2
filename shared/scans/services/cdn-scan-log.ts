import { DIGSIG_PATTERN } from '#kernel/codes/digital-link';
import type { ScanPlace } from '#kernel/places/viewer-place';
import { type IpRegion, placeOfViewer } from '#kernel/places/viewer-place';
import type { ScannedSubject, ScanRecord } from '../domain/scans';
import { classifyUserAgent } from '../domain/user-agent';

/**
 * The CloudFront real-time log fields we ask for (infra/constructs/scan-records.ts uses
 * this list). CloudFront writes a record's fields in its own canonical order, whatever
 * order a configuration lists them in, so this list is kept in that order and a record is
 * read by position. A scan's place comes from what CloudFront observed: `c-country`, and
 * `c-ip` looked up in the aggregator's memory and dropped (it never enters a ScanRecord).
 * `cs-headers` are the headers the viewer sent: read for Accept only, never for a place.
 */
export const REALTIME_LOG_FIELDS = [
  'timestamp',
  'c-ip',
  'sc-status',
  'cs-method',
  'cs-uri-stem',
  'x-edge-request-id',
  'cs-user-agent',
  'cs-uri-query',
  'c-country',
  'cs-headers',
] as const;
export type RealtimeLogField = (typeof REALTIME_LOG_FIELDS)[number];

/**
 * The viewer-location headers CloudFront adds to an origin request where a policy asks for
 * them. Only the local gateway reads them for scans, and only when told to simulate places
 * (TRACESEAL_SIMULATE_VIEWER_LOCATION): otherwise it drops them, as they came from the viewer.
 */
export const VIEWER_LOCATION_HEADERS = {
  country: 'cloudfront-viewer-country',
  region: 'cloudfront-viewer-country-region',
  city: 'cloudfront-viewer-city',
  latitude: 'cloudfront-viewer-latitude',
  longitude: 'cloudfront-viewer-longitude',
} as const;

const GTIN = /^\d{14}$/;
const SSCC = /^\d{18}$/;
const GS1_VALUE = /^[A-Za-z0-9\-._]{1,20}$/;

const decode = (value: string): string | undefined => {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
};

/**
 * The subject a verification path names: `/01/{gtin}/10/{lot}/21/{serial}` or `/00/{sscc}`,
 * a trailing slash tolerated (the resolver serves it as the same unit). Product and lot
 * URIs are resolver lookups, not scans of a label.
 */
export const scannedSubjectOf = (path: string): ScannedSubject | undefined => {
  const parts = path.replace(/\/$/, '').split('/').map(decode);
  if (parts[0] !== '') return undefined;
  if (parts.length === 7 && parts[1] === '01' && parts[3] === '10' && parts[5] === '21') {
    const [, , gtin, , lot, , serial] = parts;
    if (gtin === undefined || lot === undefined || serial === undefined) return undefined;
    if (!GTIN.test(gtin) || !GS1_VALUE.test(lot) || !GS1_VALUE.test(serial)) return undefined;
    return { kind: 'unit', gtin, lot, serial };
  }
  if (parts.length === 3 && parts[1] === '00' && parts[2] !== undefined && SSCC.test(parts[2])) {
    return { kind: 'container', sscc: parts[2] };
  }
  return undefined;
};

/**
 * The AI 8030 a query carries, as the edge lets it through to the origin: exactly one raw
 * value of the right shape (two values, or an escaped one, are answered 400 there and so
 * never logged as a scan). Anything else is left out, and the scan then counts as forged.
 */
const digsigOf = (query: string): string | undefined => {
  const values = new URLSearchParams(query).getAll('8030');
  const [value] = values;
  return values.length === 1 && value !== undefined && DIGSIG_PATTERN.test(value) ? value : undefined;
};

/** The subject a scan named, with the AI 8030 of its query when there is one. */
const withDigsig = (subject: ScannedSubject, query: string): ScannedSubject => {
  const digsig = digsigOf(query);
  return digsig === undefined ? subject : { ...subject, digsig };
};

/** A linkType asks the resolver for a link or the linkset, not for a verdict. */
const asksForLinks = (query: string, accept: string | undefined): boolean =>
  new URLSearchParams(query).has('linkType') || /application\/linkset\+json/i.test(accept ?? '');

const COUNTRY = /^[A-Z]{2}$/;
const SUBDIVISION = /^[A-Z0-9]{1,3}$/;

const coordinate = (value: string | undefined, limit: number): number | undefined => {
  if (value === undefined || !/^-?\d{1,3}(\.\d+)?$/.test(value.trim())) return undefined;
  const degrees = Number(value);
  return Math.abs(degrees) <= limit ? Math.round(degrees * 10) / 10 : undefined;
};

/**
 * A coarse place from the viewer-location headers (lower-case names), where present: a
 * value that is not what CloudFront sends is left out.
 */
export const placeFromHeaders = (headers: Readonly<Record<string, string | undefined>>): ScanPlace => {
  const place: ScanPlace = {};
  const country = headers[VIEWER_LOCATION_HEADERS.country]?.trim().toUpperCase();
  if (country !== undefined && COUNTRY.test(country)) place.country = country;
  const region = headers[VIEWER_LOCATION_HEADERS.region]?.trim().toUpperCase();
  if (place.country !== undefined && region !== undefined && SUBDIVISION.test(region)) {
    place.province = `${place.country}-${region}`;
  }
  const city = headers[VIEWER_LOCATION_HEADERS.city]?.trim();
  if (city !== undefined && city !== '' && city.length <= 100 && ![...city].some((c) => c.charCodeAt(0) < 0x20))
    place.city = city;
  const lat = coordinate(headers[VIEWER_LOCATION_HEADERS.latitude], 90);
  const lon = coordinate(headers[VIEWER_LOCATION_HEADERS.longitude], 180);
  if (lat !== undefined && lon !== undefined) {
    place.lat = lat;
    place.lon = lon;
  }
  return place;
};

/** `cs-headers`: URL-encoded `Name:Value` lines, possibly cut at 800 bytes mid-header. */
const parseLoggedHeaders = (field: string): Record<string, string> => {
  const headers: Record<string, string> = {};
  // Line by line, so that a header cut mid-escape costs only itself.
  for (const encoded of field.split(/%0A/i)) {
    const line = decode(encoded.replace(/%0D$/i, '')) ?? '';
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
};

const absent = (value: string | undefined): value is undefined => value === undefined || value === '' || value === '-';

/**
 * One real-time log record (a tab-separated line in REALTIME_LOG_FIELDS order) → the scan
 * it records, or undefined for anything that is not a verdict answered to a GET: HEAD,
 * OPTIONS, errors, resolver lookups, other paths, malformed lines. Cached and uncached
 * answers alike: that is why scans are counted from CloudFront's log and not at the origin.
 * `locate` is the IP database (shared/kernel/places/ip-regions.ts); the address goes no further.
 */
export const parseRealtimeLogRecord = (
  line: string,
  locate: (address: string) => IpRegion | undefined,
): ScanRecord | undefined => {
  const values = line.replace(/\r?\n$/, '').split('\t');
  if (values.length !== REALTIME_LOG_FIELDS.length) return undefined;
  const field = (name: RealtimeLogField): string | undefined => values[REALTIME_LOG_FIELDS.indexOf(name)];
  if (field('cs-method') !== 'GET' || field('sc-status') !== '200') return undefined;
  const stem = field('cs-uri-stem');
  const subject = absent(stem) ? undefined : scannedSubjectOf(stem);
  if (subject === undefined) return undefined;
  const headersField = field('cs-headers');
  const headers = absent(headersField) ? {} : parseLoggedHeaders(headersField);
  const rawQuery = field('cs-uri-query');
  const query = absent(rawQuery) ? '' : (decode(rawQuery) ?? '');
  if (asksForLinks(query, headers.accept)) return undefined;
  const seconds = Number(field('timestamp'));
  const requestId = field('x-edge-request-id');
  if (!Number.isFinite(seconds) || seconds <= 0 || absent(requestId)) return undefined;
  const country = field('c-country');
  const address = field('c-ip');
  const agent = field('cs-user-agent');
  return {
    requestId,
    at: new Date(Math.round(seconds * 1000)).toISOString(),
    subject: withDigsig(subject, query),
    place: placeOfViewer(absent(address) ? undefined : locate(address), absent(country) ? undefined : country),
    ua: classifyUserAgent(absent(agent) ? undefined : decode(agent)),
  };
};

export interface GatewayAnswer {
  method: string;
  /** The request target on the gateway's host (its path still percent-encoded). */
  url: URL;
  status: number;
  /** Lower-case names. */
  headers: Readonly<Record<string, string | undefined>>;
  requestId: string;
  at: Date;
}

/**
 * The same record from the local gateway's view of a request and its answer. Its headers
 * hold viewer-location headers only when the gateway simulates places (see gateway.ts).
 */
export const scanFromGatewayAnswer = (answer: GatewayAnswer): ScanRecord | undefined => {
  if (answer.method !== 'GET' || answer.status !== 200) return undefined;
  const subject = scannedSubjectOf(answer.url.pathname);
  if (subject === undefined || asksForLinks(answer.url.search, answer.headers.accept)) return undefined;
  return {
    requestId: answer.requestId,
    at: answer.at.toISOString(),
    subject: withDigsig(subject, answer.url.search),
    place: placeFromHeaders(answer.headers),
    ua: classifyUserAgent(answer.headers['user-agent']),
  };
};
