import { DIGSIG_PATTERN } from '#kernel/codes/digital-link';
import type { RouteKeySource } from '#kernel/http/route-keys';
import { LINK_TYPE_SYNTAX } from '#resolver/contract';

/**
 * The verify function's routes, checked by hand instead of by the route table's zod
 * schemas: the function answers every public scan that misses the CDN cache, and zod and
 * the route table were half of its bundle and most of its cold start. The route table
 * (routes.ts) stays the one documented source; test/verification/verify-routes.test.ts proves each
 * parser here gives what the route's zod schema gives (the value, or the same 400 details)
 * on a corpus of valid and invalid inputs, and that the keys match the table's.
 */
export type Issue = { path: string; message: string };
export type Parsed<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };
type Raw = Record<string, string | undefined>;

export interface LeanRoute<P, Q> extends RouteKeySource {
  operationId: string;
  params: (raw: Raw) => Parsed<P>;
  query: (raw: Raw) => Parsed<Q>;
}

const LINK_TYPE_MESSAGE = 'must be linkset, a gs1: link type or a GS1 vocabulary URI';
// zod's own wording for a failed .regex() without a message, so both paths answer alike.
const patternMessage = (pattern: RegExp) => `Invalid string: must match pattern ${pattern}`;
const missingString = (value: unknown) =>
  `Invalid input: expected string, received ${value === undefined ? 'undefined' : typeof value}`;

/** Required string members, in the schema's order; unknown members are dropped (z.object). */
const stringsOf =
  <K extends string>(...keys: K[]) =>
  (raw: Raw): Parsed<Record<K, string>> => {
    const value = {} as Record<K, string>;
    const issues: Issue[] = [];
    for (const key of keys) {
      const member = raw[key];
      if (typeof member === 'string') value[key] = member;
      else issues.push({ path: key, message: missingString(member) });
    }
    return issues.length === 0 ? { ok: true, value } : { ok: false, issues };
  };

const optionalMatch = (raw: Raw, key: string, pattern: RegExp, message: string, issues: Issue[]) => {
  const member = raw[key];
  if (member === undefined) return;
  if (typeof member !== 'string') issues.push({ path: key, message: missingString(member) });
  else if (!pattern.test(member)) issues.push({ path: key, message });
};

/** A looseObject: every member is kept, the named optional ones are checked. */
const looseQuery =
  <Q>(checks: ReadonlyArray<readonly [key: string, pattern: RegExp | undefined, message: string]>) =>
  (raw: Raw): Parsed<Q> => {
    const issues: Issue[] = [];
    for (const [key, pattern, message] of checks) optionalMatch(raw, key, pattern ?? /^/, message, issues);
    return issues.length === 0 ? { ok: true, value: { ...raw } as Q } : { ok: false, issues };
  };

type ResolverQuery = { linkType?: string; [key: string]: string | undefined };
type VerifyQuery = ResolverQuery & { '8030'?: string };

const linkType = ['linkType', LINK_TYPE_SYNTAX, LINK_TYPE_MESSAGE] as const;
const resolverQuery = looseQuery<ResolverQuery>([linkType]);

const SSCC = /^\d{18}$/;
/** z.strictObject({ sscc }): an unknown member is an issue of the whole object. */
const ssccParams = (raw: Raw): Parsed<{ sscc: string }> => {
  const issues: Issue[] = [];
  const sscc = raw.sscc;
  if (typeof sscc !== 'string') issues.push({ path: 'sscc', message: missingString(sscc) });
  else if (!SSCC.test(sscc)) issues.push({ path: 'sscc', message: 'must be an 18-digit SSCC' });
  const unknown = Object.keys(raw).filter((key) => key !== 'sscc');
  if (unknown.length > 0) {
    const names = unknown.map((key) => `"${key}"`).join(', ');
    issues.push({ path: '', message: `Unrecognized key${unknown.length > 1 ? 's' : ''}: ${names}` });
  }
  return issues.length === 0 ? { ok: true, value: { sscc: sscc as string } } : { ok: false, issues };
};

/** An optional `proxy+` that is only documented: the handler reads the raw path. */
const proxyParams = (raw: Raw): Parsed<{ 'proxy+'?: string }> => {
  const proxy = raw['proxy+'];
  if (proxy !== undefined && typeof proxy !== 'string') {
    return { ok: false, issues: [{ path: 'proxy+', message: missingString(proxy) }] };
  }
  return { ok: true, value: proxy === undefined ? {} : { 'proxy+': proxy } };
};

const route = <P, Q>(definition: LeanRoute<P, Q>): LeanRoute<P, Q> => definition;

export const VERIFY_ROUTES = {
  verifyCode: route({
    operationId: 'verifyCode',
    method: 'GET',
    path: '/01/{gtin}/10/{lot}/21/{serial}',
    headToo: true,
    params: stringsOf('gtin', 'lot', 'serial'),
    query: looseQuery<VerifyQuery>([['8030', DIGSIG_PATTERN, patternMessage(DIGSIG_PATTERN)], linkType]),
  }),
  verifyContainer: route({
    operationId: 'verifyContainer',
    method: 'GET',
    path: '/00/{sscc}',
    headToo: true,
    params: ssccParams,
    query: looseQuery<VerifyQuery>([['8030', undefined, ''], linkType]),
  }),
  resolveProduct: route({
    operationId: 'resolveProduct',
    method: 'GET',
    path: '/01/{gtin}',
    headToo: true,
    params: stringsOf('gtin'),
    query: resolverQuery,
  }),
  resolveLot: route({
    operationId: 'resolveLot',
    method: 'GET',
    path: '/01/{gtin}/10/{lot}',
    headToo: true,
    params: stringsOf('gtin', 'lot'),
    query: resolverQuery,
  }),
  resolveUnitPath: route({
    operationId: 'resolveUnitPath',
    method: 'GET',
    path: '/01/{proxy+}',
    headToo: true,
    params: proxyParams,
    query: resolverQuery,
  }),
  resolveContainerPath: route({
    operationId: 'resolveContainerPath',
    method: 'GET',
    path: '/00/{proxy+}',
    headToo: true,
    params: proxyParams,
    query: resolverQuery,
  }),
} as const;
