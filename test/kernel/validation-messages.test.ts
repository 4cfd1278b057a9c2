import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { withCheckDigit } from '#kernel/codes/gtin';
import { regionProblem } from '#kernel/places/region-code';
import { ROUTES } from '#shared/app/routes';
import { handler as createOrg } from '../../functions/create-org/handler';
import { handler as createProduct } from '../../functions/create-product/handler';
import { apiEvent, lambdaContext } from '../support/events';

/**
 * A refused body names each field and what it expected, so a caller (and the CLI, which
 * prints the details) knows what to change. Before, a region was any text: "Shanghai" or
 * "上海" was stored and then matched no province or country scope, silently.
 */
const detailsOf = (response: unknown) => {
  const { statusCode, body } = response as APIGatewayProxyStructuredResultV2;
  const parsed = JSON.parse(body ?? '{}') as { error: { code: string; details: { path: string; message: string }[] } };
  return { statusCode, code: parsed.error.code, details: parsed.error.details };
};

const orgBody = (region: string) => ({ name: 'Shanghai Gloves', role: 'factory', region, licenseNumber: '91310000MA1K00001X' });

describe('regions', () => {
  it.each(['CN', 'CN-AH', 'CN-AH Hefei', 'CN-SH Shanghai', 'CN-XJ Urumqi', 'CN-HK', 'DE-BY München', 'CN-GD Shenzhen Nanshan'])(
    'accepts %s',
    (region) => {
      expect(regionProblem(region)).toBeUndefined();
    },
  );

  it.each([
    ['Shanghai', 'must start with an ISO 3166-2 code: a province such as "CN-AH", or a country such as "CN" for nationwide'],
    ['上海', 'for 上海 write "CN-SH" or "CN-SH <city>"'],
    ['安徽省合肥市', 'for 安徽省合肥市 write "CN-AH" or "CN-AH <city>"'],
    ['cn-ah Hefei', 'must start with an upper-case ISO 3166-2 code: "CN-AH Hefei"'],
    ['CN-XX Nowhere', 'CN-XX is not an ISO 3166-2:CN province code'],
    ['Hefei CN-AH', 'must start with an ISO 3166-2 code'],
  ])('refuses %s at registration, saying what to write', async (region, expected) => {
    expect(regionProblem(region)).toContain(expected);
    const response = await createOrg(
      apiEvent(ROUTES.createOrganization, { as: { orgId: 'ops', role: 'admin' }, body: orgBody(region) }),
      lambdaContext(),
    );
    const { statusCode, code, details } = detailsOf(response);
    expect({ statusCode, code }).toEqual({ statusCode: 400, code: 'VALIDATION_FAILED' });
    expect(details).toEqual([{ path: 'region', message: expect.stringContaining(expected) }]);
  });
});

describe('GTINs', () => {
  const product = (gtin: string) => ({
    gtin,
    name: 'Safety helmet',
    category: 'safety_helmet',
    standard: 'GB 2811-2019',
    laCertificate: { number: 'LA-1', validUntil: '2030-12-31' },
    serviceLifeMonths: 30,
  });
  const refusal = async (gtin: string) =>
    detailsOf(
      await createProduct(
        apiEvent(ROUTES.createProduct, { as: { orgId: 'f1', role: 'factory' }, body: product(gtin) }),
        lambdaContext(),
      ),
    );

  it.each([
    ['6952012345683', 'must be 14 digits, not 13: add a leading 0 (GTIN-13, EAN-13) for GTIN-14'],
    ['614141000036', 'must be 14 digits, not 12: add two leading 0s (GTIN-12, UPC-A) for GTIN-14'],
    ['96385074', 'must be 14 digits, not 8: add six leading 0s (GTIN-8) for GTIN-14'],
    ['0695201234568x', 'must be 14 digits, and digits only'],
    ['123456789012345', 'must be 14 digits, not 15'],
  ])('names the length of %s and how to fix it, and only that', async (gtin, message) => {
    expect(await refusal(gtin)).toEqual({ statusCode: 400, code: 'VALIDATION_FAILED', details: [{ path: 'gtin', message }] });
  });

  it('names the check digit a GTIN-14 takes', async () => {
    const good = withCheckDigit('0695201234568');
    const wrong = `${good.slice(0, 13)}${(Number(good[13]) + 1) % 10}`;
    expect((await refusal(wrong)).details).toEqual([
      { path: 'gtin', message: `check digit is wrong: 0695201234568 takes ${good[13]}, not ${wrong[13]}` },
    ]);
  });
});
