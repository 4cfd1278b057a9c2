import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TOKEN_REFUSALS, type TokenRefusal } from '#kernel/auth/token-refusals';
import { ALL_ROUTES } from '#shared/app/routes';
import { apiEvent, lambdaContext } from '../support/events';

/**
 * The authorizer lets a refused token through to the function so that the refusal can
 * have a body: this proves every private route's function answers it, with its code,
 * before reading or writing anything, whatever else the context or the request holds.
 */
// What some functions read from their environment when loaded, as the stack sets it.
process.env.VERIFY_BASE_URL ??= 'https://verify.example';

type Handler = (event: APIGatewayProxyEventV2, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

const privateRoutes = ALL_ROUTES.filter((route) => route.auth !== 'public');

const refusedEvent = (route: (typeof privateRoutes)[number], context: Record<string, unknown>): APIGatewayProxyEventV2 => {
  const pathParameters = Object.fromEntries([...route.path.matchAll(/\{(\w+)\+?\}/g)].map(([, name = '']) => [name, 'x']));
  const event = apiEvent(route, { pathParameters, body: { anything: true } });
  return { ...event, requestContext: { ...event.requestContext, authorizer: { lambda: context } } } as APIGatewayProxyEventV2;
};

afterEach(() => vi.restoreAllMocks());

describe('a refused token on every private route', () => {
  it('covers the private routes of the route table', () => {
    expect(privateRoutes.length).toBeGreaterThan(30);
  });

  it.each(privateRoutes.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s answers each refusal with its status and code, touching no table',
    async (_, route) => {
      const { handler } = (await import(`../../functions/${route.functionName}/handler.ts`)) as { handler: Handler };
      const send = vi.spyOn(DynamoDBClient.prototype, 'send');
      for (const [refusal, { status }] of Object.entries(TOKEN_REFUSALS) as [TokenRefusal, { status: number }][]) {
        // A principal beside the reason (which the authorizer never sends) must not let it pass either.
        const context = { refused: refusal, orgId: 'org-1', role: 'admin', clientId: 'c', expiresAt: Date.now() / 1000 + 600 };
        const response = (await handler(refusedEvent(route, context), lambdaContext())) as {
          statusCode: number;
          body: string;
        };
        expect(response.statusCode, refusal).toBe(status);
        expect(JSON.parse(response.body), refusal).toEqual({ error: { code: refusal, message: expect.any(String) } });
      }
      expect(send).not.toHaveBeenCalled();
    },
  );
});
