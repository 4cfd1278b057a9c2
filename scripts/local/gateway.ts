import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2,
  APIGatewayProxyStructuredResultV2,
  APIGatewayRequestAuthorizerEventV2,
  Context,
} from 'aws-lambda';
import { type AuthorizerResult, ORIGIN_VERIFY_HEADER } from '#shared/app/authorizer';
import { ALL_ROUTES, type RouteDefinition, routeKeysOf } from '#shared/app/routes';
import type { GatewayAnswer } from '#shared/scans/services/cdn-scan-log';
import { markAbsentAuthorization, originHeaders, VIEWER_ADDRESS_HEADER } from './cdn-headers';
import { serveLocalExport } from './exports';
import { serveLocalIssuer } from './issuer-endpoints';
import { serveLabelLink, serveReportPhotoLink } from './label-links';
import { authorizerEvent, lambdaContext, proxyEvent, type RoutedRequest } from './lambda-events';
import type { LocalIssuer } from './local-issuer';
import type { LocalOidcProvider } from './oidc-provider';
import { serveWebApps } from './web-assets';

/**
 * A stand-in for CloudFront and API Gateway's HTTP API: it adds the origin-verify header
 * as CloudFront does, matches the same route table the CDK stack deploys (HEAD too where a
 * route allows it), calls the real Lambda authorizer (functions/authorize-request) with the
 * identity sources the stack configures, builds a payload 2.0 event and calls the very
 * handler the Lambda function exports. It has no route or auth logic of its own.
 */
type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;
type AuthorizerHandler = (event: APIGatewayRequestAuthorizerEventV2, context: Context) => Promise<AuthorizerResult>;

/** The function folder of the authorizer. */
export const AUTHORIZER_FUNCTION = 'authorize-request';

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

export interface GatewayOptions {
  /** Its JWKS and token endpoints are served under /local-issuer/ (issuer-endpoints.ts). */
  issuer: LocalIssuer;
  /**
   * The local OpenID provider, served under /oidc (oidc-provider.ts). Set once the gateway
   * listens: its issuer is the gateway's own origin, port included.
   */
  identityProvider?: { current?: LocalOidcProvider };
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

/** The most specific route wins: a greedy `{proxy+}` only where no other route matches. */
const matchRoute = (
  routes: readonly CompiledRoute[],
  method: string,
  pathname: string,
): { compiled: CompiledRoute; values: string[] } | undefined => {
  let matched: { compiled: CompiledRoute; values: string[] } | undefined;
  for (const compiled of routes) {
    const match = compiled.methods.includes(method) ? compiled.pattern.exec(pathname) : null;
    if (match !== null && (matched === undefined || matched.compiled.greedy)) matched = { compiled, values: match.slice(1) };
  }
  return matched;
};

/**
 * What this host serves besides the API (the local OpenID provider, the local issuer, the
 * browser apps, label and export links, report photos) and the CORS preflight API Gateway
 * answers itself, before routes and authorizers.
 * True when it answered.
 */
const serveBesidesRoutes = async (
  url: URL,
  method: string,
  req: IncomingMessage,
  res: ServerResponse,
  options: GatewayOptions,
): Promise<boolean> => {
  if ((await options.identityProvider?.current?.serve(req, res)) === true) return true;
  if (await serveLocalIssuer(url, req, res, options.issuer)) return true;
  if (await serveWebApps(url, method, res)) return true;
  if ((method === 'GET' || method === 'HEAD') && (await serveLabelLink(url, req, res))) return true;
  if (method === 'GET' && (await serveLocalExport(url, res))) return true;
  if (method === 'GET' && (await serveReportPhotoLink(url, res))) return true;
  if (method === 'OPTIONS' && req.headers.origin !== undefined && req.headers['access-control-request-method'] !== undefined) {
    res.writeHead(204, PREFLIGHT_HEADERS).end();
    return true;
  }
  return false;
};

/** A structured result as API Gateway writes it, with its request id and, to a cross-origin caller, CORS headers. */
const writeResult = (
  res: ServerResponse,
  result: APIGatewayProxyStructuredResultV2,
  requestId: string,
  requestOrigin: string | undefined,
): void => {
  const responseHeaders: Record<string, string | string[]> = {
    'x-amzn-requestid': requestId,
    ...(requestOrigin === undefined ? {} : CORS_HEADERS),
  };
  for (const [name, value] of Object.entries(result.headers ?? {})) responseHeaders[name] = String(value);
  if (result.cookies !== undefined) responseHeaders['set-cookie'] = result.cookies;
  const body = result.body === undefined ? '' : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  res.writeHead(result.statusCode ?? 200, responseHeaders).end(body);
};

/**
 * API Gateway's REQUEST authorizer step: 401 without the identity sources (the authorizer
 * is not called), 403 when it refuses, else the context it hands the function.
 */
const authorizeRequest = async (
  loadHandler: GatewayOptions['loadHandler'],
  route: RouteDefinition,
  request: RoutedRequest,
): Promise<{ context: unknown } | 401 | 403> => {
  const identity = identitySources(route, request.headers, request.routeKey);
  if (identity === undefined) return 401;
  const authorize = (await loadHandler(AUTHORIZER_FUNCTION)) as unknown as AuthorizerHandler;
  const decision = await authorize(authorizerEvent(request, identity), lambdaContext(AUTHORIZER_FUNCTION, request.requestId));
  return decision.isAuthorized === true ? { context: decision.context } : 403;
};

/** One request through CloudFront and API Gateway, as far as its function and back. */
const handleRequest = async (
  options: GatewayOptions,
  routes: readonly CompiledRoute[],
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): Promise<void> => {
  const url = parseRequestTarget(req.url);
  // API Gateway refuses a path that is not valid percent-encoded UTF-8 before routing.
  if (url === undefined || decodePath(url.pathname) === undefined) return gatewayError(res, 400, 'Bad Request');
  const method = (req.method ?? 'GET').toUpperCase();
  if (await serveBesidesRoutes(url, method, req, res, options)) return;
  const matched = matchRoute(routes, method, url.pathname);
  if (matched === undefined) return gatewayError(res, 404, 'Not Found');
  const { route, names } = matched.compiled;

  const headers = originHeaders(req, options.simulateViewerLocation ?? false);
  // CloudFront sets its origin custom header over any the viewer sent.
  headers[ORIGIN_VERIFY_HEADER] = options.originVerifyValue;
  markAbsentAuthorization(url.pathname, headers);
  const request: RoutedRequest = {
    method,
    routeKey: `${method} ${route.path}`,
    routePath: route.path,
    url,
    headers,
    httpVersion: req.httpVersion,
    sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    requestId,
    at: new Date(),
  };
  const authorized = await authorizeRequest(options.loadHandler, route, request);
  if (authorized === 401) return gatewayError(res, 401, 'Unauthorized');
  if (authorized === 403) return gatewayError(res, 403, 'Forbidden');

  let body: Buffer | undefined;
  try {
    body = await readBody(req);
  } catch {
    return gatewayError(res, 413, 'Request Entity Too Large');
  }
  const pathParameters =
    names.length > 0 ? Object.fromEntries(names.map((name, i) => [name, decodePath(matched.values[i] ?? '') ?? ''])) : undefined;
  const event = proxyEvent(request, { pathParameters, body, authorizerContext: authorized.context });
  const handler = await options.loadHandler(route.functionName);
  const result = await handler(event, lambdaContext(route.functionName, requestId));
  if (typeof result === 'string' || result === undefined || result === null) {
    res.writeHead(200, { 'content-type': 'application/json' }).end(result ?? '');
    return;
  }
  writeResult(res, result, requestId, req.headers.origin);
  // The real-time log's stand-in never sees the viewer's address.
  const { [VIEWER_ADDRESS_HEADER]: _address, ...logged } = headers;
  options.onAnswer?.({ method, url, status: result.statusCode ?? 200, headers: logged, requestId, at: request.at });
};

export const createGateway = (options: GatewayOptions): Server => {
  const routes = ALL_ROUTES.map(compile);
  return createServer(async (req, res) => {
    const requestId = randomUUID();
    try {
      await handleRequest(options, routes, req, res, requestId);
    } catch (error) {
      // API Gateway answers an invocation failure this way; our handlers never throw.
      console.error(
        JSON.stringify({ level: 'error', message: 'local gateway invocation failed', requestId, error: String(error) }),
      );
      if (!res.headersSent) gatewayError(res, 500, 'Internal Server Error');
    }
  });
};
