import { describe, expect, it } from 'vitest';
import { loadIpRegions } from '#kernel/places/ip-regions';
import { placeOfViewer } from '#kernel/places/viewer-place';
import { padSequence } from '#shared/scans/domain/scans';
import { classifyUserAgent } from '#shared/scans/domain/user-agent';
import { parseRealtimeLogRecord, REALTIME_LOG_FIELDS, scanFromGatewayAnswer } from '#shared/scans/services/cdn-scan-log';
import { scansFromKinesis } from '#shared/scans/services/kinesis-scans';

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
const VIEWER_HEADERS = { Host: 'd111111abcdef8.cloudfront.net', Accept: 'text/html,application/xhtml+xml' };
/** Addresses ip2region (the bundled 2.3.0 database) places in Shenzhen, Urumqi and Nanjing. */
const SHENZHEN_IP = '113.87.1.1';
const URUMQI_IP = '61.128.101.1';
const NANJING_IPV6 = '240e:3a1::1';
/** What a viewer may claim in its own headers, which reach the log's cs-headers as sent. */
const CLAIMS_URUMQI = {
  ...VIEWER_HEADERS,
  'CloudFront-Viewer-Country': 'CN',
  'CloudFront-Viewer-Country-Region': 'XJ',
  'CloudFront-Viewer-City': 'Urumqi',
  'CloudFront-Viewer-Latitude': '43.8',
  'CloudFront-Viewer-Longitude': '87.6',
};
const locate = loadIpRegions();
const parse = (record: string) => parseRealtimeLogRecord(record, locate);

const line = (fields: Partial<Record<(typeof REALTIME_LOG_FIELDS)[number], string>>): string => {
  const values: Record<string, string> = {
    timestamp: '1763971234.567',
    'sc-status': '200',
    'cs-method': 'GET',
    'cs-uri-stem': UNIT_PATH,
    'c-ip': SHENZHEN_IP,
    'x-edge-request-id': 'eXamPLe-ReQuEsT-iD_1a2B3c4D5e6F7g8H9i0JkLmNoPqRsTuV==',
    'cs-user-agent': encodeURIComponent(WECHAT_UA),
    'cs-uri-query': '8030=AbCdEf',
    'c-country': 'CN',
    'cs-headers': headerField(VIEWER_HEADERS),
    ...fields,
  };
  return REALTIME_LOG_FIELDS.map((name) => values[name]).join('\t');
};

describe('CloudFront real-time log records', () => {
  it('asks CloudFront for the country and address it observed, never X-Forwarded-For', () => {
    expect(REALTIME_LOG_FIELDS).toContain('c-ip');
    expect(REALTIME_LOG_FIELDS).toContain('c-country');
    expect(REALTIME_LOG_FIELDS).not.toContain('x-forwarded-for');
  });

  it('reads a verdict answered from the cache: time, unit, place of the address, UA class, and never the address', () => {
    const scan = parse(`${line({})}\n`);
    expect(scan).toEqual({
      requestId: 'eXamPLe-ReQuEsT-iD_1a2B3c4D5e6F7g8H9i0JkLmNoPqRsTuV==',
      at: '2025-11-24T08:00:34.567Z',
      subject: { kind: 'unit', gtin: '09506000134352', lot: 'L2026A', serial: '7K3QX9' },
      place: { country: 'CN', province: 'CN-GD', city: '深圳市' },
      ua: 'wechat',
    });
    expect(JSON.stringify(scan)).not.toContain(SHENZHEN_IP);
  });

  it('reads a container path and a trailing slash', () => {
    expect(parse(line({ 'cs-uri-stem': SSCC_PATH }))?.subject).toEqual({ kind: 'container', sscc: '095060001000000018' });
    expect(parse(line({ 'cs-uri-stem': `${UNIT_PATH}/` }))?.subject.kind).toBe('unit');
  });

  it('takes the place from c-country and c-ip, never from CloudFront-Viewer-* headers the viewer sent', () => {
    // A viewer in Shenzhen claiming Urumqi in its own headers is still in Shenzhen.
    expect(parse(line({ 'cs-headers': headerField(CLAIMS_URUMQI) }))?.place).toEqual({
      country: 'CN',
      province: 'CN-GD',
      city: '深圳市',
    });
    // Without an address, the claim is not a place either: the country CloudFront saw is all.
    expect(parse(line({ 'cs-headers': headerField(CLAIMS_URUMQI), 'c-ip': '-' }))?.place).toEqual({ country: 'CN' });
    expect(parse(line({ 'cs-headers': headerField(CLAIMS_URUMQI), 'c-ip': '-', 'c-country': '-' }))?.place).toEqual({});
    expect(parse(line({ 'c-ip': URUMQI_IP }))?.place).toEqual({ country: 'CN', province: 'CN-XJ', city: '乌鲁木齐市' });
  });

  it('places IPv6 viewers too', () => {
    expect(parse(line({ 'c-ip': NANJING_IPV6 }))?.place).toEqual({ country: 'CN', province: 'CN-JS', city: '南京市' });
  });

  it('keeps the country alone where CloudFront and the database disagree, or the address is no address', () => {
    expect(parse(line({ 'c-country': 'US' }))?.place).toEqual({ country: 'US' });
    expect(parse(line({ 'c-ip': '8.8.8.8', 'c-country': 'CN' }))?.place).toEqual({ country: 'CN' });
    expect(parse(line({ 'c-ip': 'not-an-address' }))?.place).toEqual({ country: 'CN' });
  });

  it('reads the headers of a field CloudFront cut at 800 bytes, mid-escape', () => {
    const cut = `${headerField({ Accept: 'application/linkset+json' })}${encodeURIComponent('X-Long:')}${'a'.repeat(40)}%E5%8`;
    expect(parse(line({ 'cs-headers': cut }))).toBeUndefined();
    expect(parse(line({ 'cs-headers': `${headerField(VIEWER_HEADERS)}%E5%8` }))?.place.province).toBe('CN-GD');
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
    expect(parse(line(fields))).toBeUndefined();
  });

  it('ignores a line with the wrong number of fields', () => {
    expect(parse(line({}).split('\t').slice(1).join('\t'))).toBeUndefined();
    expect(parse('')).toBeUndefined();
  });
});

describe('a viewer’s place from the IP database', () => {
  it.each([
    [{ country: '中国', province: '广东省', city: '深圳市' }, 'CN', { country: 'CN', province: 'CN-GD', city: '深圳市' }],
    [{ country: '中国', province: '北京', city: '北京市' }, 'CN', { country: 'CN', province: 'CN-BJ', city: '北京市' }],
    [{ country: '中国', province: '内蒙古自治区', city: '' }, 'CN', { country: 'CN', province: 'CN-NM' }],
    [{ country: '中国', province: '陕西省', city: '西安市' }, 'CN', { country: 'CN', province: 'CN-SN', city: '西安市' }],
    [{ country: '中国', province: '山西省', city: '太原市' }, 'CN', { country: 'CN', province: 'CN-SX', city: '太原市' }],
    [{ country: '中国', province: '香港', city: '' }, 'HK', { country: 'HK' }],
    [{ country: '中国', province: '', city: '' }, 'CN', { country: 'CN' }],
    [{ country: '', province: '', city: '内网IP' }, undefined, {}],
    [{ country: '中国', province: '广东省', city: '深圳市' }, undefined, { country: 'CN', province: 'CN-GD', city: '深圳市' }],
  ])('%o seen from %s → %o', (region, observed, place) => {
    expect(placeOfViewer(region, observed)).toEqual(place);
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

  it('drops simulated place values that are not what CloudFront sends', () => {
    const odd = {
      'cloudfront-viewer-country': 'China',
      'cloudfront-viewer-country-region': 'Guangdong',
      'cloudfront-viewer-city': 'x'.repeat(101),
      'cloudfront-viewer-latitude': '95.1',
      'cloudfront-viewer-longitude': '114.0',
    };
    expect(scanFromGatewayAnswer({ ...answer, headers: odd })?.place).toEqual({});
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
    expect(parse(line({ 'cs-uri-query': `8030=${DIGSIG}` }))?.subject).toMatchObject({ digsig: DIGSIG });
    expect(parse(line({ 'cs-uri-query': `lang=en&8030=${DIGSIG}` }))?.subject).toMatchObject({ digsig: DIGSIG });
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
      expect(parse(line({ 'cs-uri-query': query }))?.subject).not.toHaveProperty('digsig');
    }
  });
});

describe('Kinesis records', () => {
  const record = (sequenceNumber: string, data: string, shard = 'shardId-000000000000') => ({
    eventID: `${shard}:${sequenceNumber}`,
    kinesis: { sequenceNumber, data: Buffer.from(data).toString('base64') },
  });

  it('decodes, parses and sequences scans with their shard, skipping records that are no scan', () => {
    const scans = scansFromKinesis(
      [
        record('49590338271490256608559692538361571095921575989136588898', `${line({})}\n`),
        record('49590338271490256608559692538361571095921575989136588899', line({ 'cs-method': 'HEAD' })),
        record('49590338271490256608559692538361571095921575989136588900', 'not a log line'),
        record('9', line({}), 'shardId-000000000001'),
      ],
      locate,
    );
    expect(scans.map(({ shard, sequence }) => ({ shard, sequence }))).toEqual([
      { shard: 'shardId-000000000000', sequence: padSequence('49590338271490256608559692538361571095921575989136588898') },
      { shard: 'shardId-000000000001', sequence: padSequence('9') },
    ]);
  });

  it('orders the lines of a record holding several between it and the next record', () => {
    const [first, second] = scansFromKinesis([record('10', `${line({})}\n${line({})}\n`)], locate);
    expect(first !== undefined && second !== undefined && first.sequence < second.sequence).toBe(true);
    expect((second?.sequence ?? '') < padSequence('11')).toBe(true);
    expect((first?.sequence ?? '') > padSequence('10')).toBe(true);
  });
});
