import { parseArgs } from 'node:util';
import { ROLES, type Role } from '#shared/domain/types';
import { createLocalIssuer } from './local/local-issuer';

/**
 * `npm run token -- --org <orgId> --role <role> [--ttl seconds]`: a bearer token for the
 * local gateway. The token is the last line of output so scripts can take it with tail -1.
 */
const { values } = parseArgs({
  options: { org: { type: 'string' }, role: { type: 'string' }, ttl: { type: 'string', default: '3600' } },
});

const fail = (message: string): never => {
  console.error(`${message}\nusage: npm run token -- --org <orgId> --role <${ROLES.join('|')}> [--ttl seconds]`);
  process.exit(2);
};

const org = values.org ?? fail('--org is required');
const role = values.role ?? fail('--role is required');
if (!ROLES.includes(role as Role)) fail(`--role must be one of ${ROLES.join(', ')}`);
const ttl = Number(values.ttl);
if (!Number.isInteger(ttl) || ttl < 60 || ttl > 86_400) fail('--ttl must be 60 to 86400 seconds');

const issuer = await createLocalIssuer(process.env.DATA_DIR ?? '.data');
console.error(`Token for org ${org} as ${role}, valid ${ttl} s (use: Authorization: Bearer <token>)`);
console.log(await issuer.issueToken({ orgId: org, role: role as Role, ttlSeconds: ttl }));
