import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { AppError, BadRequestError, ForbiddenError, ValidationError } from '#kernel/errors';
import { errorResponse, json } from '#kernel/http/responses';
import { ROLES, type Role } from '#kernel/roles';
import { isRegistryRole, ORG_ID_PATTERN } from '#shared/app/authorizer';
import { LOCAL_ISSUER_JWKS_PATH, type LocalIssuer } from './local-issuer';

/**
 * The local issuer's two endpoints on the gateway: its JWKS (`GET
 * /local-issuer/.well-known/jwks.json`, where the authorizer fetches the keys, as it
 * fetches the Cognito pool's in AWS), and its token endpoint.
 *
 * The token endpoint is where `npm run token` gets its tokens: the running service's own issuer, so a token is
 * always signed by the key the gateway's authorizer checks against (a token command that
 * read DATA_DIR itself made a fresh key wherever DATA_DIR was not the service's, and every
 * call then failed). Only for this machine: the peer must be a loopback address, and the
 * Host a loopback name, so neither another host nor a web page that rebinds its own name
 * to 127.0.0.1 can mint tokens; the body must be JSON, which a page on another origin can
 * only send after a CORS preflight that the gateway does not grant.
 *
 * `POST /local-issuer/token` `{"orgId","role","ttlSeconds?"}` → `{"token","orgId","role","expiresAt"}`.
 * A registry role's organization must be registered in that role, as the authorizer will
 * require: a typo fails here, clearly, instead of at the first call.
 */
export const LOCAL_ISSUER_TOKEN_PATH = '/local-issuer/token';

const MAX_BODY_BYTES = 4096;
const MIN_TTL_SECONDS = 60;
const MAX_TTL_SECONDS = 86_400;

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

const isLoopbackAddress = (address: string | undefined): boolean => {
  if (address === undefined) return false;
  const plain = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  if (isIP(plain) === 4) return plain.startsWith('127.');
  return plain === '::1';
};

const isLoopbackHost = (host: string | undefined): boolean => {
  if (host === undefined) return false;
  const name = host.toLowerCase().replace(/:\d+$/, '');
  return LOOPBACK_NAMES.has(name);
};

const readJson = async (req: IncomingMessage): Promise<unknown> => {
  if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
    throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'The request body must be application/json');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new AppError(413, 'PAYLOAD_TOO_LARGE', `The request body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BadRequestError('MALFORMED_JSON', 'The request body is not valid JSON');
  }
};

interface TokenRequest {
  orgId: string;
  role: Role;
  ttlSeconds: number;
}

const parseTokenRequest = (body: unknown): TokenRequest => {
  const { orgId, role, ttlSeconds = 3600 } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const issues: { path: string; message: string }[] = [];
  if (typeof orgId !== 'string' || !ORG_ID_PATTERN.test(orgId)) {
    issues.push({ path: 'orgId', message: 'must be an organization id (letters, digits, . _ : -; up to 128)' });
  }
  if (!ROLES.includes(role as Role)) issues.push({ path: 'role', message: `must be one of ${ROLES.join(', ')}` });
  if (!Number.isInteger(ttlSeconds) || (ttlSeconds as number) < MIN_TTL_SECONDS || (ttlSeconds as number) > MAX_TTL_SECONDS) {
    issues.push({ path: 'ttlSeconds', message: `must be an integer from ${MIN_TTL_SECONDS} to ${MAX_TTL_SECONDS}` });
  }
  if (issues.length > 0) throw new ValidationError('Invalid request body', issues);
  return { orgId: orgId as string, role: role as Role, ttlSeconds: ttlSeconds as number };
};

const mint = async (req: IncomingMessage, issuer: LocalIssuer) => {
  if (!isLoopbackAddress(req.socket.remoteAddress) || !isLoopbackHost(req.headers.host)) {
    throw new ForbiddenError('LOOPBACK_ONLY', 'The local token issuer answers only requests from this machine to localhost');
  }
  const { orgId, role, ttlSeconds } = parseTokenRequest(await readJson(req));
  if (isRegistryRole(role)) {
    // Imported here: the store reads its configuration, set by the runtime, when first loaded.
    const { getOrganization } = await import('#shared/registry/store/org-repository');
    const registered = await getOrganization(orgId);
    if (registered?.role !== role) {
      throw new ForbiddenError(
        'ORG_NOT_REGISTERED',
        registered === undefined
          ? `No organization ${orgId} is registered with this service (is it the id printed by npm start, or returned by POST /v1/orgs?)`
          : `Organization ${orgId} is registered as ${registered.role}, not ${role}`,
      );
    }
  }
  const token = await issuer.issueToken({ orgId, role, ttlSeconds });
  return json(200, { token, orgId, role, expiresAt: new Date(Date.now() + ttlSeconds * 1000).toISOString() });
};

/** Answers the issuer's JWKS and `POST /local-issuer/token`; false for any other path. */
export const serveLocalIssuer = async (
  url: URL,
  req: IncomingMessage,
  res: ServerResponse,
  issuer: LocalIssuer,
): Promise<boolean> => {
  const method = (req.method ?? 'GET').toUpperCase();
  if (method === 'GET' && url.pathname === LOCAL_ISSUER_JWKS_PATH) {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(issuer.jwks()));
    return true;
  }
  if (url.pathname !== LOCAL_ISSUER_TOKEN_PATH) return false;
  let response: ReturnType<typeof json>;
  try {
    if (method !== 'POST') throw new AppError(405, 'METHOD_NOT_ALLOWED', 'Use POST');
    response = await mint(req, issuer);
  } catch (error) {
    response = errorResponse(error);
  }
  res.writeHead(response.statusCode ?? 500, response.headers).end(response.body);
  return true;
};
