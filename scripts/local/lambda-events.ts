import type { APIGatewayProxyEventV2, APIGatewayRequestAuthorizerEventV2, Context } from 'aws-lambda';

/**
 * What API Gateway's HTTP API hands a Lambda function, for the local gateway (gateway.ts):
 * the context, the REQUEST authorizer's event and the payload 2.0 event, built from a
 * request the gateway has already routed. Nothing here decides anything.
 */

/** The deployed HTTP functions' timeout (29 s, under API Gateway's 30 s integration limit). */
export const LOCAL_FUNCTION_TIMEOUT_MS = 29_000;

/**
 * The Lambda context a function receives; the unit tests' event factories use it too. Its
 * remaining time counts down from the invocation's start as Lambda's does, so handlers that
 * bound their work by it behave here as they do deployed.
 */
export const lambdaContext = (functionName: string, requestId: string, timeoutMs = LOCAL_FUNCTION_TIMEOUT_MS): Context => {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

/** A request the gateway matched to a route, as both events describe it. */
export interface RoutedRequest {
  method: string;
  /** `{method} {route path}`. */
  routeKey: string;
  routePath: string;
  url: URL;
  /** As the origin sees them (cdn-headers.ts). */
  headers: Record<string, string>;
  httpVersion: string;
  sourceIp: string;
  requestId: string;
  at: Date;
}

type RequestContext = APIGatewayRequestAuthorizerEventV2['requestContext'];

/** The request context both events carry; the function's adds the authorizer's context. */
export const requestContextOf = (request: RoutedRequest): RequestContext => ({
  accountId: '000000000000',
  apiId: 'local',
  domainName: request.headers.host ?? 'localhost',
  domainPrefix: 'localhost',
  http: {
    method: request.method,
    path: request.url.pathname,
    protocol: `HTTP/${request.httpVersion}`,
    sourceIp: request.sourceIp,
    userAgent: request.headers['user-agent'] ?? '',
  },
  requestId: request.requestId,
  routeKey: request.routeKey,
  stage: '$default',
  time: request.at.toISOString(),
  timeEpoch: request.at.getTime(),
});

const rawQueryString = (url: URL) => url.search.replace(/^\?/, '');

/** The REQUEST authorizer's payload 2.0 event, with the identity sources the stack configures. */
export const authorizerEvent = (request: RoutedRequest, identitySource: string[]): APIGatewayRequestAuthorizerEventV2 => ({
  version: '2.0',
  type: 'REQUEST',
  routeArn: `arn:aws:execute-api:local:000000000000:local/$default/${request.method}${request.routePath}`,
  identitySource,
  routeKey: request.routeKey,
  rawPath: request.url.pathname,
  rawQueryString: rawQueryString(request.url),
  cookies: request.headers.cookie?.split(/;\s*/) ?? [],
  headers: request.headers,
  requestContext: requestContextOf(request),
});

const isTextual = (contentType: string | undefined): boolean =>
  contentType === undefined ||
  /^(text\/|application\/([a-z0-9.+-]*\+)?(json|xml|x-ndjson|x-www-form-urlencoded))/i.test(contentType);

export interface ProxyEventParts {
  /** The route's path parameters, already percent-decoded. */
  pathParameters: Record<string, string> | undefined;
  body: Buffer | undefined;
  /** What the authorizer answered as its context. */
  authorizerContext: unknown;
}

/** The function's payload 2.0 event: repeated query parameters joined by commas, a binary body in base64. */
export const proxyEvent = (request: RoutedRequest, parts: ProxyEventParts): APIGatewayProxyEventV2 => {
  const { url, headers } = request;
  const query: Record<string, string> = {};
  for (const key of new Set(url.searchParams.keys())) query[key] = url.searchParams.getAll(key).join(',');
  const textual = isTextual(headers['content-type']);
  return {
    version: '2.0',
    routeKey: request.routeKey,
    rawPath: url.pathname,
    rawQueryString: rawQueryString(url),
    cookies: headers.cookie?.split(/;\s*/),
    headers,
    queryStringParameters: Object.keys(query).length > 0 ? query : undefined,
    pathParameters: parts.pathParameters,
    body: parts.body === undefined ? undefined : parts.body.toString(textual ? 'utf8' : 'base64'),
    isBase64Encoded: parts.body !== undefined && !textual,
    requestContext: {
      ...requestContextOf(request),
      authorizer: { lambda: parts.authorizerContext },
    } as APIGatewayProxyEventV2['requestContext'],
  };
};
