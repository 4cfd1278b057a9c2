import type { APIGatewayProxyEventV2, Context, SQSEvent } from 'aws-lambda';
import type { Role } from '#kernel/roles';
import type { RouteDefinition } from '#shared/app/routes';
import { lambdaContext as gatewayLambdaContext } from '../../scripts/local/lambda-events';

/**
 * Payload 2.0 events for handler unit tests, built the way API Gateway (and our local
 * gateway) builds them, so tests never carry copied JSON.
 */
export interface EventOptions {
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
  as?: { orgId: string; role: Role };
}

export const apiEvent = (route: RouteDefinition, options: EventOptions = {}): APIGatewayProxyEventV2 => {
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const headers = {
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    ...options.headers,
  };
  const rawPath = route.path.replace(/\{(\w+)\}/g, (_, name: string) => options.pathParameters?.[name] ?? name);
  return {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers,
    queryStringParameters: options.query,
    pathParameters: options.pathParameters,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'unit',
      domainName: 'unit.test',
      domainPrefix: 'unit',
      http: { method: route.method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: 'req-1',
      routeKey: `${route.method} ${route.path}`,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
      ...(options.as === undefined
        ? {}
        : {
            // What the Lambda authorizer (shared/app/authorizer.ts) hands to the function.
            authorizer: {
              lambda: {
                orgId: options.as.orgId,
                role: options.as.role,
                clientId: 'unit-client',
                expiresAt: Math.floor(Date.now() / 1000) + 3600,
              },
            },
          }),
    } as APIGatewayProxyEventV2['requestContext'],
  };
};

/** An SQS batch as Lambda hands it to a queue's function: one record per body, in order. */
export const sqsEvent = (queue: string, ...bodies: string[]): SQSEvent => ({
  Records: bodies.map((body, i) => ({
    messageId: `m-${i}`,
    receiptHandle: `r-${i}`,
    body,
    attributes: {} as SQSEvent['Records'][number]['attributes'],
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:eu-west-1:123456789012:${queue}`,
    awsRegion: 'eu-west-1',
  })),
});

export const lambdaContext = (): Context => gatewayLambdaContext('unit', 'unit-request');

export interface ParsedResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: { error?: { code: string; message: string; details?: unknown } } & Record<string, unknown>;
}

export const invoke = async (
  handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>,
  event: APIGatewayProxyEventV2,
): Promise<ParsedResponse> => {
  const result = (await handler(event, lambdaContext())) as { statusCode: number; headers: Record<string, string>; body: string };
  return { statusCode: result.statusCode, headers: result.headers, body: JSON.parse(result.body) as ParsedResponse['body'] };
};
