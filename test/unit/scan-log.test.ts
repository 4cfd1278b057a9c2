import { describe, expect, it } from 'vitest';
import { scansFromKinesis } from '#shared/domain/kinesis-scans';
import { parseRealtimeLogRecord, REALTIME_LOG_FIELDS, scanFromGatewayAnswer } from '#shared/domain/scan-log';
import { padSequence } from '#shared/domain/scans';
import { classifyUserAgent } from '#shared/domain/user-agent';

/**
 * Real-time log lines as CloudFront writes them for REALTIME_LOG_FIELDS: tab-separated, in
 * CloudFront's canonical field order, `-` for an empty value, the user agent and the
 * headers URL-encoded (the headers as `Name:Value` lines, cut at 800 bytes).
 */
const WECHAT_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN';
const UNIT_PATH = '/01/09506000134352/10/L2026A/21/7K3QX9';
const SSCC_PATH = '/00/095060001000000018';
const headerField = (headers: Record<string, string>): string =>
  encodeURIComponent(
    Object.entries(headers)
      .map(([name, value]) => `${name}:${value}\n`)
      .join(''),
  );
const SHENZHEN = {
  Host: 'd111111abcdef8.cloudfront.net',
  Accept: 'text/html,application/xhtml+xml',
  'CloudFront-Viewer-Country': 'CN',
  'CloudFront-Viewer-Country-Region': 'GD',
  'CloudFront-Viewer-City': 'Shenzhen',
  'CloudFront-Viewer-Latitude': '22.54310',
  'CloudFront-Viewer-Longitude': '114.05790',
};

const line = (fields: Partial<Record<(typeof REALTIME_LOG_FIELDS)[number], string>>): string => {
  const values: Record<string, string> = {
    timestamp: '1763971234.567',
    'sc-status': '200',
    'cs-method': 'GET',
    'cs-uri-stem': UNIT_PATH,
    'x-edge-request-id': 'eXamPLe-ReQuEsT-iD_1a2B3c4D5e6F7g8H9i0JkLmNoPqRsTuV==',
    'cs-user-agent': encodeURIComponent(WECHAT_UA),
    'cs-uri-query': '8030=AbCdEf',
    'c-country': 'CN',
    'cs-headers': headerField(SHENZHEN),
    ...fields,
  };
  return REALTIME_LOG_FIELDS.map((name) => values[name]).join('\t');
};

describe('CloudFront real-time log records', () => {
  it('never asks CloudFront for the viewer IP', () => {
    expect(REALTIME_LOG_FIELDS).not.toContain('c-ip');
    expect(REALTIME_LOG_FIELDS).not.toContain('x-forwarded-for');
  });

  it('reads a verdict answered from the cache: time, unit, place with rounded coordinates, UA class', () => {
    expect(parseRealtimeLogRecord(`${line({})}\n`)).toEqual({
      requestId: 'eXamPLe-ReQuEsT-iD_1a2B3c4D5e6F7g8H9i0JkLmNoPqRsTuV==',
      at: '2025-11-24T08:00:34.567Z',
      subject: { kind: 'unit', gtin: '09506000134352', lot: 'L2026A', serial: '7K3QX9' },
      place: { country: 'CN', province: 'CN-GD', city: 'Shenzhen', lat: 22.5, lon: 114.1 },
      ua: 'wechat',
    });
  });

  it('reads a container path and a trailing slash', () => {
    expect(parseRealtimeLogRecord(line({ 'cs-uri-stem': SSCC_PATH }))?.subject).toEqual({
      kind: 'container',
      sscc: '095060001000000018',
    });
    expect(parseRealtimeLogRecord(line({ 'cs-uri-stem': `${UNIT_PATH}/` }))?.subject.kind).toBe('unit');
  });

  it('keeps the country alone when CloudFront added no location headers', () => {
    const scan = parseRealtimeLogRecord(line({ 'cs-headers': headerField({ Host: 'x', Accept: '*/*' }) }));
    expect(scan?.place).toEqual({ country: 'CN' });
    expect(parseRealtimeLogRecord(line({ 'cs-headers': '-', 'c-country': '-' }))?.place).toEqual({});
  });

  it('reads the headers of a field CloudFront cut at 800 bytes, mid-escape', () => {
    const cut = `${headerField(SHENZHEN)}${encodeURIComponent('X-Long:')}${'a'.repeat(40)}%E5%8`;
    expect(parseRealtimeLogRecord(line({ 'cs-headers': cut }))?.place.city).toBe('Shenzhen');
  });

  it.each([
    ['a 404', { 'sc-status': '404' }],
    ['a 400 for a malformed path', { 'sc-status': '400' }],
    ['a 304', { 'sc-status': '304' }],
    ['a HEAD', { 'cs-method': 'HEAD' }],
    ['an OPTIONS preflight', { 'cs-method': 'OPTIONS' }],
    ['a linkType request', { 'cs-uri-query': 'linkType=gs1%3Apip' }],
    ['a linkset by Accept', { 'cs-headers': headerField({ Accept: 'application/linkset+json' }) }],
    ['a product URI', { 'cs-uri-stem': '/01/09506000134352' }],
    ['a lot URI', { 'cs-uri-stem': '/01/09506000134352/10/L2026A' }],
    ['the JWKS', { 'cs-uri-stem': '/.well-known/jwks.json' }],
    ['a bad GTIN', { 'cs-uri-stem': '/01/0950600013435/10/L/21/S' }],
    ['no request id', { 'x-edge-request-id': '-' }],
    ['no timestamp', { timestamp: '-' }],
  ])('ignores %s', (_name, fields) => {
    expect(parseRealtimeLogRecord(line(fields))).toBeUndefined();
  });

  it('ignores a line with the wrong number of fields', () => {
    expect(parseRealtimeLogRecord(line({}).split('\t').slice(1).join('\t'))).toBeUndefined();
    expect(parseRealtimeLogRecord('')).toBeUndefined();
  });

  it('drops place values that are not what CloudFront sends', () => {
    const odd = headerField({
      'CloudFront-Viewer-Country': 'China',
      'CloudFront-Viewer-Country-Region': 'Guangdong',
      'CloudFront-Viewer-City': 'x'.repeat(101),
      'CloudFront-Viewer-Latitude': '95.1',
      'CloudFront-Viewer-Longitude': '114.0',
    });
    expect(parseRealtimeLogRecord(line({ 'cs-headers': odd, 'c-country': '-' }))?.place).toEqual({});
  });
});

describe('user-agent classes', () => {
  it.each([
    [WECHAT_UA, 'wechat'],
    [
      'Mozilla/5.0 (Linux; U; Android 13; zh-CN; V2227A Build/TP1A.220624.014) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/69.0.3497.100 UWS/3.22.2.59 Mobile Safari/537.36 AliApp(AP/10.5.36.8100) AlipayClient/10.5.36.8100 Language/zh-Hans',
      'alipay',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Version/17.4 Mobile/15E148 Safari/604.1',
      'mobile_browser',
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
      'desktop_browser',
    ],
    ['QRScanner/3.1 (Android 12)', 'scanner_app'],
    ['Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)', 'bot'],
    ['curl/8.5.0', 'bot'],
    ['Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/124.0 Safari/537.36', 'bot'],
    ['', 'other'],
    ['\u{1F600}\t;;', 'other'],
  ])('%s → %s', (agent, expected) => {
    expect(classifyUserAgent(agent)).toBe(expected);
  });
});

describe('the local gateway’s records', () => {
  const answer = {
    method: 'GET',
    url: new URL(`http://localhost${UNIT_PATH}?8030=AbCdEf`),
    status: 200,
    headers: {
      'user-agent': WECHAT_UA,
      'cloudfront-viewer-country': 'CN',
      'cloudfront-viewer-country-region': 'GD',
      'cloudfront-viewer-city': 'Shenzhen',
      'x-forwarded-for': '203.0.113.7',
    },
    requestId: 'local-1',
    at: new Date('2026-11-24T08:00:00.000Z'),
  };

  it('gives the same record as CloudFront’s, and never the address', () => {
    const scan = scanFromGatewayAnswer(answer);
    expect(scan).toEqual({
      requestId: 'local-1',
      at: '2026-11-24T08:00:00.000Z',
      subject: { kind: 'unit', gtin: '09506000134352', lot: 'L2026A', serial: '7K3QX9' },
      place: { country: 'CN', province: 'CN-GD', city: 'Shenzhen' },
      ua: 'wechat',
    });
    expect(JSON.stringify(scan)).not.toContain('203.0.113.7');
  });

  it('ignores HEAD, errors and linkType requests', () => {
    expect(scanFromGatewayAnswer({ ...answer, method: 'HEAD' })).toBeUndefined();
    expect(scanFromGatewayAnswer({ ...answer, status: 404 })).toBeUndefined();
    expect(scanFromGatewayAnswer({ ...answer, url: new URL(`http://localhost${UNIT_PATH}?linkType=all`) })).toBeUndefined();
  });
});

describe('the label a scan named', () => {
  const DIGSIG = `AbCd${'x'.repeat(86)}`;
  it('keeps the one AI 8030 the edge lets through, so the aggregator can check it', () => {
    expect(parseRealtimeLogRecord(line({ 'cs-uri-query': `8030=${DIGSIG}` }))?.subject).toMatchObject({ digsig: DIGSIG });
    expect(parseRealtimeLogRecord(line({ 'cs-uri-query': `lang=en&8030=${DIGSIG}` }))?.subject).toMatchObject({ digsig: DIGSIG });
    const local = scanFromGatewayAnswer({
      method: 'GET',
      url: new URL(`http://localhost${UNIT_PATH}?8030=${DIGSIG}`),
      status: 200,
      headers: {},
      requestId: 'local-2',
      at: new Date('2026-11-24T08:00:00.000Z'),
    });
    expect(local?.subject).toEqual({ kind: 'unit', gtin: '09506000134352', lot: 'L2026A', serial: '7K3QX9', digsig: DIGSIG });
  });

  it('keeps none when there is none of the right shape, or two: such a scan counts as forged', () => {
    for (const query of ['-', '8030=AbCdEf', `8030=${DIGSIG}&8030=${DIGSIG}`, `8030=${DIGSIG}x`]) {
      expect(parseRealtimeLogRecord(line({ 'cs-uri-query': query }))?.subject).not.toHaveProperty('digsig');
    }
  });
});

describe('Kinesis records', () => {
  const record = (sequenceNumber: string, data: string, shard = 'shardId-000000000000') => ({
    eventID: `${shard}:${sequenceNumber}`,
    kinesis: { sequenceNumber, data: Buffer.from(data).toString('base64') },
  });

  it('decodes, parses and sequences scans with their shard, skipping records that are no scan', () => {
    const scans = scansFromKinesis([
      record('49590338271490256608559692538361571095921575989136588898', `${line({})}\n`),
      record('49590338271490256608559692538361571095921575989136588899', line({ 'cs-method': 'HEAD' })),
      record('49590338271490256608559692538361571095921575989136588900', 'not a log line'),
      record('9', line({}), 'shardId-000000000001'),
    ]);
    expect(scans.map(({ shard, sequence }) => ({ shard, sequence }))).toEqual([
      { shard: 'shardId-000000000000', sequence: padSequence('49590338271490256608559692538361571095921575989136588898') },
      { shard: 'shardId-000000000001', sequence: padSequence('9') },
    ]);
  });

  it('orders the lines of a record holding several between it and the next record', () => {
    const [first, second] = scansFromKinesis([record('10', `${line({})}\n${line({})}\n`)]);
    expect(first !== undefined && second !== undefined && first.sequence < second.sequence).toBe(true);
    expect((second?.sequence ?? '') < padSequence('11')).toBe(true);
    expect((first?.sequence ?? '') > padSequence('10')).toBe(true);
  });
});
