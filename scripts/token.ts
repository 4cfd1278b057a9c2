import { parseArgs } from 'node:util';
import { ROLES, type Role } from '#kernel/roles';
import { LOCAL_ISSUER_TOKEN_PATH } from './local/issuer-endpoints';

/**
 * `npm run token -- --org <orgId> --role <role> [--ttl seconds]`: a bearer token for the
 * local service. The token is the last line of output so scripts can take it with tail -1.
 *
 * It asks the running service (TRACESEAL_URL, default http://localhost:$PORT or 3000) for
 * it, so the token is signed by the very key that service checks tokens against, whatever
 * DATA_DIR it was started with. With no service answering, it says so and prints no token.
 */
const { values } = parseArgs({
  options: { org: { type: 'string' }, role: { type: 'string' }, ttl: { type: 'string', default: '3600' } },
});

const usage = `usage: npm run token -- --org <orgId> --role <${ROLES.join('|')}> [--ttl seconds]`;
const fail = (message: string, code = 2): never => {
  console.error(code === 2 ? `${message}\n${usage}` : message);
  process.exit(code);
};

const org = values.org ?? fail('--org is required');
const role = values.role ?? fail('--role is required');
if (!ROLES.includes(role as Role)) fail(`--role must be one of ${ROLES.join(', ')}`);
const ttl = Number(values.ttl);
if (!Number.isInteger(ttl) || ttl < 60 || ttl > 86_400) fail('--ttl must be 60 to 86400 seconds');

const base = (process.env.TRACESEAL_URL ?? `http://localhost:${process.env.PORT ?? '3000'}`).replace(/\/+$/, '');
const request = async (): Promise<Response> => {
  try {
    return await fetch(`${base}${LOCAL_ISSUER_TOKEN_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orgId: org, role, ttlSeconds: ttl }),
    });
  } catch (error) {
    const reason = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    return fail(
      `No TraceSeal service answers at ${base} (${reason}).\nStart it with npm start, or set TRACESEAL_URL to the running service's URL.`,
      1,
    );
  }
};
const response = await request();
const body = (await response.json().catch(() => ({}))) as {
  token?: string;
  expiresAt?: string;
  error?: { code?: string; message?: string };
};
if (!response.ok || typeof body.token !== 'string') {
  fail(
    response.status === 404
      ? `The service at ${base} has no local token issuer: a deployed stack's tokens come from Cognito (client credentials).`
      : `The service at ${base} refused: ${body.error?.code ?? response.status} ${body.error?.message ?? response.statusText}`,
    1,
  );
}
console.error(`Token for org ${org} as ${role}, valid until ${body.expiresAt} (use: Authorization: Bearer <token>)`);
console.log(body.token);
