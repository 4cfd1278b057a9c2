import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CustodyView } from '#shared/custody/domain/public-view';
import type { ScanAlert } from '#shared/scans/domain/scan-rules';
import { decideVerdict } from '#shared/verification/domain/verification';
import { CHECK_SCRIPT, PAGE_CSP } from '#shared/verification/http/page-check-script';
import { PAGE_MESSAGES, pageLanguage } from '#shared/verification/http/page-messages';
import { renderVerificationPage, trafficLight } from '#shared/verification/http/verification-page';
import { batchFixture, factoryFixture, productFixture } from '../support/domain-fixtures';

const product = productFixture({ laCertificate: { number: 'LA-1', validUntil: '2026-03-01' } });
const factory = factoryFixture();
const batch = batchFixture(product);
const code = { gtin: product.gtin, lot: 'L1', serial: 'S1' };
const context = {
  path: '/01/06952012345676/10/L1/21/S1',
  digsig: `AbCd${'x'.repeat(86)}`,
  baseUrl: 'https://verify.example',
};

describe('the verify page', () => {
  it('shows an expired LA certificate as expired, and a valid one with its date', () => {
    const expired = renderVerificationPage(decideVerdict({ code, product, factory, batch, now: new Date('2026-06-01') }), {
      ...context,
      lang: 'en',
    });
    expect(expired).toContain('LA-1 (expired on 1 Mar 2026)');
    const valid = renderVerificationPage(decideVerdict({ code, product, factory, batch, now: new Date('2026-02-01') }), {
      ...context,
      lang: 'zh-CN',
    });
    expect(valid).toContain('LA-1 (有效期至 2026年3月1日)');
  });

  it('shows the safety and instruction links only, escaped', () => {
    const html = renderVerificationPage(decideVerdict({ code, product, factory, batch, now: new Date('2026-02-01') }), {
      ...context,
      lang: 'en',
      links: [
        { linkType: 'safetyInfo', href: 'https://f.example/safety?a=1&b="2"', title: 'Safety <sheet>', type: 'text/html' },
        { linkType: 'instructions', href: 'https://f.example/manual.pdf', title: 'Manual', type: 'application/pdf' },
        { linkType: 'pip', href: 'https://f.example/product', title: 'Product page', type: 'text/html' },
      ],
    });
    expect(html).toContain(
      '<a href="https://f.example/safety?a=1&amp;b=&quot;2&quot;" rel="noopener noreferrer">Safety &lt;sheet&gt;</a>',
    );
    expect(html).toContain('Manual</a> (Instructions)');
    expect(html).not.toContain('Product page');
  });

  it('turns verdicts into the traffic light: a genuine unit sold or in use is green, saying so', () => {
    const sold: CustodyView = {
      state: 'sold',
      label: 'Sold',
      since: '2026-02-01T00:00:00.000Z',
      alreadyDecommissioned: { status: 'sold', at: '2026-02-01T00:00:00.000Z' },
      history: [],
    };
    const inUse: CustodyView = { ...sold, state: 'in_use', alreadyDecommissioned: { status: 'in_use', at: sold.since } };
    expect(trafficLight('genuine', undefined)).toBe('genuine');
    expect(trafficLight('genuine', sold)).toBe('sold');
    expect(trafficLight('genuine', inUse)).toBe('inUse');
    // Only scan patterns say "may be a copy", sold or not.
    expect(trafficLight('genuine', sold, { level: 'suspect', rules: ['far_from_sale'] })).toBe('suspect');
    expect(trafficLight('recalled', sold)).toBe('recalled');
    expect(trafficLight('voided', undefined)).toBe('withdrawn');
    expect(trafficLight('destroyed', undefined)).toBe('withdrawn');
    expect(trafficLight('invalid', undefined)).toBe('invalid');
  });

  it('turns a suspect unit amber and a blocked one red, saying which rule fired and what to do, in both languages', () => {
    const suspect: ScanAlert = { level: 'suspect', rules: ['impossible_travel'], since: '2026-05-02T08:00:00.000Z' };
    const blocked: ScanAlert = {
      level: 'blocked',
      rules: ['too_many_scans', 'outside_market'],
      since: '2026-05-03T08:00:00.000Z',
    };
    expect(trafficLight('genuine', undefined, suspect)).toBe('suspect');
    expect(trafficLight('blocked', undefined, blocked)).toBe('blocked');
    // A red verdict stays red whatever the scans say.
    expect(trafficLight('recalled', undefined, suspect)).toBe('recalled');
    for (const lang of ['zh-CN', 'en'] as const) {
      const m = PAGE_MESSAGES[lang];
      const render = (alert: ScanAlert) =>
        renderVerificationPage(decideVerdict({ code, product, factory, batch, scanAlert: alert, now: new Date('2026-06-01') }), {
          ...context,
          lang,
        });
      const amber = render(suspect);
      expect(amber).toContain('<header data-status="suspect">');
      expect(amber).toContain(`<h1>${m.lights.suspect.title}</h1>`);
      expect(amber).toContain('header{background:#b06000}');
      expect(amber).toContain(`data-scan-alert="suspect"`);
      expect(amber).toContain(`<li data-rule="impossible_travel">${m.scanAlert.rules.impossible_travel}</li>`);
      expect(amber).not.toContain('data-rule="too_many_scans"');
      expect(amber).toContain(m.scanAlert.since(lang === 'en' ? '2 May 2026' : '2026年5月2日'));
      expect(amber).toContain(m.scanAlert.whatToDo.suspect);
      expect(amber).toContain('<form method="post" action="/v1/reports"');

      const red = render(blocked);
      expect(red).toContain('<header data-status="blocked">');
      expect(red).toContain(`<h1>${m.lights.blocked.title}</h1>`);
      expect(red).toContain('header{background:#b3261e}');
      expect(red).toContain('class="warn red" id="scan-alert" data-scan-alert="blocked"');
      expect(red).toContain(m.scanAlert.rules.too_many_scans);
      expect(red).toContain(m.scanAlert.rules.outside_market);
      expect(red).toContain(m.scanAlert.whatToDo.blocked);
      expect(red).toContain('<a href="#report">');
      expect(red).toContain('<form method="post" action="/v1/reports"');
    }
    // No flag, no notice.
    const plain = renderVerificationPage(decideVerdict({ code, product, factory, batch, now: new Date('2026-06-01') }), {
      ...context,
      lang: 'en',
    });
    expect(plain).not.toContain('scan-alert');
  });

  it("warns on every scan of a lot that failed a regulator's spot check, in both languages", () => {
    const failedLot = {
      ...batch,
      spotCheck: { result: 'fail' as const, drawId: 'D1', at: '2026-11-20T08:00:00.000Z', testReportRef: 'GD-QT-7' },
    };
    const verdict = decideVerdict({ code, product, factory, batch: failedLot, now: new Date('2026-11-24') });
    expect(verdict.batch?.spotCheckFailed).toEqual({ drawId: 'D1', at: '2026-11-20T08:00:00.000Z', testReportRef: 'GD-QT-7' });
    const en = renderVerificationPage(verdict, { ...context, lang: 'en' });
    expect(en).toContain('data-warning="spot-check-failed"');
    expect(en).toContain('random spot check on 20 Nov 2026 (test report GD-QT-7)');
    expect(renderVerificationPage(verdict, { ...context, lang: 'zh-CN' })).toContain(
      '抽查中不合格（2026年11月20日，检验报告 GD-QT-7）',
    );
    // A passed check is no warning.
    const passedLot = { ...batch, spotCheck: { ...failedLot.spotCheck, result: 'pass' as const } };
    const passed = decideVerdict({ code, product, factory, batch: passedLot, now: new Date('2026-11-24') });
    expect(passed.batch?.spotCheckFailed).toBeUndefined();
    expect(renderVerificationPage(passed, { ...context, lang: 'en' })).not.toContain('spot-check-failed');
  });

  it('names a custodian only if it opted in', () => {
    const custody = (name?: string): CustodyView => ({
      state: 'at_distributor',
      label: 'x',
      custodian: { ...(name === undefined ? {} : { name }), role: 'distributor', region: 'CN-AH Wuhu' },
      since: '2026-02-01T00:00:00.000Z',
      history: [{ step: 'receiving', at: '2026-02-01T00:00:00.000Z', by: { role: 'distributor', region: 'CN-AH Wuhu' } }],
    });
    const render = (view: CustodyView) =>
      renderVerificationPage(
        { ...decideVerdict({ code, product, factory, batch, now: new Date('2026-02-01') }), custody: view },
        { ...context, lang: 'en' },
      );
    expect(render(custody())).toContain('<td>At a distributor (Wuhu, Anhui)</td>');
    expect(render(custody())).toContain('1 Feb 2026: Received, a distributor in Wuhu, Anhui');
    expect(render(custody('Wuhu Shop'))).toContain('<td>At a distributor: Wuhu Shop (Wuhu, Anhui)</td>');
  });

  it('allows by CSP exactly the script it inlines, and nothing else', () => {
    const html = renderVerificationPage(decideVerdict({ code, product, factory, batch, now: new Date('2026-02-01') }), {
      ...context,
      lang: 'en',
    });
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? '');
    expect(scripts).toEqual([CHECK_SCRIPT]);
    const hash = createHash('sha256').update(CHECK_SCRIPT).digest('base64');
    expect(PAGE_CSP).toContain(`script-src 'sha256-${hash}'`);
    expect(PAGE_CSP).toContain("default-src 'none'");
    expect(PAGE_CSP).toContain("form-action 'self'");
  });

  it('is Chinese unless the switch or the first Accept-Language says English', () => {
    expect(pageLanguage(undefined, undefined)).toBe('zh-CN');
    expect(pageLanguage(undefined, 'en-GB,en;q=0.9')).toBe('en');
    expect(pageLanguage(undefined, 'de-DE,en;q=0.9')).toBe('zh-CN');
    expect(pageLanguage('en', 'zh-CN')).toBe('en');
    expect(pageLanguage('zh-CN', 'en')).toBe('zh-CN');
    expect(pageLanguage('fr', 'en')).toBe('en');
  });

  it('has every string in both languages', () => {
    const keys = (value: unknown): string[] =>
      typeof value === 'object' && value !== null
        ? Object.entries(value).flatMap(([k, v]) => [k, ...keys(v).map((sub) => `${k}.${sub}`)])
        : [];
    expect(keys(PAGE_MESSAGES.en).sort()).toEqual(keys(PAGE_MESSAGES['zh-CN']).sort());
  });
});
