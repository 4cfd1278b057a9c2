import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { routeKeysOf } from '#kernel/http/route-keys';
import { ALL_ROUTES, ROUTES } from '#shared/app/routes';
import { VERIFY_ROUTES } from '#shared/verification/http/verify-routes';

/**
 * The verify function checks its input by hand (verify-routes.ts) so that zod stays out of
 * its bundle; the route table's zod schemas stay the documented source. These prove the
 * two agree: same keys, and for every input in the corpus the same value or the same 400 details.
 */
const DIGSIG = `${'A'.repeat(4)}${'b_-9'.repeat(21)}xy`;
const LINK_TYPES = [
  undefined,
  'linkset',
  'all',
  'gs1:pip',
  'https://gs1.org/voc/pip',
  'https://ref.gs1.org/voc/pip',
  '',
  'pip',
  'gs1:',
  'gs1:p1p',
  'http://gs1.org/voc/pip',
  'gs1:pip\n',
];
const DIGSIGS = [undefined, DIGSIG, '', 'short', `${DIGSIG}A`, `${DIGSIG.slice(1)}=`, `${DIGSIG.slice(1)}+`];

const queries: Record<string, string | undefined>[] = [{}];
for (const linkType of LINK_TYPES) {
  for (const digsig of DIGSIGS) {
    const query: Record<string, string | undefined> = {};
    if (linkType !== undefined) query.linkType = linkType;
    if (digsig !== undefined) query['8030'] = digsig;
    // Other members: a GS1 data attribute, a tracking parameter, and the page language the CDN adds.
    queries.push(query, { ...query, '17': '301231', utm: 'x' }, { ...query, lang: 'zh-CN' }, { ...query, lang: 'xx' });
  }
}

const PARAMS: Record<string, Record<string, string | undefined>[]> = {
  verifyCode: [
    { gtin: '06901234567892', lot: 'L1', serial: 'S1' },
    { gtin: 'x', lot: '', serial: '' },
    { gtin: '1' },
    {},
    { gtin: '1', lot: '2', serial: '3', extra: '4' },
  ],
  verifyContainer: [
    { sscc: '069012345678901234' },
    { sscc: '12' },
    {},
    { sscc: '069012345678901234', x: '1' },
    { sscc: 'x', a: '1', b: '2' },
    { a: '1' },
  ],
  resolveProduct: [{ gtin: '06901234567892' }, { gtin: '' }, {}, { gtin: '1', x: '2' }],
  resolveLot: [{ gtin: '06901234567892', lot: 'L1' }, { gtin: '1' }, { lot: '1' }, {}],
  resolveUnitPath: [{}, { 'proxy+': '06901234567892/10/L1/21/S1/' }, { 'proxy+': '' }, { x: '1' }],
  resolveContainerPath: [{}, { 'proxy+': '069012345678901234/' }],
};

type Flat = { ok: true; value: unknown } | { ok: false; issues: { path: string; message: string }[] };
/** What validateRequest makes of a zod result: the value, or flattened `{ path, message }` issues. */
const viaZod = (schema: z.ZodType | undefined, value: unknown): Flat => {
  if (schema === undefined) throw new Error('route without a schema');
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
  };
};

describe('the verify routes checked by hand', () => {
  it('are exactly the routes the route table gives the verify-code function, with the same keys', () => {
    const fromTable = ALL_ROUTES.filter((route) => route.functionName === 'verify-code')
      .flatMap(routeKeysOf)
      .sort();
    const lean = Object.values(VERIFY_ROUTES).flatMap(routeKeysOf).sort();
    expect(lean).toEqual(fromTable);
    for (const [name, route] of Object.entries(VERIFY_ROUTES)) {
      expect(route.operationId).toBe(ROUTES[name as keyof typeof VERIFY_ROUTES].operationId);
    }
  });

  for (const [name, lean] of Object.entries(VERIFY_ROUTES)) {
    const table = ROUTES[name as keyof typeof VERIFY_ROUTES];
    it(`${name}: path parameters give what the zod schema gives`, () => {
      const corpus = PARAMS[name] ?? [];
      expect(corpus.length).toBeGreaterThan(1);
      for (const raw of corpus) expect(lean.params(raw), JSON.stringify(raw)).toEqual(viaZod(table.params, raw));
    });
    it(`${name}: query parameters give what the zod schema gives`, () => {
      let rejected = 0;
      for (const raw of queries) {
        const expected = viaZod(table.query, raw);
        if (!expected.ok) rejected++;
        expect(lean.query(raw), JSON.stringify(raw)).toEqual(expected);
      }
      // The corpus exercises both answers.
      expect(rejected).toBeGreaterThan(0);
      expect(rejected).toBeLessThan(queries.length);
    });
  }
});
