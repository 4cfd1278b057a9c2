import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { InvalidCursorError } from '#kernel/db/cursors';
import { ConflictError, ServiceUnavailableError } from '#kernel/errors';
import { type ApiContext, authorize, DEFAULT_MAX_BODY_BYTES, httpErrorHandler, validateRequest } from '#kernel/http/middleware';
import type { HttpResponse } from '#kernel/http/responses';
import type { RouteDefinition } from '#kernel/http/route-definition';
import { logger } from '#kernel/logger';
import { apiEvent, type EventOptions, lambdaContext } from '../support/events';

/** Each middleware on its own, in a middy chain of just what it needs, without any database. */
const route = (overrides: Partial<RouteDefinition> = {}): RouteDefinition => ({
  operationId: 'test',
  method: 'POST',
  path: '/v1/test/{id}',
  functionName: 'test',
  summary: 'test',
  auth: ['factory'],
  responses: {},
  ...overrides,
});

const ok = (): Promise<HttpResponse> => Promise.resolve({ statusCode: 200, headers: {}, body: '{}' });

/** Runs one request through the error handler and the given middlewares. */
const run = async (
  middlewares: middy.MiddlewareObj<APIGatewayProxyEventV2, HttpResponse, Error, ApiContext>[],
  event: APIGatewayProxyEventV2,
  handle: (context: ApiContext) => Promise<HttpResponse> = ok,
) => {
  let chain = middy<APIGatewayProxyEventV2, HttpResponse, Error, ApiContext>().use(httpErrorHandler());
  for (const middleware of middlewares) chain = chain.use(middleware);
  const response = await chain.handler((_event, context) => handle(context))(event, lambdaContext() as ApiContext);
  return {
    ...response,
    json: JSON.parse(response.body ?? '{}') as { error?: { code: string; message: string; details?: unknown } },
  };
};

const asFactory = { orgId: '11111111-1111-4111-8111-111111111111', role: 'factory' as const };
const eventFor = (definition: RouteDefinition, options: EventOptions = {}) => apiEvent(definition, { as: asFactory, ...options });

afterEach(() => vi.restoreAllMocks());

describe('httpErrorHandler', () => {
  it('answers an unexpected error with an opaque 500 and logs its details', async () => {
    const logged = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const response = await run([], eventFor(route()), () => {
      throw new Error('arn:aws:dynamodb:eu-west-1:123456789012:table/Main is throttled');
    });
    expect(response.statusCode).toBe(500);
    expect(response.json).toEqual({ error: { code: 'INTERNAL', message: 'Internal server error' } });
    expect(response.body).not.toContain('arn:aws');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(logged).toHaveBeenCalledOnce();
    expect(JSON.stringify(logged.mock.calls[0])).toContain('arn:aws');
  });

  it('shows an AppError below 500 with its code, message and details, without logging it as a failure', async () => {
    const logged = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const response = await run([], eventFor(route()), () => {
      throw new ConflictError('LOT_EXISTS', 'Lot A already has a batch', { lot: 'A' });
    });
    expect(response.statusCode).toBe(409);
    expect(response.json).toEqual({ error: { code: 'LOT_EXISTS', message: 'Lot A already has a batch', details: { lot: 'A' } } });
    expect(logged).not.toHaveBeenCalled();
  });

  it('keeps the code but not the message of a 503', async () => {
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const response = await run([], eventFor(route()), () => {
      throw new ServiceUnavailableError('SIGNING_KEY_UNAVAILABLE', 'secret arn:aws:secretsmanager:x could not be read');
    });
    expect(response.statusCode).toBe(503);
    expect(response.json).toEqual({ error: { code: 'SIGNING_KEY_UNAVAILABLE', message: 'Service temporarily unavailable' } });
  });

  it("maps the store's InvalidCursorError to 400 INVALID_CURSOR", async () => {
    const logged = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const response = await run([], eventFor(route()), () => {
      throw new InvalidCursorError();
    });
    expect(response.statusCode).toBe(400);
    expect(response.json.error?.code).toBe('INVALID_CURSOR');
    expect(logged).not.toHaveBeenCalled();
  });
});

describe('authorize', () => {
  it('lets a public route through without a principal', async () => {
    let seen: ApiContext | undefined;
    const response = await run([authorize(route({ auth: 'public' }))], apiEvent(route({ auth: 'public' })), async (context) => {
      seen = context;
      return ok();
    });
    expect(response.statusCode).toBe(200);
    expect(seen?.principal).toBeUndefined();
  });

  it('answers 401 without the authorizer claims', async () => {
    const response = await run([authorize(route())], apiEvent(route()));
    expect(response.statusCode).toBe(401);
  });

  it('answers 403 to a role the route does not allow', async () => {
    const response = await run([authorize(route({ auth: ['regulator'] }))], eventFor(route()));
    expect(response.statusCode).toBe(403);
  });

  it('hands the principal of an allowed role to the handler', async () => {
    let seen: ApiContext | undefined;
    await run([authorize(route())], eventFor(route()), async (context) => {
      seen = context;
      return ok();
    });
    expect(seen?.principal).toMatchObject(asFactory);
  });

  it('checks the role before the body, so an anonymous caller learns nothing about it', async () => {
    const definition = route({ body: z.strictObject({ name: z.string() }) });
    const response = await run([authorize(definition), validateRequest(definition)], apiEvent(definition, { rawBody: '{nope' }));
    expect(response.statusCode).toBe(401);
  });
});

describe('validateRequest', () => {
  const withBody = route({ body: z.strictObject({ name: z.string().min(1) }), params: z.strictObject({ id: z.uuid() }) });
  const id = '22222222-2222-4222-8222-222222222222';
  const validate = (options: EventOptions, definition = withBody) =>
    run([validateRequest(definition)], eventFor(definition, { pathParameters: { id }, ...options }));

  it('hands the parsed parameters and body to the handler', async () => {
    let seen: ApiContext | undefined;
    const definition = withBody;
    await run(
      [validateRequest(definition)],
      eventFor(definition, { pathParameters: { id }, body: { name: 'x' } }),
      async (context) => {
        seen = context;
        return ok();
      },
    );
    expect(seen?.input).toEqual({ params: { id }, query: undefined, headers: undefined, body: { name: 'x' } });
  });

  it('names each invalid field of the body', async () => {
    const response = await validate({ body: { name: '', extra: 1 } });
    expect(response.statusCode).toBe(400);
    expect(response.json.error?.code).toBe('VALIDATION_FAILED');
    const paths = (response.json.error?.details as { path: string }[]).map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['name', '']));
  });

  it('refuses invalid path parameters before reading the body', async () => {
    const response = await run([validateRequest(withBody)], eventFor(withBody, { pathParameters: { id: 'nope' }, rawBody: '{' }));
    expect(response.statusCode).toBe(400);
    expect(response.json.error?.message).toBe('Invalid path parameters');
  });

  it('answers a missing body MISSING_BODY', async () => {
    const response = await validate({});
    expect(response.json.error?.code).toBe('MISSING_BODY');
  });

  it('answers malformed JSON MALFORMED_JSON', async () => {
    const response = await validate({ rawBody: '{"name":', headers: { 'content-type': 'application/json' } });
    expect(response.statusCode).toBe(400);
    expect(response.json.error?.code).toBe('MALFORMED_JSON');
  });

  it.each(['text/plain', 'application/jsonx', 'application/x-www-form-urlencoded', ''])(
    'answers content type "%s" 415',
    async (type) => {
      const response = await validate({ rawBody: '{"name":"x"}', headers: { 'content-type': type } });
      expect(response.statusCode).toBe(415);
      expect(response.json.error?.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    },
  );

  it.each(['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/merge-patch+json'])(
    'accepts content type "%s"',
    async (type) => {
      const response = await validate({ rawBody: '{"name":"x"}', headers: { 'content-type': type } });
      expect(response.statusCode).toBe(200);
    },
  );

  it('answers a body over the default limit 413, counting bytes, not characters', async () => {
    // Each "é" is two bytes: under the limit in characters, over it in bytes.
    const name = 'é'.repeat(DEFAULT_MAX_BODY_BYTES / 2);
    const response = await validate({ body: { name } });
    expect(response.statusCode).toBe(413);
    expect(response.json.error?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it("applies a route's own body limit", async () => {
    const small = route({ ...withBody, maxBodyBytes: 32 });
    expect((await validate({ body: { name: 'x'.repeat(16) } }, small)).statusCode).toBe(200);
    expect((await validate({ body: { name: 'x'.repeat(40) } }, small)).statusCode).toBe(413);
  });

  it('decodes a base64-encoded body and measures its decoded size', async () => {
    const event = eventFor(withBody, { pathParameters: { id }, body: { name: 'x' } });
    const encoded = { ...event, body: Buffer.from(event.body ?? '', 'utf8').toString('base64'), isBase64Encoded: true };
    let seen: ApiContext | undefined;
    await run([validateRequest(withBody)], encoded, async (context) => {
      seen = context;
      return ok();
    });
    expect(seen?.input?.body).toEqual({ name: 'x' });
  });
});
