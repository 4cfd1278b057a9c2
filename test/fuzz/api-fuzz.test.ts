import { connect } from 'node:net';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cursorParameterOf, type RouteDefinition } from '#kernel/http/route-definition';
import type { Role } from '#kernel/roles';
import { ALL_ROUTES } from '#shared/app/routes';
import { factoryWithProduct, freshGtin, productBody, registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

/**
 * Generated malformed requests against every route of the real local service: random paths
 * and methods, bad UTF-8 and percent-encoding, huge query strings and headers, wrong types,
 * deep nesting, 10 MB bodies, truncated JSON, forged cursors, garbage and valid tokens.
 * None may get a 5xx (or no answer at all), and none may write anything.
 *
 * Requests go over a raw socket, so bytes no HTTP client would send still reach the server.
 * Reproduce a failure with the seed (and path) fast-check prints:
 *   FUZZ_SEED=<seed> npx vitest run test/fuzz/api-fuzz.test.ts
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_124);
/** Each run sends a group of requests at once; 1,000 runs of 10 make the 10,000. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const GROUP = 10;

let service: TestService;
let adminToken: string;
let port: number;

interface Known {
  tokens: { role: Role; token: string; orgId: string; registered: boolean }[];
  orgIds: string[];
  batchIds: string[];
  gtin: string;
  lot: string;
  serial: string;
  digsig: string;
  unitUri: string;
  sscc: string;
  ssccUri: string;
  distributorId: string;
}
let known: Known;

const countItems = async (): Promise<number> => {
  const client = new DynamoDBClient({});
  let count = 0;
  let ExclusiveStartKey: Record<string, never> | undefined;
  do {
    const page = await client.send(
      // Scan records are not writes of a request: a well-formed code (a forged one too) that the
      // verify route answered is a scan, and is counted by design (scan rollups, unit scan items,
      // forged-scan tallies), and a wave of forged scans raises an alert filed in the inbox.
      // Only the aggregator writes alerts, never a request's handler. Two routes take so little
      // that a fuzzed request with a valid token is a genuine one, not malformed input that got
      // through: a regulator's inspector (a name) and an on-demand checkpoint (no body at all);
      // their activity records (ACTIVITY#, written only after a write succeeded) go with them.
      new ScanCommand({
        TableName: process.env.TABLE_NAME,
        Select: 'COUNT',
        ConsistentRead: true,
        ExclusiveStartKey,
        FilterExpression:
          'NOT begins_with(pk, :rollups) AND sk <> :unitScans AND NOT begins_with(pk, :alerts) AND NOT begins_with(pk, :alertEntries) AND NOT begins_with(sk, :inspectors) AND NOT begins_with(pk, :auditLog) AND NOT begins_with(pk, :activity)',
        ExpressionAttributeValues: {
          ':rollups': { S: 'SCANS#' },
          ':unitScans': { S: 'SCANS' },
          ':alerts': { S: 'ALERT#' },
          ':alertEntries': { S: 'INBOX#alert#' },
          ':inspectors': { S: 'INSPECTOR' },
          ':auditLog': { S: 'AUDITLOG' },
          ':activity': { S: 'ACTIVITY#' },
        },
      }),
    );
    count += page.Count ?? 0;
    ExclusiveStartKey = page.LastEvaluatedKey as typeof ExclusiveStartKey;
  } while (ExclusiveStartKey !== undefined);
  client.destroy();
  return count;
};

beforeAll(async () => {
  ({ service, adminToken } = await startTestServiceWithAdmin());
  port = Number(new URL(service.url).port);
  const { factory, gtin } = await factoryWithProduct(service, adminToken);
  const distributor = await registerOrg(service, 'distributor', adminToken);
  const regulator = await registerOrg(service, 'regulator', adminToken);
  const batchRes = await service.call('POST', '/v1/batches', {
    token: factory.token,
    body: { gtin, lot: 'FUZZ-1', productionDate: '2026-11-01', count: 3 },
  });
  const { batch, codes } = (await batchRes.json()) as { batch: { id: string }; codes: string[] };
  const containerRes = await service.call('POST', '/v1/containers', { token: factory.token, body: { kind: 'case', count: 2 } });
  const containers = ((await containerRes.json()) as { codes: { sscc: string; uri: string }[] }).codes;
  const unitUri = codes[0] ?? '';
  const unit = new URL(unitUri);
  const [, , unitGtin = '', , lot = '', , serial = ''] = unit.pathname.split('/');
  known = {
    tokens: [
      { role: 'admin', token: adminToken, orgId: 'ops-admin', registered: false },
      { role: 'factory', token: factory.token, orgId: factory.id, registered: true },
      { role: 'distributor', token: distributor.token, orgId: distributor.id, registered: true },
      { role: 'regulator', token: regulator.token, orgId: regulator.id, registered: true },
      { role: 'factory', token: await service.token('not-registered', 'factory'), orgId: 'not-registered', registered: false },
      { role: 'distributor', token: await service.token(factory.id, 'distributor'), orgId: factory.id, registered: false },
    ],
    orgIds: [factory.id, distributor.id, regulator.id],
    batchIds: [batch.id],
    gtin: unitGtin || gtin,
    lot,
    serial,
    digsig: unit.searchParams.get('8030') ?? '',
    unitUri,
    sscc: containers[0]?.sscc ?? '',
    ssccUri: containers[0]?.uri ?? '',
    distributorId: distributor.id,
  };
  // POST /v1/audit/checkpoints takes no input to malform: the first one ever creates the log's
  // state and its first head; repeats within the hour write nothing (a recent head is reused).
  const checkpoint = await service.call('POST', '/v1/audit/checkpoints', { token: regulator.token });
  if (checkpoint.status !== 201) throw new Error(`checkpoint failed: ${checkpoint.status}`);
}, 120_000);
afterAll(async () => service?.stop());

// ---------------------------------------------------------------------------------------
// Requests as data: small descriptors fast-check can shrink and print, expanded at send time.

/** A string, raw bytes (any, including invalid UTF-8), or a long repetition built at send time. */
type Piece = string | { bytes: number[] } | { repeat: string; times: number };
type Body =
  | { json: unknown; truncateAt?: number }
  | { text: string }
  | { bytes: number[] }
  | { nest: number; open: string; close: string }
  | { huge: number };

interface FuzzRequest {
  method: string;
  path: Piece[];
  query: [Piece, Piece][];
  headers: [string, Piece][];
  body?: Body;
}

const expand = (piece: Piece): Buffer =>
  typeof piece === 'string'
    ? Buffer.from(piece, 'utf8')
    : 'bytes' in piece
      ? Buffer.from(piece.bytes)
      : Buffer.from(piece.repeat.repeat(piece.times), 'utf8');

const bodyBytes = (body: Body | undefined): Buffer | undefined => {
  if (body === undefined) return undefined;
  if ('json' in body) {
    const text = JSON.stringify(body.json) ?? 'undefined';
    return Buffer.from(body.truncateAt === undefined ? text : text.slice(0, body.truncateAt % Math.max(1, text.length)), 'utf8');
  }
  if ('text' in body) return Buffer.from(body.text, 'utf8');
  if ('bytes' in body) return Buffer.from(body.bytes);
  if ('nest' in body) return Buffer.from(body.open.repeat(body.nest) + body.close.repeat(body.nest), 'utf8');
  // A JSON string of exactly `huge` bytes.
  return Buffer.concat([Buffer.from('{"x":"'), Buffer.alloc(Math.max(0, body.huge - 8), 'a'), Buffer.from('"}')]);
};

/** What came back: a status, or why nothing did. */
type Outcome = { status: number } | { failure: string };

const send = (request: FuzzRequest): Promise<Outcome> => {
  const target = Buffer.concat([
    ...request.path.map(expand),
    ...(request.query.length === 0
      ? []
      : [
          Buffer.from('?'),
          ...request.query.flatMap(([k, v], i) => [Buffer.from(i === 0 ? '' : '&'), expand(k), Buffer.from('='), expand(v)]),
        ]),
  ]);
  const body = bodyBytes(request.body);
  const head = Buffer.concat([
    Buffer.from(`${request.method} `, 'latin1'),
    target,
    Buffer.from(' HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n', 'latin1'),
    ...request.headers.flatMap(([name, value]) => [Buffer.from(`${name}: `, 'latin1'), expand(value), Buffer.from('\r\n')]),
    Buffer.from(body === undefined ? '\r\n' : `content-length: ${body.length}\r\n\r\n`, 'latin1'),
  ]);
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(outcome);
    };
    const statusOf = (): number | undefined => {
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(received.subarray(0, 32).toString('latin1'));
      return match?.[1] === undefined ? undefined : Number(match[1]);
    };
    const socket = connect({ host: '127.0.0.1', port });
    // A hang, not slowness: a loaded two-core machine answers a 10 MiB body many times slower.
    AbortSignal.timeout(120_000).addEventListener('abort', () => finish({ failure: 'no answer within 120 s' }));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const status = statusOf();
      if (status !== undefined) finish({ status });
    });
    // The server may answer (413, 431) and close before it has read all we send.
    socket.on('error', () => {
      const status = statusOf();
      finish(status === undefined ? { failure: 'connection reset without an answer' } : { status });
    });
    socket.on('close', () => {
      const status = statusOf();
      finish(status === undefined ? { failure: 'connection closed without an answer' } : { status });
    });
    socket.write(head);
    if (body !== undefined) socket.write(body);
  });
};

// ---------------------------------------------------------------------------------------
// Generators

const cursorOf = (key: unknown) => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

const malformedEscapes = ['%ZZ', '%', '%C3', '%E0%A4%A', '%FF%FE', '%00', '%2F', '%2e%2e', '%%', '%u0041', '%C0%AF', '%ED%A0%80'];

/**
 * Keys in a caller's own partitions, partial or with other attributes (the shapes that once
 * got past the cursor check to DynamoDB, which refused them: a 500), for the given organizations.
 */
const ownPartitionCursor = (orgIds: readonly string[]) =>
  fc
    .tuple(
      fc.constantFrom(
        ...orgIds.flatMap((id) => [{ gsi1pk: `ORG#${id}#BATCHES` }, { gsi1pk: `CUSTODIAN#${id}` }, { gsi1pk: `INCOMING#${id}` }]),
        ...known.batchIds.map((id) => ({ pk: `BATCH#${id}` })),
      ),
      fc.dictionary(
        fc.constantFrom('pk', 'sk', 'gsi1sk', 'gsi2pk', 'extra'),
        fc.oneof({ weight: 4, arbitrary: fc.string({ maxLength: 20 }) }, { weight: 1, arbitrary: fc.jsonValue() }),
        { maxKeys: 3 },
      ),
    )
    .map(([partition, rest]) => cursorOf({ ...rest, ...partition }));

const forgedCursor = fc.oneof(
  fc.constant(null).chain(() => ownPartitionCursor(known.orgIds)),
  fc.constant(cursorOf({ gsi1pk: 'ORG#x#BATCHES' })),
  fc.constant(cursorOf({ pk: 'BATCH#x' })),
  fc.uuid().map((id) => cursorOf({ gsi1pk: `ORG#${id}#BATCHES`, gsi1sk: 'x', pk: 'PRODUCT#1', sk: 'LOT#1' })),
  fc.dictionary(fc.constantFrom('pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'x'), fc.jsonValue()).map(cursorOf),
  fc.jsonValue().map(cursorOf),
  fc.string({ maxLength: 60 }),
  fc.base64String({ maxLength: 80 }),
  fc.integer({ min: 100, max: 3000 }).map((times) => cursorOf({ pk: `BATCH#${'x'.repeat(times)}`, sk: 'CODES#00000001' })),
);

const knownValue = (): fc.Arbitrary<string> =>
  fc.constantFrom<keyof Known>('gtin', 'lot', 'serial', 'sscc', 'distributorId').map((name) => String(known[name]));

/** One path segment: real ids, random text (encoded or not), malformed escapes, huge. */
const segment: fc.Arbitrary<Piece> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(null).chain(() => knownValue()) },
  { weight: 2, arbitrary: fc.uuid() },
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }).map(encodeURIComponent) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }) },
  { weight: 3, arbitrary: fc.tuple(fc.string({ maxLength: 5 }), fc.constantFrom(...malformedEscapes)).map(([a, b]) => a + b) },
  {
    weight: 1,
    arbitrary: fc.array(fc.integer({ min: 0x80, max: 0xff }), { minLength: 1, maxLength: 6 }).map((bytes) => ({ bytes })),
  },
  { weight: 1, arbitrary: fc.integer({ min: 300, max: 6000 }).map((times) => ({ repeat: 'A', times })) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', '.', '..', ' ', 'v1', '01', '00', '10', '21', 'batches', 'codes', 'orgs', 'chain'),
  },
);

/** A route's own path with its parameters replaced, or a random path. */
const pathArbitrary: fc.Arbitrary<Piece[]> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(...ALL_ROUTES).chain((route) => {
      const parts = route.path.split('/').slice(1);
      return fc
        .tuple(...parts.map((part) => (/^\{\w+\}$/.test(part) ? segment : fc.constant<Piece>(part))))
        .map((pieces) => pieces.flatMap((piece) => ['/', piece]));
    }),
  },
  { weight: 1, arbitrary: fc.array(segment, { maxLength: 8 }).map((pieces) => pieces.flatMap((piece) => ['/', piece])) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Piece[]>(['*'], ['//v1//batches'], ['/v1/batches/'], ['http://evil.example/v1/orgs'], ['/%2F%2F']),
  },
);

const queryValue: fc.Arbitrary<Piece> = fc.oneof(
  forgedCursor.map(encodeURIComponent),
  fc.constantFrom('-1', '0', '1e309', 'NaN', '99999999999999999999', '1.5', 'csv', 'xml', 'held', 'incoming', 'true', '[]', '{}'),
  fc.constant(null).chain(() => fc.constantFrom(known.digsig, known.digsig.slice(1), `${known.digsig}A`)),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  fc.constantFrom(...malformedEscapes),
  fc.integer({ min: 1000, max: 12_000 }).map((times) => ({ repeat: 'q', times })),
);
const queryArbitrary = fc.array(
  fc.tuple(
    fc.oneof(
      fc.constantFrom<Piece>('cursor', 'limit', 'format', 'which', '8030', '%38030', '__proto__', 'constructor', 'cursor[]'),
      fc.string({ maxLength: 10 }).map(encodeURIComponent),
    ),
    queryValue,
  ),
  { maxLength: 5 },
);

const garbageToken = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.tuple(fc.base64String(), fc.base64String(), fc.base64String()).map((parts) => parts.join('.')),
  fc.constant('eyJhbGciOiJub25lIn0.eyJzY29wZSI6InRyYWNlc2VhbC9hZG1pbiJ9.'), // alg none, admin scope
  fc
    .constant(null)
    .chain(() =>
      fc
        .constantFrom(...known.tokens.map((t) => t.token))
        .chain((token) =>
          fc.nat({ max: token.length - 1 }).map((i) => token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1)),
        ),
    ),
);
const authorization: fc.Arbitrary<Piece | undefined> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  {
    weight: 5,
    arbitrary: fc
      .constant(null)
      .chain(() => fc.constantFrom(...known.tokens))
      .map((t) => `Bearer ${t.token}`),
  },
  { weight: 3, arbitrary: garbageToken.map((token) => `Bearer ${token}`) },
  { weight: 1, arbitrary: fc.constantFrom('Bearer', 'Basic YWRtaW46YWRtaW4=', 'bearer  ', 'Token x') },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 9000 }).map((times) => ({ repeat: 'A', times })) },
);

const headerArbitrary: fc.Arbitrary<[string, Piece][]> = fc
  .record({
    authorization,
    contentType: fc.option(
      fc.constantFrom(
        'application/json',
        'application/json; charset=utf-16le',
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/octet-stream',
        'application/ld+json',
        ';;;',
      ),
    ),
    accept: fc.option(
      fc.constantFrom('application/json', 'text/html', '*/*', 'application/ld+json;q=0.9, text/html;q=', '\u00ff'),
    ),
    idempotencyKey: fc.option(fc.oneof(fc.string({ maxLength: 200 }), fc.constant('valid-key-12345'))),
    extra: fc.array(
      fc.tuple(
        // Not the headers that frame the message: a wrong length would only make the socket wait.
        fc
          .stringMatching(/^[a-z][a-z-]{0,19}$/)
          .filter((name) => !['content-length', 'transfer-encoding', 'host', 'connection', 'expect', 'upgrade'].includes(name)),
        fc.oneof<fc.Arbitrary<Piece>[]>(
          fc.string({ maxLength: 40 }),
          fc.integer({ min: 1000, max: 12_000 }).map((times) => ({ repeat: 'h', times })),
          fc.array(fc.integer({ min: 0, max: 0xff }), { maxLength: 8 }).map((bytes) => ({ bytes })),
        ),
      ),
      { maxLength: 3 },
    ),
  })
  .map(({ authorization: auth, contentType, accept, idempotencyKey, extra }) => [
    ...(auth === undefined ? [] : ([['authorization', auth]] as [string, Piece][])),
    ...(contentType === null ? [] : ([['content-type', contentType]] as [string, Piece][])),
    ...(accept === null ? [] : ([['accept', accept]] as [string, Piece][])),
    ...(idempotencyKey === null ? [] : ([['idempotency-key', idempotencyKey]] as [string, Piece][])),
    ...extra,
  ]);

/** A body each write route accepts, before it is broken. */
const validBodies = (): Record<string, unknown>[] => [
  { name: 'Fuzz Org', role: 'distributor', region: 'CN-ZJ Hangzhou', licenseNumber: 'FUZZ-LICENSE-1' },
  {
    gtin: '06952012345683',
    name: 'Safety helmet',
    category: 'safety_helmet',
    standard: 'GB 2811-2019',
    laCertificate: { number: 'LA-1', validUntil: '2030-12-31' },
    serviceLifeMonths: 30,
  },
  { gtin: known.gtin, lot: 'FUZZ-2', productionDate: '2026-11-20', count: 5 },
  { kind: 'case', count: 3 },
  {
    events: [
      {
        bizStep: 'shipping',
        eventTime: new Date().toISOString(),
        eventTimeZoneOffset: '+00:00',
        epcs: [known.unitUri, known.ssccUri],
        destination: known.distributorId,
      },
    ],
  },
];

/** Breaks a body for sure (every body schema is a strict object, so an unknown key is refused) and maybe more. */
const brokenBody: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.constant(null).chain(() => fc.constantFrom(...validBodies())),
    fc.array(
      fc.tuple(
        fc.constantFrom('name', 'role', 'gtin', 'lot', 'count', 'kind', 'events', 'laCertificate', 'eventTime'),
        fc.jsonValue(),
      ),
      { maxLength: 3 },
    ),
    fc.string({ minLength: 1, maxLength: 12 }),
    fc.jsonValue(),
  )
  .map(([base, replacements, unknownKey, unknownValue]) => ({
    ...base,
    ...Object.fromEntries(replacements),
    [`__fuzz_${unknownKey}`]: unknownValue,
  }));

const bodyArbitrary: fc.Arbitrary<Body | undefined> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 6, arbitrary: brokenBody.map((json) => ({ json })) },
  { weight: 2, arbitrary: fc.tuple(brokenBody, fc.nat()).map(([json, truncateAt]) => ({ json, truncateAt })) },
  // Valid JSON of the wrong kind altogether: arrays, numbers, strings, null.
  {
    weight: 2,
    arbitrary: fc
      .jsonValue()
      .filter((v) => v === null || typeof v !== 'object' || Array.isArray(v))
      .map((json) => ({ json })),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((text) => ({ text })) },
  { weight: 1, arbitrary: fc.array(fc.integer({ min: 0, max: 0xff }), { maxLength: 64 }).map((bytes) => ({ bytes })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 30_000 }), fc.constantFrom(['[', ']'], ['{"a":', '}'], ['{"events":[', ']}']))
      .map(([nest, [open = '[', close = ']']]) => ({ nest, open, close })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Body>(
      { text: '{"__proto__":{"role":"admin","isAdmin":true},"constructor":{"prototype":{"polluted":1}}}' },
      { text: '{"name":"a","name":"b"}' },
      { text: '{"count":1e999}' },
      { text: '\uFEFF{}' },
      { text: '' },
    ),
  },
);

const methodArbitrary = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('GET', 'POST') },
  { weight: 2, arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'get', 'PROPFIND') },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Z]{1,12}$/) },
);

const chaoticRequest: fc.Arbitrary<FuzzRequest> = fc.record({
  method: methodArbitrary,
  path: pathArbitrary,
  query: queryArbitrary,
  headers: headerArbitrary,
  body: bodyArbitrary,
});

/** The value a route parameter takes when it names something that exists. */
const knownParameter = (name: string): fc.Arbitrary<string> => {
  if (name === 'id') return fc.constantFrom(...known.batchIds, ...known.orgIds);
  if (name === 'gtin' || name === 'lot' || name === 'serial' || name === 'sscc') return fc.constant(known[name]);
  return fc.uuid();
};

/**
 * Requests that get past the gateway: a route's own method and path with existing ids, a
 * valid token of a role the route allows, JSON. What is wrong with them is the query, the
 * body, or a parameter, so the handlers' own validation and services are what is fuzzed.
 */
const routedRequest: fc.Arbitrary<FuzzRequest> = fc
  .constant(null)
  .chain(() =>
    fc.constantFrom(...ALL_ROUTES).chain((route) => {
      const parts = route.path.split('/').slice(1);
      const allowed = route.auth === 'public' ? [] : known.tokens.filter((t) => (route.auth as readonly Role[]).includes(t.role));
      return fc.record({
        token: allowed.length === 0 ? fc.constant(undefined) : fc.option(fc.constantFrom(...allowed), { freq: 8 }),
        method: fc.constant(route.method),
        path: fc
          .tuple(
            ...parts.map((part) => {
              const name = /^\{(\w+)\}$/.exec(part)?.[1];
              return name === undefined
                ? fc.constant<Piece>(part)
                : fc.oneof({ weight: 4, arbitrary: knownParameter(name) }, { weight: 1, arbitrary: segment });
            }),
          )
          .map((pieces) => pieces.flatMap((piece) => ['/', piece])),
        query: queryArbitrary,
        withOwnCursor: fc.nat({ max: 3 }).map((n) => n === 0),
        headers: fc
          .tuple(
            fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain'),
            fc.option(fc.constantFrom('application/json', 'text/html')),
            fc.option(fc.oneof(fc.string({ maxLength: 200 }), fc.stringMatching(/^[A-Za-z0-9_.:-]{8,40}$/))),
          )
          .map(([contentType, accept, idempotencyKey]) => [
            ['content-type', contentType] as [string, Piece],
            ...(accept === null ? [] : ([['accept', accept]] as [string, Piece][])),
            ...(idempotencyKey === null ? [] : ([['idempotency-key', idempotencyKey]] as [string, Piece][])),
          ]),
        body: route.method === 'POST' ? bodyArbitrary : fc.constant(undefined),
      });
    }),
  )
  .chain(({ token, withOwnCursor, ...request }) =>
    // A cursor in the partitions of the very organization whose token is sent, part of the time.
    (token === undefined || token === null || !withOwnCursor
      ? fc.constant(request.query)
      : ownPartitionCursor([token.orgId]).map((cursor): [Piece, Piece][] => [
          ['cursor', encodeURIComponent(cursor)],
          ...request.query.filter(([k]) => k !== 'cursor'),
        ])
    ).map((query) => ({
      ...request,
      query,
      headers:
        token === undefined || token === null
          ? request.headers
          : [['authorization', `Bearer ${token.token}`] as [string, Piece], ...request.headers],
    })),
  );

const requestArbitrary: fc.Arbitrary<FuzzRequest> = fc.oneof(chaoticRequest, routedRequest);

/** 10 MiB bodies cost real time: a handful of them, on chosen runs, not from the generator. */
const HUGE_BODY_EVERY = 250;

describe('API fuzzing', () => {
  it(`${RUNS * GROUP} generated malformed requests: no 5xx, nothing written (seed ${SEED})`, async () => {
    const before = await countItems();
    let sent = 0;
    let run = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(requestArbitrary, { minLength: GROUP, maxLength: GROUP }), async (requests) => {
        run += 1;
        // The first request of the group gets a body of exactly 10 MiB, the most the gateway takes.
        const group =
          run % HUGE_BODY_EVERY === 0
            ? requests.map((r, i) => (i === 0 ? { ...r, body: { huge: 10 * 1024 * 1024 } } : r))
            : requests;
        const outcomes = await Promise.all(group.map(send));
        sent += group.length;
        for (const [i, outcome] of outcomes.entries()) {
          if ('status' in outcome) statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
          const failed = 'failure' in outcome || outcome.status >= 500;
          if (failed) {
            const request = group[i];
            throw new Error(
              `${JSON.stringify(outcome)} for ${request?.method} ${JSON.stringify(request?.path)} ` +
                `query ${JSON.stringify(request?.query)} headers ${JSON.stringify(request?.headers)} body ${JSON.stringify(request?.body)?.slice(0, 500)}`,
            );
          }
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: false, verbose: 1 },
    );
    if (process.env.FUZZ_VERBOSE !== undefined) console.info(`statuses: ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(sent).toBeGreaterThanOrEqual(RUNS * GROUP);
    // Every request was refused somewhere: by the gateway or a handler, always a 4xx (or a read's 2xx/3xx).
    expect([...statuses.keys()].every((status) => status < 500)).toBe(true);
    expect(await countItems()).toBe(before);
    // 10,000 requests take minutes idle and several times that on a loaded machine: this bounds a hang only.
  }, 3_600_000);
});

// ---------------------------------------------------------------------------------------
// Every listing's cursor: enumerated from the route table, so a new listing cannot be left out.

/** A page of a listing: where it is, who asks, and with which parameters. */
interface ListingCall {
  path: string;
  query: Record<string, string>;
  token?: string;
}

interface Harvested {
  /** The call that handed the cursor out; with the cursor, it must answer 200. */
  own: ListingCall;
  cursor: string;
  /** The same listing elsewhere: other parameters, another resource, another caller. */
  elsewhere: ListingCall[];
}

const LISTINGS = ALL_ROUTES.filter((route) => cursorParameterOf(route) !== undefined);

const callWith = async (route: RouteDefinition, call: ListingCall, cursor: string | undefined) => {
  const parameter = cursorParameterOf(route) ?? 'cursor';
  const query = new URLSearchParams({ ...call.query, ...(cursor === undefined ? {} : { [parameter]: cursor }) });
  const res = await service.call(
    'GET',
    `${call.path}?${query.toString()}`,
    call.token === undefined ? {} : { token: call.token },
  );
  const link = res.headers.get('link');
  const text = await res.text();
  // Batch codes answer NDJSON or CSV; every other answer (and every error) is JSON.
  const body = (
    (res.headers.get('content-type') ?? '').includes('json') && !(res.headers.get('content-type') ?? '').includes('ndjson')
      ? JSON.parse(text)
      : {}
  ) as { cursor?: string; error?: { code: string } };
  const next =
    link === null ? undefined : (new URL(/<([^>]+)>/.exec(link)?.[1] ?? '', 'http://x').searchParams.get(parameter) ?? undefined);
  return { status: res.status, code: body.error?.code, next: body.cursor ?? next };
};

/** The first page's cursor of a listing (there must be a second page). */
const harvest = async (route: RouteDefinition, own: ListingCall, elsewhere: ListingCall[] = []): Promise<Harvested> => {
  const first = await callWith(route, own, undefined);
  if (first.status !== 200 || first.next === undefined) {
    throw new Error(`${route.operationId} handed out no cursor: ${JSON.stringify(first)}`);
  }
  return { own, cursor: first.next, elsewhere };
};

describe("every listing's cursor", () => {
  const harvested = new Map<string, Harvested>();
  const routeOf = (operationId: string): RouteDefinition => {
    const route = LISTINGS.find((r) => r.operationId === operationId);
    if (route === undefined) throw new Error(`no listing ${operationId}`);
    return route;
  };

  beforeAll(async () => {
    const [, factory, distributor, regulator] = known.tokens;
    if (factory === undefined || distributor === undefined || regulator === undefined) throw new Error('fixtures');
    const other = await factoryWithProduct(service, adminToken);
    const otherRegulator = await registerOrg(service, 'regulator', adminToken);
    const issue = async (token: string, gtin: string, lot: string, count: number) => {
      const res = await service.call('POST', '/v1/batches', { token, body: { gtin, lot, productionDate: '2026-11-01', count } });
      if (res.status !== 201) throw new Error(`batch: ${res.status} ${await res.text()}`);
      return (await res.json()) as { batch: { id: string }; codes: string[] };
    };
    const today = new Date().toISOString().slice(0, 10);
    const range = { from: '2026-01-01', to: today };
    const earlier = { from: '2026-01-01', to: '2026-01-31' };

    // Batches and their codes: a second batch of one factory, and one of 10 chunks (a page reads 10).
    await issue(factory.token, known.gtin, 'CUR-2', 1);
    await issue(other.factory.token, other.gtin, 'CUR-B', 1);
    await issue(other.factory.token, other.gtin, 'CUR-B2', 1);
    const big = await issue(factory.token, known.gtin, 'CUR-BIG', 10_000);
    harvested.set(
      'listBatches',
      await harvest(routeOf('listBatches'), { path: '/v1/batches', query: { limit: '1' }, token: factory.token }, [
        { path: '/v1/batches', query: { limit: '1' }, token: other.factory.token },
      ]),
    );
    // Products: a second one of the factory, so a page of one ends with a cursor.
    const secondProduct = await service.call('POST', '/v1/products', { token: factory.token, body: productBody(freshGtin()) });
    if (secondProduct.status !== 201) throw new Error(`product: ${secondProduct.status} ${await secondProduct.text()}`);
    harvested.set(
      'listProducts',
      await harvest(routeOf('listProducts'), { path: '/v1/products', query: { limit: '1' }, token: factory.token }, [
        { path: '/v1/products', query: { limit: '1' }, token: other.factory.token },
      ]),
    );
    const codesOf = (id: string) => `/v1/batches/${id}/codes`;
    harvested.set(
      'listBatchCodes',
      await harvest(
        routeOf('listBatchCodes'),
        { path: codesOf(big.batch.id), query: { format: 'ndjson' }, token: factory.token },
        [{ path: codesOf(known.batchIds[0] ?? ''), query: { format: 'ndjson' }, token: factory.token }],
      ),
    );

    // Inventory: the factory holds 2 cases (fixtures) and 3 units.
    harvested.set(
      'getInventory',
      await harvest(
        routeOf('getInventory'),
        { path: '/v1/inventory', query: { which: 'held', limit: '1' }, token: factory.token },
        [
          { path: '/v1/inventory', query: { which: 'incoming', limit: '1' }, token: factory.token },
          { path: '/v1/inventory', query: { which: 'held', limit: '1' }, token: other.factory.token },
        ],
      ),
    );

    // Custody events (two shipments) for the EPCIS query, and a call that runs out of time for an event job.
    const [first = '', second = ''] = (await issue(factory.token, known.gtin, 'CUR-EVT', 2)).codes;
    for (const code of [first, second]) {
      const res = await service.call('POST', '/v1/events', {
        token: factory.token,
        body: {
          events: [
            {
              bizStep: 'shipping',
              eventTime: new Date().toISOString(),
              eventTimeZoneOffset: '+08:00',
              epcs: [code],
              destination: known.distributorId,
            },
          ],
        },
      });
      if (res.status !== 200) throw new Error(`events: ${res.status} ${await res.text()}`);
    }
    harvested.set(
      'queryEpcisEvents',
      await harvest(routeOf('queryEpcisEvents'), { path: '/v1/epcis/events', query: { perPage: '1' }, token: factory.token }, [
        { path: '/v1/epcis/events', query: { perPage: '1' }, token: distributor.token },
        { path: '/v1/epcis/events', query: { perPage: '1', EQ_bizStep: 'shipping' }, token: factory.token },
        { path: '/v1/epcis/events', query: { perPage: '1', GE_recordTime: '2026-02-01T00:00:00Z' }, token: factory.token },
      ]),
    );
    const jobOf = async () => {
      // The call keeps 1 ms of its time: what it cannot do at once becomes a job.
      process.env.EVENTS_SYNC_MARGIN_MS = '28999';
      try {
        const unknown = `${known.unitUri.split('/21/')[0]}/21/NO-SUCH-UNIT`;
        const events = Array.from({ length: 3 }, () => ({
          bizStep: 'shipping',
          eventTime: new Date().toISOString(),
          eventTimeZoneOffset: '+08:00',
          epcs: [unknown],
          destination: known.distributorId,
        }));
        const res = await service.call('POST', '/v1/events', { token: factory.token, body: { events } });
        if (res.status !== 202) throw new Error(`no job: ${res.status} ${await res.text()}`);
        return ((await res.json()) as { jobId: string }).jobId;
      } finally {
        delete process.env.EVENTS_SYNC_MARGIN_MS;
      }
    };
    const job = await jobOf();
    const otherJob = await jobOf();
    harvested.set(
      'getEventJob',
      await harvest(routeOf('getEventJob'), { path: `/v1/events/jobs/${job}`, query: { limit: '1' }, token: factory.token }, [
        { path: `/v1/events/jobs/${otherJob}`, query: { limit: '1' }, token: factory.token },
      ]),
    );

    // Counterfeit reports no province could be tied to: the unlocated listing and inbox.
    for (let i = 0; i < 2; i++) {
      const res = await service.call('POST', '/v1/reports', {
        body: { place: 'Market stall', city: 'Somewhere', description: 'A helmet with a blurred label.' },
        headers: { 'cloudfront-viewer-address': `198.51.100.${i + 10}:4000${i}` },
      });
      if (res.status !== 202) throw new Error(`report: ${res.status} ${await res.text()}`);
    }
    harvested.set(
      'listReports',
      await harvest(
        routeOf('listReports'),
        { path: '/v1/reports', query: { unlocated: 'true', limit: '1', ...range }, token: regulator.token },
        [
          // The same cursor for another range: it pointed outside the query (a 500 from DynamoDB).
          { path: '/v1/reports', query: { unlocated: 'true', limit: '1', ...earlier }, token: regulator.token },
          { path: '/v1/reports', query: { unlocated: 'true', limit: '1' }, token: regulator.token },
          { path: '/v1/reports', query: { unlocated: 'true', limit: '1', status: 'closed', ...range }, token: regulator.token },
          { path: '/v1/reports', query: { limit: '1', ...range }, token: regulator.token },
          { path: '/v1/reports', query: { unlocated: 'true', limit: '1', ...range }, token: otherRegulator.token },
        ],
      ),
    );
    harvested.set(
      'listInbox',
      await harvest(
        routeOf('listInbox'),
        { path: '/v1/inbox', query: { unlocated: 'true', limit: '1', ...range }, token: regulator.token },
        [
          { path: '/v1/inbox', query: { unlocated: 'true', limit: '1', ...earlier }, token: regulator.token },
          { path: '/v1/inbox', query: { unlocated: 'true', limit: '1', kind: 'report', ...range }, token: regulator.token },
          { path: '/v1/inbox', query: { limit: '1', ...range }, token: regulator.token },
          { path: '/v1/inbox', query: { unlocated: 'true', limit: '1', ...range }, token: otherRegulator.token },
        ],
      ),
    );

    // Alerts: two units of a product meant for China scanned in Hanoi.
    const { aggregateScans } = await import('#shared/scans/services/scan-aggregator');
    const { HANOI, issueProductUnits, scanStream } = await import('../support/anomalies');
    const { units } = await issueProductUnits(service, factory.token, 2, ['CN']);
    const scanOf = scanStream();
    await aggregateScans(units.map((unit) => scanOf(unit, HANOI, new Date())));
    harvested.set(
      'listAlerts',
      await harvest(routeOf('listAlerts'), { path: '/v1/alerts', query: { limit: '1', ...range }, token: factory.token }, [
        { path: '/v1/alerts', query: { limit: '1', ...earlier }, token: factory.token },
        { path: '/v1/alerts', query: { limit: '1' }, token: factory.token },
        { path: '/v1/alerts', query: { limit: '1', gtin: known.gtin, ...range }, token: factory.token },
        { path: '/v1/alerts', query: { limit: '1', ...range }, token: other.factory.token },
      ]),
    );

    // Signed heads: the fixtures signed one, the hourly run (an hour on) signs the next.
    const { appendAndCheckpoint, HEAD_REFRESH_MS, recordedEventSource } = await import(
      '#shared/audit/services/checkpoint-service'
    );
    await appendAndCheckpoint({ source: recordedEventSource, now: new Date(Date.now() + HEAD_REFRESH_MS + 60_000) });
    harvested.set(
      'listCheckpoints',
      await harvest(routeOf('listCheckpoints'), { path: '/v1/audit/checkpoints', query: { limit: '1' } }),
    );

    // Spot-check draws, listed publicly.
    const { drawBody, newSecret } = await import('../support/spot-checks');
    // One open draw per regulator at a time: two regulators open one each.
    for (const drawer of [regulator, otherRegulator]) {
      const res = await service.call('POST', '/v1/spot-checks/draws', {
        token: drawer.token,
        body: await drawBody(service, drawer.token, newSecret().commitment),
      });
      if (res.status !== 201) throw new Error(`draw: ${res.status} ${await res.text()}`);
    }
    // An organization's people (two invited) and its activity (its writes above), for the service's admin.
    for (const n of [1, 2]) {
      const res = await service.call('POST', `/v1/organizations/${factory.orgId}/users`, {
        token: adminToken,
        body: { email: `fuzz-person-${n}-${factory.orgId}@example.com`, name: `Person ${n}` },
      });
      if (res.status !== 201) throw new Error(`invite: ${res.status} ${await res.text()}`);
    }
    const peopleOf = (orgId: string) => `/v1/organizations/${orgId}/users`;
    harvested.set(
      'listOrganizationUsers',
      await harvest(
        routeOf('listOrganizationUsers'),
        { path: peopleOf(factory.orgId), query: { limit: '1' }, token: adminToken },
        [{ path: peopleOf(other.factory.id), query: { limit: '1' }, token: adminToken }],
      ),
    );
    const activityOf = (orgId: string) => `/v1/organizations/${orgId}/activity`;
    harvested.set(
      'listOrganizationActivity',
      await harvest(
        routeOf('listOrganizationActivity'),
        { path: activityOf(factory.orgId), query: { limit: '1' }, token: adminToken },
        [{ path: activityOf(other.factory.id), query: { limit: '1' }, token: adminToken }],
      ),
    );
    harvested.set(
      'listSpotCheckDraws',
      await harvest(routeOf('listSpotCheckDraws'), { path: '/v1/spot-checks/draws', query: { limit: '1' } }),
    );
  }, 300_000);

  const expectInvalid = async (route: RouteDefinition, call: ListingCall, cursor: string, what: string) => {
    const answer = await callWith(route, call, cursor);
    expect({ status: answer.status, code: answer.code }, `${route.operationId} ${what}`).toEqual({
      status: 400,
      code: 'INVALID_CURSOR',
    });
  };

  it('covers every listing of the route table', () => {
    expect([...harvested.keys()].sort()).toEqual(LISTINGS.map((route) => route.operationId).sort());
  });

  it("a listing's own cursor takes it to the next page", async () => {
    for (const route of LISTINGS) {
      const { own, cursor } = harvested.get(route.operationId) ?? { own: { path: '', query: {} }, cursor: '' };
      expect((await callWith(route, own, cursor)).status, route.operationId).toBe(200);
    }
  });

  it('a cursor replayed on another listing, with other parameters, on another resource or by another caller: 400 INVALID_CURSOR', async () => {
    for (const route of LISTINGS) {
      const { own, elsewhere } = harvested.get(route.operationId) ?? { own: { path: '', query: {} }, elsewhere: [] };
      for (const call of elsewhere) {
        await expectInvalid(route, call, harvested.get(route.operationId)?.cursor ?? '', `with ${JSON.stringify(call.query)}`);
      }
      for (const source of LISTINGS) {
        if (source === route) continue;
        await expectInvalid(route, own, harvested.get(source.operationId)?.cursor ?? '', `with ${source.operationId}'s cursor`);
      }
    }
  });

  it('an altered, truncated, extended or forged cursor: 400 INVALID_CURSOR, never a 500', async () => {
    const mutation = fc.oneof(
      // One character changed anywhere.
      fc.tuple(fc.nat(), fc.constantFrom(...'AZaz09-_.')).map(([at, c]) => (cursor: string) => {
        const i = at % cursor.length;
        return cursor.slice(0, i) + (cursor[i] === c ? (c === 'A' ? 'B' : 'A') : c) + cursor.slice(i + 1);
      }),
      fc.nat().map((at) => (cursor: string) => cursor.slice(0, at % cursor.length)),
      fc.string({ minLength: 1, maxLength: 8 }).map((tail) => (cursor: string) => `${cursor}${encodeURIComponent(tail)}`),
      // The position without its seal, or with another position under its seal.
      fc.constant((cursor: string) => cursor.split('.')[0] ?? ''),
      fc
        .jsonValue()
        .map(
          (value) => (cursor: string) =>
            `${Buffer.from(JSON.stringify(value) ?? '').toString('base64url')}.${cursor.split('.')[1] ?? ''}`,
        ),
      // Valid-looking content: keys of the listings' shapes and positions, unsealed or sealed with a guess.
      fc
        .tuple(
          fc.constantFrom(
            { gsi1pk: 'ORG#x#BATCHES', gsi1sk: 'x', pk: 'PRODUCT#1', sk: 'LOT#1' },
            { pk: 'BATCH#x', sk: 'CODES#00000001' },
            '2026-01-99~',
            '2026-01-05T00:00:00.000Z#e',
            '7',
          ),
          fc.constantFrom('', '.AAAAAAAAAAAAAAAAAAAAAA', `.${'A'.repeat(43)}`),
        )
        .map(
          ([position, seal]) =>
            () =>
              `${Buffer.from(typeof position === 'string' ? position : JSON.stringify(position)).toString('base64url')}${seal}`,
        ),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...LISTINGS), mutation, async (route, mutate) => {
        const { own, cursor } = harvested.get(route.operationId) ?? { own: { path: '', query: {} }, cursor: '' };
        const altered = mutate(cursor);
        fc.pre(altered !== cursor && altered.length > 0);
        await expectInvalid(route, own, altered, `altered to ${altered}`);
      }),
      { seed: SEED, numRuns: Number(process.env.FUZZ_CURSOR_RUNS ?? 300) },
    );
  });
});
