import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { scopeForRole } from '../../shared/auth/principal';
import { ALL_ROUTES, type RouteDefinition } from '../../shared/http/routes';
import type { LocalIssuer } from './local-issuer';

/**
 * A stand-in for API Gateway's HTTP API: it matches the same route table the CDK stack
 * deploys, runs the JWT-authorizer checks, builds a payload 2.0 event and calls the very
 * handler the Lambda function exports. It has no route logic of its own.
 */
type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

const MAX_BODY_BYTES = 10 * 1024 * 1024; // API Gateway HTTP API's own limit

interface CompiledRoute {
  route: RouteDefinition;
  pattern: RegExp;
  names: string[];
}

const compile = (route: RouteDefinition): CompiledRoute => {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const match = /^\{(\w+)\}$/.exec(segment);
      if (match?.[1] === undefined) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(match[1]);
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}$`), names };
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

const isTextual = (contentType: string | undefined): boolean =>
  contentType === undefined || /^(text\/|application\/([a-z0-9.+-]*\+)?(json|xml|x-ndjson|x-www-form-urlencoded))/i.test(contentType);

/** The Lambda context a function receives; the unit tests' event factories use it too. */
export const lambdaContext = (functionName: string, requestId: string): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
  memoryLimitInMB: '1024',
  awsRequestId: requestId,
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'local',
  getRemainingTimeInMillis: () => 29_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

export interface GatewayOptions {
  issuer: LocalIssuer;
  loadHandler(functionName: string): Promise<LambdaHandler>;
}

export const createGateway = ({ issuer, loadHandler }: GatewayOptions): Server => {
  const routes = ALL_ROUTES.map(compile);

  return createServer(async (req, res) => {
    const requestId = randomUUID();
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = (req.method ?? 'GET').toUpperCase();
      let matched: { compiled: CompiledRoute; values: string[] } | undefined;
      for (const compiled of routes) {
        const match = compiled.route.method === method ? compiled.pattern.exec(url.pathname) : null;
        if (match !== null) matched = { compiled, values: match.slice(1) };
      }
      if (matched === undefined) return gatewayError(res, 404, 'Not Found');
      const { route, names } = matched.compiled;

      let claims: Record<string, string> | undefined;
      if (route.auth !== 'public') {
        const header = req.headers.authorization ?? '';
        const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
        claims = token === undefined ? undefined : await issuer.verify(token);
        if (claims === undefined) return gatewayError(res, 401, 'Unauthorized');
        const scopes = (claims.scope ?? '').split(' ');
        if (!route.auth.some((role) => scopes.includes(scopeForRole(role)))) return gatewayError(res, 403, 'Forbidden');
      }

      let raw: Buffer | undefined;
      try {
        raw = await readBody(req);
      } catch {
        return gatewayError(res, 413, 'Request Entity Too Large');
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
      }
      const query: Record<string, string> = {};
      for (const key of new Set(url.searchParams.keys())) query[key] = url.searchParams.getAll(key).join(',');
      const textual = isTextual(headers['content-type']);
      const now = new Date();
      const event: APIGatewayProxyEventV2 = {
        version: '2.0',
        routeKey: `${route.method} ${route.path}`,
        rawPath: url.pathname,
        rawQueryString: url.search.replace(/^\?/, ''),
        cookies: headers.cookie?.split(/;\s*/),
        headers,
        queryStringParameters: Object.keys(query).length > 0 ? query : undefined,
        pathParameters:
          names.length > 0
            ? Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(matched.values[i] ?? '')]))
            : undefined,
        body: raw === undefined ? undefined : raw.toString(textual ? 'utf8' : 'base64'),
        isBase64Encoded: raw !== undefined && !textual,
        requestContext: {
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
          routeKey: `${route.method} ${route.path}`,
          stage: '$default',
          time: now.toISOString(),
          timeEpoch: now.getTime(),
          ...(claims === undefined
            ? {}
            : { authorizer: { jwt: { claims, scopes: (claims.scope ?? '').split(' ') } } }),
        } as APIGatewayProxyEventV2['requestContext'],
      };

      const handler = await loadHandler(route.functionName);
      const result = await handler(event, lambdaContext(route.functionName, requestId));
      if (typeof result === 'string' || result === undefined || result === null) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(result ?? '');
        return;
      }
      const responseHeaders: Record<string, string | string[]> = { 'x-amzn-requestid': requestId };
      for (const [name, value] of Object.entries(result.headers ?? {})) responseHeaders[name] = String(value);
      if (result.cookies !== undefined) responseHeaders['set-cookie'] = result.cookies;
      const body = result.body === undefined ? '' : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
      res.writeHead(result.statusCode ?? 200, responseHeaders).end(body);
    } catch (error) {
      // API Gateway answers an invocation failure this way; our handlers never throw.
      console.error(JSON.stringify({ level: 'error', message: 'local gateway invocation failed', requestId, error: String(error) }));
      if (!res.headersSent) gatewayError(res, 500, 'Internal Server Error');
    }
  });
};
