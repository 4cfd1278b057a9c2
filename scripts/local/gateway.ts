import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, APIGatewayRequestAuthorizerEventV2, Context } from 'aws-lambda';
import type { RouteDefinition } from '#kernel/http/route-definition';
import { type AuthorizerResult, ORIGIN_VERIFY_HEADER } from '#shared/app/authorizer';
import { ALL_ROUTES, routeKeysOf } from '#shared/app/routes';
import type { GatewayAnswer } from '#shared/scans/domain/scan-log';
import { markAbsentAuthorization, originHeaders, VIEWER_ADDRESS_HEADER } from './cdn-headers';
import { serveLocalExport } from './exports';
import { serveLocalIssuer } from './issuer-endpoints';
import { serveLabelLink, serveReportPhotoLink } from './label-links';
import type { LocalIssuer } from './local-issuer';

/**
 * A stand-in for CloudFront and API Gateway's HTTP API: it adds the origin-verify header
 * as CloudFront does, matches the same route table the CDK stack deploys (HEAD too where a
 * route allows it), calls the real Lambda authorizer (functions/authorize) with the
 * identity sources the stack configures, builds a payload 2.0 event and calls the very
 * handler the Lambda function exports. It has no route or auth logic of its own.
 */
type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;
type AuthorizerHandler = (event: APIGatewayRequestAuthorizerEventV2, context: Context) => Promise<AuthorizerResult>;

/** The function folder of the authorizer. */
export const AUTHORIZER_FUNCTION = 'authorize';

const MAX_BODY_BYTES = 10 * 1024 * 1024; // API Gateway HTTP API's own limit

interface CompiledRoute {
  route: RouteDefinition;
  methods: string[];
  pattern: RegExp;
  names: string[];
  greedy: boolean;
}

/** API Gateway's CORS configuration (infra/constructs/http-api.ts CORS_PREFLIGHT), as it answers. */
const CORS_HEADERS = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'link,location' };
const PREFLIGHT_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET,HEAD,OPTIONS',
  'access-control-allow-headers': 'accept,accept-language',
  'access-control-max-age': '86400',
};

const compile = (route: RouteDefinition): CompiledRoute => {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const match = /^\{(\w+)(\+?)\}$/.exec(segment);
      if (match?.[1] === undefined) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      // A greedy `{proxy+}` takes the rest of the path; API Gateway names its value `proxy`.
      names.push(match[1]);
      return match[2] === '+' ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return {
    route,
    methods: routeKeysOf(route).map((key) => key.split(' ')[0] ?? ''),
    pattern: new RegExp(`^${source}$`),
    names,
    greedy: route.path.includes('+}'),
  };
};

const gatewayError = (res: ServerResponse, status: number, message: string): void => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ message }));
};

const readBody = (req: IncomingMessage): Promise<Buffer | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(size === 0 ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });

/**
 * The request target as a URL on this host. A target that starts with `//` is still a path
 * here (WHATWG parsing would read it as a host), and one that is no path at all is undefined.
 */
const parseRequestTarget = (target: string | undefined): URL | undefined => {
  if (target === undefined || !target.startsWith('/')) return undefined;
  try {
    return new URL(`http://localhost${target}`);
  } catch {
    return undefined;
  }
};

/** Percent-decoding that answers undefined, not a URIError, for %ZZ or bytes that are not UTF-8. */
const decodePath = (encoded: string): string | undefined => {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
};

const isTextual = (contentType: string | undefined): boolean =>
  contentType === undefined ||
  /^(text\/|application\/([a-z0-9.+-]*\+)?(json|xml|x-ndjson|x-www-form-urlencoded))/i.test(contentType);

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

export interface GatewayOptions {
  /** Its JWKS and token endpoints are served under /local-issuer/ (issuer-endpoints.ts). */
  issuer: LocalIssuer;
  /** What CloudFront would send as the origin-verify header (the authorizer's ORIGIN_VERIFY_VALUE). */
  originVerifyValue: string;
  loadHandler(functionName: string): Promise<LambdaHandler>;
  /** Told of every answer after it was sent, as CloudFront's real-time log is (scan-log.ts). */
  onAnswer?(answer: GatewayAnswer): void;
  /** Take a request's `CloudFront-Viewer-*` headers as CloudFront's, to simulate places (cdn-headers.ts). */
  simulateViewerLocation?: boolean;
}

/**
 * The identity sources the stack gives each authorizer (infra/constructs/http-api.ts): API
 * Gateway answers 401 without calling the authorizer when one is missing or empty.
 */
const identitySources = (route: RouteDefinition, headers: Record<string, string>, routeKey: string): string[] | undefined => {
  const values =
    route.auth === 'public' ? [headers[ORIGIN_VERIFY_HEADER]] : [headers.authorization, headers[ORIGIN_VERIFY_HEADER], routeKey];
  return values.every((value): value is string => value !== undefined && value !== '') ? values : undefined;
};

export const createGateway = ({
  issuer,
  originVerifyValue,
  loadHandler,
  onAnswer,
  simulateViewerLocation = false,
}: GatewayOptions): Server => {
  const routes = ALL_ROUTES.map(compile);

  return createServer(async (req, res) => {
    const requestId = randomUUID();
    try {
      const url = parseRequestTarget(req.url);
      // API Gateway refuses a path that is not valid percent-encoded UTF-8 before routing.
      if (url === undefined || decodePath(url.pathname) === undefined) return gatewayError(res, 400, 'Bad Request');
      const method = (req.method ?? 'GET').toUpperCase();
      if (await serveLocalIssuer(url, req, res, issuer)) return;
      if ((method === 'GET' || method === 'HEAD') && (await serveLabelLink(url, req, res))) return;
      if (method === 'GET' && (await serveLocalExport(url, res))) return;
      if (method === 'GET' && (await serveReportPhotoLink(url, res))) return;
      // API Gateway answers a CORS preflight itself, before routes and authorizers.
      if (
        method === 'OPTIONS' &&
        req.headers.origin !== undefined &&
        req.headers['access-control-request-method'] !== undefined
      ) {
        res.writeHead(204, PREFLIGHT_HEADERS).end();
        return;
      }
      // The most specific route wins: a greedy `{proxy+}` only where no other route matches.
      let matched: { compiled: CompiledRoute; values: string[] } | undefined;
      for (const compiled of routes) {
        const match = compiled.methods.includes(method) ? compiled.pattern.exec(url.pathname) : null;
        if (match !== null && (matched === undefined || matched.compiled.greedy)) matched = { compiled, values: match.slice(1) };
      }
      if (matched === undefined) return gatewayError(res, 404, 'Not Found');
      const { route, names } = matched.compiled;
      const routeKey = `${method} ${route.path}`;

      const headers = originHeaders(req, simulateViewerLocation);
      // CloudFront sets its origin custom header over any the viewer sent.
      headers[ORIGIN_VERIFY_HEADER] = originVerifyValue;
      markAbsentAuthorization(url.pathname, headers);

      const identity = identitySources(route, headers, routeKey);
      if (identity === undefined) return gatewayError(res, 401, 'Unauthorized');
      const now = new Date();
      const authorizerRequestContext = {
        accountId: '000000000000',
        apiId: 'local',
        domainName: headers.host ?? 'localhost',
        domainPrefix: 'localhost',
        http: {
          method,
          path: url.pathname,
          protocol: `HTTP/${req.httpVersion}`,
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId,
        routeKey,
        stage: '$default',
        time: now.toISOString(),
        timeEpoch: now.getTime(),
      };
      const authorize = (await loadHandler(AUTHORIZER_FUNCTION)) as unknown as AuthorizerHandler;
      const decision = await authorize(
        {
          version: '2.0',
          type: 'REQUEST',
          routeArn: `arn:aws:execute-api:local:000000000000:local/$default/${method}${route.path}`,
          identitySource: identity,
          routeKey,
          rawPath: url.pathname,
          rawQueryString: url.search.replace(/^\?/, ''),
          cookies: headers.cookie?.split(/;\s*/) ?? [],
          headers,
          requestContext: authorizerRequestContext,
        },
        lambdaContext(AUTHORIZER_FUNCTION, requestId),
      );
      if (decision.isAuthorized !== true) return gatewayError(res, 403, 'Forbidden');

      let raw: Buffer | undefined;
      try {
        raw = await readBody(req);
      } catch {
        return gatewayError(res, 413, 'Request Entity Too Large');
      }
      const query: Record<string, string> = {};
      for (const key of new Set(url.searchParams.keys())) query[key] = url.searchParams.getAll(key).join(',');
      const textual = isTextual(headers['content-type']);
      const event: APIGatewayProxyEventV2 = {
        version: '2.0',
        routeKey,
        rawPath: url.pathname,
        rawQueryString: url.search.replace(/^\?/, ''),
        cookies: headers.cookie?.split(/;\s*/),
        headers,
        queryStringParameters: Object.keys(query).length > 0 ? query : undefined,
        pathParameters:
          names.length > 0
            ? Object.fromEntries(names.map((name, i) => [name, decodePath(matched.values[i] ?? '') ?? '']))
            : undefined,
        body: raw === undefined ? undefined : raw.toString(textual ? 'utf8' : 'base64'),
        isBase64Encoded: raw !== undefined && !textual,
        requestContext: {
          ...authorizerRequestContext,
          authorizer: { lambda: decision.context },
        } as APIGatewayProxyEventV2['requestContext'],
      };

      const handler = await loadHandler(route.functionName);
      const result = await handler(event, lambdaContext(route.functionName, requestId));
      if (typeof result === 'string' || result === undefined || result === null) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(result ?? '');
        return;
      }
      const responseHeaders: Record<string, string | string[]> = {
        'x-amzn-requestid': requestId,
        ...(req.headers.origin === undefined ? {} : CORS_HEADERS),
      };
      for (const [name, value] of Object.entries(result.headers ?? {})) responseHeaders[name] = String(value);
      if (result.cookies !== undefined) responseHeaders['set-cookie'] = result.cookies;
      const body = result.body === undefined ? '' : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
      res.writeHead(result.statusCode ?? 200, responseHeaders).end(body);
      // The real-time log's stand-in never sees the viewer's address.
      const { [VIEWER_ADDRESS_HEADER]: _address, ...logged } = headers;
      onAnswer?.({ method, url, status: result.statusCode ?? 200, headers: logged, requestId, at: now });
    } catch (error) {
      // API Gateway answers an invocation failure this way; our handlers never throw.
      console.error(
        JSON.stringify({ level: 'error', message: 'local gateway invocation failed', requestId, error: String(error) }),
      );
      if (!res.headersSent) gatewayError(res, 500, 'Internal Server Error');
    }
  });
};
