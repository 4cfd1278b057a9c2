import { describe, expect, it } from 'vitest';
import type { CustodyView } from '#shared/custody/domain/public-view';
import type { ScanAlert } from '#shared/scans/domain/scan-rules';
import {
  decideVerdict,
  endOfServiceLife,
  STATUS_MESSAGES,
  VERIFICATION_STATUSES,
} from '#shared/verification/domain/verification';
import { prefersHtml, renderVerificationPage } from '#shared/verification/http/verification-page';
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

  it('blocks a flagged code below recall, end of life, void and destruction, and only says so for a suspect one', () => {
    const blocked: ScanAlert = { level: 'blocked', rules: ['impossible_travel'], since: '2026-05-02T08:00:00.000Z' };
    const suspect: ScanAlert = { level: 'suspect', rules: ['too_many_scans'], since: '2026-05-02T08:00:00.000Z' };
    const at = (now: string, alert: ScanAlert | undefined, over: Partial<typeof batch> = {}, custody?: CustodyView) =>
      decideVerdict({ code, product, factory, batch: { ...batch, ...over }, custody, scanAlert: alert, now: new Date(now) });

    const blockedVerdict = at('2026-06-01', blocked);
    expect(blockedVerdict.status).toBe('blocked');
    expect(blockedVerdict.message).toBe(STATUS_MESSAGES.blocked);
    expect(blockedVerdict.scanAlert).toEqual(blocked);
    // A suspect unit keeps the verdict its custody and batch give, and says why beside it.
    const suspectVerdict = at('2026-06-01', suspect);
    expect(suspectVerdict.status).toBe('genuine');
    expect(suspectVerdict.scanAlert).toEqual(suspect);
    expect(at('2028-07-31', suspect).status).toBe('expired');
    // Recall and end of life are facts with their own instruction; the block still travels with them.
    const recalledBatch = { recalledAt: '2026-05-01T00:00:00.000Z', recallReason: 'shell cracks' };
    const recalledAndBlocked = at('2026-06-01', blocked, recalledBatch);
    expect(recalledAndBlocked.status).toBe('recalled');
    expect(recalledAndBlocked.scanAlert?.level).toBe('blocked');
    expect(at('2028-07-31', blocked).status).toBe('expired');
    const voided: CustodyView = { state: 'voided', label: 'Voided', since: '2026-02-01T00:00:00.000Z', history: [] };
    expect(at('2026-06-01', blocked, {}, voided).status).toBe('voided');
    // No flag: nothing about scans in the answer.
    expect(at('2026-06-01', undefined)).not.toHaveProperty('scanAlert');
    expect(VERIFICATION_STATUSES).toContain('blocked');
  });

  it('renders an escaped page and negotiates HTML only for browsers', () => {
    const html = renderVerificationPage(decideVerdict({ code, product, factory, batch, now: new Date('2026-06-01') }), {
      lang: 'en',
      path: '/01/x',
      digsig: undefined,
      baseUrl: 'https://verify.example',
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
