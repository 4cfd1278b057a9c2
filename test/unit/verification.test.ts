import { describe, expect, it } from 'vitest';
import { decideVerdict, endOfServiceLife } from '#shared/domain/verification';
import { prefersHtml, renderVerificationPage } from '#shared/http/verification-page';
import { batchFixture, factoryFixture, productFixture } from '../support/domain-fixtures';

const product = productFixture({ name: 'Helmet <b>X</b>' });
const factory = factoryFixture();
const batch = batchFixture(product);
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
    const html = renderVerificationPage(decideVerdict({ code, product, factory, batch, now: new Date('2026-06-01') }), {
      lang: 'en',
      path: '/01/x',
      digsig: undefined,
    });
    expect(html).toContain('Helmet &lt;b&gt;X&lt;/b&gt;');
    expect(html).not.toContain('<b>X</b>');
    expect(html).toContain('data-status="genuine"');
    expect(prefersHtml('text/html,application/xhtml+xml,*/*;q=0.8')).toBe(true);
    expect(prefersHtml('application/json')).toBe(false);
    expect(prefersHtml('application/json, text/html')).toBe(false);
    expect(prefersHtml(undefined)).toBe(false);
  });
});
