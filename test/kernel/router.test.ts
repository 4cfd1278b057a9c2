import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HttpResponse } from '#kernel/http/responses';
import { createRouter, type RouteHandler } from '#kernel/http/router';
import { logger } from '#kernel/logger';
import { ROUTES } from '#shared/app/routes';
import { apiEvent, lambdaContext } from '../support/events';

afterEach(() => vi.restoreAllMocks());

const answering =
  (name: string): RouteHandler =>
  async () => ({ statusCode: 200, headers: {}, body: name });
const withRouteKey = (event: APIGatewayProxyEventV2, routeKey: string): APIGatewayProxyEventV2 => ({ ...event, routeKey });
const call = async (handler: RouteHandler, event: APIGatewayProxyEventV2): Promise<HttpResponse> =>
  handler(event, lambdaContext());

describe('createRouter', () => {
  const router = createRouter([
    [ROUTES.verifyCode, answering('unit')],
    [ROUTES.verifyContainer, answering('container')],
  ]);

  it("dispatches on API Gateway's routeKey", async () => {
    expect((await call(router, apiEvent(ROUTES.verifyCode))).body).toBe('unit');
    expect((await call(router, apiEvent(ROUTES.verifyContainer))).body).toBe('container');
  });

  it('serves the HEAD route of a route with headToo from the same handler', async () => {
    const head = withRouteKey(apiEvent(ROUTES.verifyContainer), `HEAD ${ROUTES.verifyContainer.path}`);
    expect((await call(router, head)).body).toBe('container');
  });

  it('answers a route it was not given with an opaque 500 (a wiring bug of ours), and logs it', async () => {
    const logged = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const response = await call(router, apiEvent(ROUTES.getContainerChain));
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body ?? '')).toEqual({ error: { code: 'INTERNAL', message: 'Internal server error' } });
    expect(logged).toHaveBeenCalledOnce();
  });

  it('does not serve HEAD for a route without headToo', async () => {
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const chains = createRouter([[ROUTES.getContainerChain, answering('chain')]]);
    const head = withRouteKey(apiEvent(ROUTES.getContainerChain), `HEAD ${ROUTES.getContainerChain.path}`);
    expect((await call(chains, head)).statusCode).toBe(500);
  });

  it('refuses two handlers for one route when the function is built', () => {
    expect(() =>
      createRouter([
        [ROUTES.verifyCode, answering('a')],
        [ROUTES.verifyCode, answering('b')],
      ]),
    ).toThrow(/two handlers/);
  });
});
