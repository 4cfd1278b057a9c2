import { describe, expect, it } from 'vitest';
import type { CustodyView } from '#shared/custody/domain/public-view';
import type { TestReportSummary } from '#shared/test-reports/domain/test-report-scan';
import { decideVerdict } from '#shared/verification/domain/verification';
import { testReportSection } from '#shared/verification/http/test-report-section';
import { renderContainerPage, renderVerificationPage } from '#shared/verification/http/verification-page';
import type { ContainerVerificationResult } from '#shared/verification/services/verify-service';
import { batchFixture, factoryFixture, productFixture } from '../support/domain-fixtures';

/**
 * The verify page's parts that vary with what is known: the test-report box for each verdict,
 * a case or pallet label's contents, and a sale whose seller the public may not know.
 */
const LANGS = ['zh-CN', 'en'] as const;
const clause = (patch: Partial<TestReportSummary['keyClauses'][number]> = {}): TestReportSummary['keyClauses'][number] => ({
  clause: '5.2.1',
  title: { 'zh-CN': '冲击吸收', en: 'Shock <absorption>' },
  result: 'pass',
  ...patch,
});
const report = (patch: Partial<TestReportSummary> = {}): TestReportSummary => ({
  verdict: 'verified',
  scope: 'batch',
  number: 'R-1',
  lab: 'Lab "A"',
  date: '2026-10-01',
  keyClauses: [],
  ...patch,
});
const boxOf = (html: string) => /<section id="test-report" class="([^"]*)"/.exec(html)?.[1];

describe('the test-report box', () => {
  it('is absent when the scan says nothing of a report', () => {
    for (const lang of LANGS) expect(testReportSection(lang, undefined)).toBe('');
  });

  it('is green and names the lab when verified, amber when unverified, red when mismatched, plain when missing', () => {
    const verified = testReportSection('en', report());
    expect(boxOf(verified)).toBe('ok');
    expect(verified).toContain('<strong>Verified by the lab Lab &quot;A&quot; (report dated 2026-10-01).</strong>');
    const unverified = testReportSection('en', report({ verdict: 'unverified', lab: undefined }));
    expect(boxOf(unverified)).toBe('warn');
    expect(unverified).toContain('<strong>The lab has not registered this report yet (dated 2026-10-01): not verified.</strong>');
    const mismatched = testReportSection('zh-CN', report({ verdict: 'mismatched' }));
    expect(boxOf(mismatched)).toBe('warn red');
    expect(mismatched).toContain('<strong>检验报告与检测机构登记的内容不一致');
    const missing = testReportSection('en', { verdict: 'missing', keyClauses: [] });
    expect(boxOf(missing)).toBe('plain');
    // Said plainly: a lot without a report on file is no sign of a wrong unit.
    expect(missing).not.toContain('<strong>');
    expect(missing).toContain('No test report for this lot is on file here.');
  });

  it('says which report it is only when both its scope and number are known', () => {
    expect(testReportSection('en', report({ scope: 'batch' }))).toContain('<p>Batch test report R-1</p>');
    expect(testReportSection('zh-CN', report({ scope: 'product' }))).toContain('<p>型式检验报告 R-1</p>');
    expect(testReportSection('en', report({ number: undefined }))).not.toContain('test report R-1');
    expect(testReportSection('en', report({ scope: undefined }))).not.toContain('R-1');
  });

  it('lists key clauses with their result, value and unit, escaped, in the page language', () => {
    const html = testReportSection(
      'en',
      report({
        keyClauses: [
          clause({ value: 4.2, unit: 'kN' }),
          clause({ clause: '5.3', result: 'fail', value: 12 }),
          clause({ clause: '5.4', title: { 'zh-CN': '阻燃', en: 'Flame' } }),
        ],
      }),
    );
    expect(html).toContain('<li data-clause="5.2.1">Shock &lt;absorption&gt;: pass 4.2 kN</li>');
    expect(html).toContain('<li data-clause="5.3">Shock &lt;absorption&gt;: fail 12</li>');
    expect(html).toContain('<li data-clause="5.4">Flame: pass</li>');
    expect(testReportSection('zh-CN', report({ keyClauses: [clause({ result: 'fail' })] }))).toContain('冲击吸收: 不合格');
    // No clauses: no empty list.
    expect(testReportSection('en', report())).not.toContain('<ul>');
  });

  it('says the PDF is for participants only when the factory kept it so', () => {
    expect(testReportSection('en', report({ pdf: 'participants' }))).toContain(
      'The full report (PDF) is for supply-chain participants and regulators.',
    );
    expect(testReportSection('en', report({ pdf: 'public' }))).not.toContain('(PDF)');
  });
});

describe("a case or pallet label's page", () => {
  const container = (patch: Partial<ContainerVerificationResult> = {}): ContainerVerificationResult => ({
    status: 'genuine',
    message: 'ok',
    code: { sscc: '069520120000000017' },
    checkedAt: '2026-11-24T03:00:00.000Z',
    ...patch,
  });
  const context = (lang: (typeof LANGS)[number]) => ({
    lang,
    path: '/00/069520120000000017',
    digsig: 'x',
    baseUrl: 'https://v.example',
  });
  const contents = (childCount: number, unitCount?: number, kind = 'case') =>
    renderContainerPage(
      container({
        container: { kind, childCount, containsRecalled: false, ...(unitCount === undefined ? {} : { unitCount }) },
      }),
      context('en'),
    );

  it('counts what is inside, and the units in all only when cases hold them', () => {
    expect(contents(1)).toContain('Case, 1 item inside<');
    expect(contents(3, 3)).toContain('Case, 3 items inside<');
    expect(contents(2, 20, 'pallet')).toContain('Pallet, 2 items inside, 20 units in all');
    expect(contents(2, 1, 'pallet')).toContain('Pallet, 2 items inside, 1 unit in all');
    const zh = renderContainerPage(
      container({ container: { kind: 'pallet', childCount: 2, unitCount: 20, containsRecalled: false } }),
      context('zh-CN'),
    );
    expect(zh).toContain('内含 2 件，共 20 个单品');
    const zhSame = renderContainerPage(
      container({ container: { kind: 'case', childCount: 4, unitCount: 4, containsRecalled: false } }),
      context('zh-CN'),
    );
    expect(zhSame).toContain('内含 4 件<');
  });

  it('shows an unknown kind as sent, and no contents row for a label it could not verify', () => {
    expect(contents(2, undefined, 'crate')).toContain('crate, 2 items inside');
    const invalid = renderContainerPage(container({ status: 'invalid', message: 'bad' }), context('en'));
    expect(invalid).not.toContain('inside');
    expect(invalid).toContain('069520120000000017');
  });
});

describe('a sale the public may not attribute', () => {
  const product = productFixture();
  const factory = factoryFixture();
  const batch = batchFixture(product);
  const code = { gtin: product.gtin, lot: 'L1', serial: 'S1' };
  const now = new Date('2026-11-24T03:00:00.000Z');
  const custody = (status: 'sold' | 'in_use'): CustodyView => ({
    state: status,
    label: status,
    since: '2026-11-20T02:00:00.000Z',
    alreadyDecommissioned: { status, at: '2026-11-20T02:00:00.000Z' },
    history: [],
  });
  const render = (lang: (typeof LANGS)[number], status: 'sold' | 'in_use') =>
    renderVerificationPage(
      { ...decideVerdict({ code, product, factory, batch, now }), custody: custody(status) },
      { lang, path: '/01/x', digsig: 'x', baseUrl: 'https://v.example' },
    );

  it('says when it was sold or put into use, and by nobody it may not name', () => {
    expect(render('en', 'sold')).toContain('Sold on 20 Nov 2026.');
    expect(render('en', 'in_use')).toContain('In use since 20 Nov 2026.');
    expect(render('zh-CN', 'sold')).toContain('于2026年11月20日售出。');
    expect(render('zh-CN', 'in_use')).toContain('自2026年11月20日起投入使用。');
  });
});
