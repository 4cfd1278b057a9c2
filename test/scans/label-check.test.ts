import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSerialCodec } from '#kernel/codes/serial';
import { signCode, signContainer } from '#kernel/codes/signature';
import { getActiveSigningKey } from '#kernel/keys/signing-key-provider';
import { getProductRecord } from '#shared/registry/store/product-repository';
import { checkScannedLabel } from '#shared/scans/services/label-check';
import { forgedDigsig, issueProductUnits, orgIn, type Unit } from '../support/anomalies';
import { issueContainer } from '../support/custody';
import { freshGtin } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

/**
 * How the scan path judges a scanned label before counting it, against DynamoDB Local and
 * the local signing key: a label without a valid AI 8030 is invalid, one we signed that
 * names nothing issued is unknown, and the GTIN's factory is named whenever the GTIN is ours.
 */
let service: TestService;
let factory: { id: string; token: string };
let gtin: string;
let unit: Unit;

beforeAll(async () => {
  let adminToken: string;
  ({ service, adminToken } = await startTestServiceWithAdmin());
  factory = await orgIn(service, adminToken, 'factory', 'CN-GD Shenzhen');
  let units: Unit[];
  ({ gtin, units } = await issueProductUnits(service, factory.token, 1));
  const [first] = units;
  if (first === undefined) throw new Error('no unit issued');
  unit = first;
});
afterAll(async () => service?.stop());

describe('a scanned unit label', () => {
  it('is genuine when issued, and names its factory', async () => {
    expect(await checkScannedLabel({ kind: 'unit', ...unit })).toEqual({ verdict: 'genuine', ownerOrgId: factory.id });
  });

  it('is invalid without an AI 8030 or with a forged one, still naming the factory of a GTIN of ours', async () => {
    const { digsig: _digsig, ...unsigned } = unit;
    expect(await checkScannedLabel({ kind: 'unit', ...unsigned })).toEqual({ verdict: 'invalid', ownerOrgId: factory.id });
    expect(await checkScannedLabel({ kind: 'unit', ...unit, digsig: forgedDigsig(unit.digsig) })).toEqual({
      verdict: 'invalid',
      ownerOrgId: factory.id,
    });
    // A GTIN nobody registered: invalid, and no factory to name.
    expect(await checkScannedLabel({ kind: 'unit', ...unsigned, gtin: freshGtin() })).toEqual({ verdict: 'invalid' });
  });

  it('is unknown when our key signed it but no such unit was issued', async () => {
    const key = await getActiveSigningKey();
    const record = await getProductRecord(gtin);
    if (record === undefined) throw new Error('product missing');
    const serial = createSerialCodec(record.serialKey).encode(900);
    const signed = { gtin, lot: unit.lot, serial };
    expect(await checkScannedLabel({ kind: 'unit', ...signed, digsig: signCode(key, signed) })).toEqual({
      verdict: 'unknown',
      ownerOrgId: factory.id,
    });
    const foreign = { gtin: freshGtin(), lot: 'L1', serial: 'S1' };
    expect(await checkScannedLabel({ kind: 'unit', ...foreign, digsig: signCode(key, foreign) })).toEqual({ verdict: 'unknown' });
  });
});

describe('a scanned case or pallet label', () => {
  it('is genuine when issued, unknown when signed but never issued, invalid unsigned or forged', async () => {
    const uri = await issueContainer(service, factory.token, 'case');
    const url = new URL(uri);
    const sscc = url.pathname.split('/')[2] ?? '';
    const digsig = url.searchParams.get('8030') ?? '';
    expect(await checkScannedLabel({ kind: 'container', sscc, digsig })).toEqual({ verdict: 'genuine' });
    expect(await checkScannedLabel({ kind: 'container', sscc })).toEqual({ verdict: 'invalid' });
    expect(await checkScannedLabel({ kind: 'container', sscc, digsig: forgedDigsig(digsig) })).toEqual({ verdict: 'invalid' });
    const other = `${sscc.slice(0, -4)}${sscc.slice(-4) === '0000' ? '0001' : '0000'}`;
    const key = await getActiveSigningKey();
    expect(await checkScannedLabel({ kind: 'container', sscc: other, digsig: signContainer(key, other) })).toEqual({
      verdict: 'unknown',
    });
  });
});
