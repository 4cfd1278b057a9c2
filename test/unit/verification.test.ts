import { describe, expect, it } from 'vitest';
import type { Batch, Organization, Product } from '#shared/domain/types';
import { decideVerdict, endOfServiceLife } from '#shared/domain/verification';
import { prefersHtml, renderVerificationPage } from '#shared/http/verification-page';

const product: Product = {
  gtin: '06952012345676',
  ownerOrgId: 'f1',
  name: 'Helmet <b>X</b>',
  category: 'safety_helmet',
  standard: 'GB 2811-2019',
  laCertificate: { number: 'LA-1', validUntil: '2030-01-01' },
  serviceLifeMonths: 30,
  createdAt: '2026-01-01T00:00:00.000Z',
};
const factory: Organization = {
  id: 'f1',
  name: 'Shield Co.',
  role: 'factory',
  region: 'CN-AH Hefei',
  licenseNumber: 'L-1',
  createdAt: '2026-01-01T00:00:00.000Z',
};
const batch: Batch = {
  id: 'b1',
  gtin: product.gtin,
  lot: 'L1',
  ownerOrgId: 'f1',
  productionDate: '2026-01-31',
  count: 10,
  firstSequence: 0,
  status: 'issued',
  createdAt: '2026-01-31T00:00:00.000Z',
};
const code = { gtin: product.gtin, lot: 'L1', serial: 'S1' };

describe('verdicts', () => {
  it('counts service life in calendar months, clamped to month ends', () => {
    expect(endOfServiceLife('2026-01-31', 1)).toBe('2026-02-28');
    expect(endOfServiceLife('2026-01-15', 30)).toBe('2028-07-15');
    expect(endOfServiceLife('2024-02-29', 12)).toBe('2025-02-28');
  });

  it('is genuine inside the service life, expired from its last day on, recalled above all', () => {
    expect(decideVerdict({ code, product, factory, batch, now: new Date('2026-06-01') }).status).toBe('genuine');
    expect(decideVerdict({ code, product, factory, batch, now: new Date('2028-07-31') }).status).toBe('expired');
    const recalled = { ...batch, recalledAt: '2026-05-01T00:00:00.000Z', recallReason: 'shell cracks' };
    const verdict = decideVerdict({ code, product, factory, batch: recalled, now: new Date('2028-08-01') });
    expect(verdict.status).toBe('recalled');
    expect(verdict.batch?.recallReason).toBe('shell cracks');
  });

  it('renders an escaped page and negotiates HTML only for browsers', () => {
    const html = renderVerificationPage(decideVerdict({ code, product, factory, batch, now: new Date('2026-06-01') }));
    expect(html).toContain('Helmet &lt;b&gt;X&lt;/b&gt;');
    expect(html).not.toContain('<b>X</b>');
    expect(html).toContain('data-status="genuine"');
    expect(prefersHtml('text/html,application/xhtml+xml,*/*;q=0.8')).toBe(true);
    expect(prefersHtml('application/json')).toBe(false);
    expect(prefersHtml('application/json, text/html')).toBe(false);
    expect(prefersHtml(undefined)).toBe(false);
  });
});
