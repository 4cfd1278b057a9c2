import type { Batch } from '#issuance/contract';
import type { Organization, Product } from '#registry/contract';

/** Domain records for pure tests (verdicts, pages), each overridable where a test needs it. */
export const productFixture = (overrides: Partial<Product> = {}): Product => ({
  gtin: '06952012345676',
  ownerOrgId: 'f1',
  name: 'Helmet',
  category: 'safety_helmet',
  standard: 'GB 2811-2019',
  laCertificate: { number: 'LA-1', validUntil: '2030-01-01' },
  serviceLifeMonths: 30,
  createdAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

export const factoryFixture = (overrides: Partial<Organization> = {}): Organization => ({
  id: 'f1',
  name: 'Shield Co.',
  role: 'factory',
  region: 'CN-AH Hefei',
  licenseNumber: 'L-1',
  createdAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

export const batchFixture = (product: Product, overrides: Partial<Batch> = {}): Batch => ({
  id: 'b1',
  gtin: product.gtin,
  lot: 'L1',
  ownerOrgId: product.ownerOrgId,
  productionDate: '2026-01-31',
  count: 10,
  firstSequence: 0,
  status: 'issued',
  createdAt: '2026-01-31T00:00:00.000Z',
  ...overrides,
});
