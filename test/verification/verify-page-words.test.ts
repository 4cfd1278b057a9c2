import { describe, expect, it } from 'vitest';
import { regionName } from '#kernel/places/region-names';
import { absoluteCodeUri } from '#shared/counterfeit-reports/services/report-service';
import { type CustodyView, describeCustody, organizationsShown, type PublicOrg } from '#shared/custody/domain/public-view';
import type { ScanAlert } from '#shared/scans/domain/scan-rules';
import { decideVerdict, verdictWithoutRecord } from '#shared/verification/domain/verification';
import { localDate, localDateTime } from '#shared/verification/http/page-dates';
import { PAGE_MESSAGES, type PageLanguage } from '#shared/verification/http/page-messages';
import { TEST_REPORT_MESSAGES } from '#shared/verification/http/test-report-section';
import { renderVerificationPage } from '#shared/verification/http/verification-page';
import { held, unit } from '../support/custody-states';
import { batchFixture, factoryFixture, productFixture } from '../support/domain-fixtures';

/**
 * What a worker, a buyer and a safety officer read on the verify page: a sale said as a
 * fact, local time, place names, names in the page's language, a recall's reason and what
 * to do, an icon per verdict, and nothing that reads as developer jargon.
 */
const product = productFixture();
const factory = factoryFixture();
const batch = batchFixture(product);
const code = { gtin: product.gtin, lot: 'L1', serial: 'S1' };
const context = {
  path: '/01/06952012345676/10/L1/21/S1',
  digsig: `AbCd${'x'.repeat(86)}`,
  baseUrl: 'https://verify.example',
};
const LANGS = ['zh-CN', 'en'] as const;
const now = new Date('2026-11-24T03:00:00.000Z');

const shop: PublicOrg = {
  name: 'Hangzhou Safety Shop',
  names: { zh: '杭州安全用品店' },
  role: 'distributor',
  region: 'CN-ZJ Hangzhou',
};
const soldView = (by?: PublicOrg, status: 'sold' | 'in_use' = 'sold'): CustodyView => ({
  state: status,
  label: status,
  since: '2026-11-20T02:00:00.000Z',
  alreadyDecommissioned: { status, at: '2026-11-20T02:00:00.000Z', ...(by === undefined ? {} : { by }) },
  history: [
    { step: 'commissioning', at: '2026-11-01T01:00:00.000Z', by: { role: 'factory', region: 'CN-AH Hefei' } },
    {
      step: status === 'sold' ? 'retail_selling' : 'decommissioning',
      at: '2026-11-20T02:00:00.000Z',
      ...(by === undefined ? {} : { by }),
    },
  ],
});

const render = (lang: PageLanguage, patch: { custody?: CustodyView; scanAlert?: ScanAlert } = {}) =>
  renderVerificationPage(
    { ...decideVerdict({ code, product, factory, batch, now, ...patch }), ...(patch.custody ? { custody: patch.custody } : {}) },
    { ...context, lang },
  );

const esc = (value: string): string => value.replace(/'/g, '&#39;');

const visibleText = (html: string): string =>
  html
    .replace(/<script>[\s\S]*?<\/script>/g, '')
    .replace(/<style>[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ');

describe('an honest buyer is never told the unit may be a copy', () => {
  it('shows a sold unit green: genuine, sold on its date by its shop and city, with when to be wary', () => {
    for (const lang of LANGS) {
      const m = PAGE_MESSAGES[lang];
      const html = render(lang, { custody: soldView(shop) });
      expect(html).toContain('<header data-status="sold">');
      expect(html).toContain('header{background:#137333}');
      expect(html).toContain(`<h1>${m.lights.sold.title}</h1>`);
      const lead =
        lang === 'en'
          ? 'Sold on 20 Nov 2026 by Hangzhou Safety Shop (Hangzhou, Zhejiang).'
          : '于2026年11月20日由杭州安全用品店（浙江省杭州市）售出。';
      expect(html).toContain(`<p class="lead">${lead}</p>`);
      expect(html).toContain(m.lights.sold.advice);
      // "May be a copy" is the scan patterns' words only.
      expect(html).not.toContain(m.lights.suspect.title);
      expect(html).not.toContain('data-warning');
    }
  });

  it('says who sold it by role and city when the shop did not opt in to be named, and "in use" for a worn unit', () => {
    const anonymous: PublicOrg = { role: 'distributor', region: 'CN-ZJ Hangzhou' };
    expect(render('en', { custody: soldView(anonymous) })).toContain(
      'Sold on 20 Nov 2026 by a distributor in Hangzhou, Zhejiang.',
    );
    expect(render('zh-CN', { custody: soldView(anonymous) })).toContain('由浙江省杭州市的一家经销商售出');
    const worn = render('en', { custody: soldView(undefined, 'in_use') });
    expect(worn).toContain('<header data-status="inUse">');
    expect(worn).toContain('header{background:#137333}');
    expect(worn).toContain('In use since 20 Nov 2026.');
    expect(worn).toContain('20 Nov 2026: Put into use');
  });

  it('still turns a sold unit amber when its scans look copied, and names why', () => {
    const html = render('en', { custody: soldView(shop), scanAlert: { level: 'suspect', rules: ['far_from_sale'] } });
    expect(html).toContain('<header data-status="suspect">');
    expect(html).toContain(PAGE_MESSAGES.en.lights.suspect.title);
    expect(html).toContain('data-rule="far_from_sale"');
  });

  it('keeps who sold it in the JSON answer beside when (alreadyDecommissioned)', () => {
    const facts = {
      own: held(unit('S1'), 'shop', {
        status: 'sold',
        decommission: { at: '2026-11-20T02:00:00.000Z', by: 'shop', statusBefore: 'held' },
      }),
      path: [],
      issuance: { by: 'f1', at: '2026-11-01T00:00:00.000Z' },
      lotRecalled: false,
    };
    expect(organizationsShown(facts)).toContain('shop');
    const view = describeCustody(
      facts,
      new Map([
        ['shop', shop],
        ['f1', { role: 'factory', region: 'CN-AH Hefei' }],
      ]),
    );
    expect(view.alreadyDecommissioned).toEqual({ status: 'sold', at: '2026-11-20T02:00:00.000Z', by: shop });
    expect(view).not.toHaveProperty('custodian');
  });
});

describe('the page speaks to a worker', () => {
  it('gives times in China time with the zone named, and the day as it was there', () => {
    expect(localDateTime('2026-11-20T17:30:00.000Z', 'zh-CN')).toBe('2026年11月21日 01:30（北京时间）');
    expect(localDateTime('2026-11-20T17:30:00.000Z', 'en')).toBe('21 Nov 2026, 01:30 (China time)');
    expect(localDate('2026-11-20T17:30:00.000Z', 'en')).toBe('21 Nov 2026');
    const html = render('zh-CN');
    expect(html).toContain('检查于 2026年11月24日 11:00（北京时间）');
    expect(visibleText(html)).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    expect(visibleText(render('en'))).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it('names regions instead of ISO codes, in both languages', () => {
    expect(regionName('CN-AH Hefei', 'zh')).toBe('安徽省合肥市');
    expect(regionName('CN-AH Hefei', 'en')).toBe('Hefei, Anhui');
    expect(regionName('CN-AH 合肥', 'en')).toBe('Hefei, Anhui');
    expect(regionName('CN-SH Shanghai', 'zh')).toBe('上海市');
    expect(regionName('CN-SH Shanghai', 'en')).toBe('Shanghai');
    expect(regionName('CN-GD', 'zh')).toBe('广东省');
    expect(regionName('CN-GD Zhaoqing', 'zh')).toBe('广东省 Zhaoqing');
    expect(regionName('CN-ZJ Hangzhou', 'zh')).toBe('浙江省杭州市');
    expect(regionName('CN-HB 恩施土家族苗族自治州', 'zh')).toBe('湖北省恩施土家族苗族自治州');
    expect(regionName('CN', 'en')).toBe('China');
    // Not a province code: shown as registered, never hidden.
    expect(regionName('Atlantis', 'en')).toBe('Atlantis');
    expect(render('zh-CN')).toContain('<td>Shield Co.（安徽省合肥市）</td>');
    expect(render('en')).toContain('<td>Shield Co. (Hefei, Anhui)</td>');
  });

  it("shows product and company names in the page's language when the factory gave both", () => {
    const named = decideVerdict({
      code,
      product: productFixture({ name: 'Helmet', names: { zh: '安全帽', en: 'Safety helmet' } }),
      factory: factoryFixture({ names: { zh: '合肥头盔厂', en: 'Hefei Helmets' } }),
      batch,
      now,
    });
    const zh = renderVerificationPage(named, { ...context, lang: 'zh-CN' });
    expect(zh).toContain('<td>安全帽</td>');
    expect(zh).toContain('<td>合肥头盔厂（安徽省合肥市）</td>');
    const en = renderVerificationPage(named, { ...context, lang: 'en' });
    expect(en).toContain('<td>Safety helmet</td>');
    expect(en).toContain('<td>Hefei Helmets (Hefei, Anhui)</td>');
    expect(named.product?.names).toEqual({ zh: '安全帽', en: 'Safety helmet' });
  });

  it("shows a recall's reason, what to do and whom to ask", () => {
    const recalled = decideVerdict({
      code,
      product,
      factory: factoryFixture({ serviceContact: '400-800-1234' }),
      batch: batchFixture(product, { recalledAt: '2026-11-21T16:30:00.000Z', recallReason: 'Shell cracks under impact' }),
      now,
    });
    for (const lang of LANGS) {
      const r = PAGE_MESSAGES[lang].recall;
      const html = renderVerificationPage(recalled, { ...context, lang });
      expect(html).toContain(`<p data-recall="reason">${esc(r.reason('Shell cracks under impact'))}</p>`);
      expect(html).toContain(`<p data-recall="what-to-do">${esc(r.whatToDo)}</p>`);
      expect(html).toContain(`<p data-recall="contact">${esc(r.contact('400-800-1234'))}</p>`);
    }
    expect(renderVerificationPage(recalled, { ...context, lang: 'en' })).toContain('<td>22 Nov 2026</td>');
  });

  it('says the label was coded at the factory, not that the unit left it', () => {
    const html = render('en', { custody: soldView(shop) });
    expect(html).toContain('1 Nov 2026: Coded at the factory');
    expect(render('zh-CN', { custody: soldView(shop) })).toContain('2026年11月1日：在生产企业赋码');
  });

  it('draws one icon per verdict, hidden from screen readers, so two reds differ without words', () => {
    const icon = (html: string) =>
      /<svg class="icon" data-icon="([a-zA-Z]+)" aria-hidden="true"[^>]*>([\s\S]*?)<\/svg>/.exec(html);
    const recalledPage = renderVerificationPage(
      decideVerdict({ code, product, factory, batch: batchFixture(product, { recalledAt: '2026-11-21T00:00:00.000Z' }), now }),
      { ...context, lang: 'en' },
    );
    const invalidPage = renderVerificationPage(verdictWithoutRecord('invalid', code, now, 'signature_mismatch'), {
      ...context,
      lang: 'en',
    });
    expect(icon(recalledPage)?.[1]).toBe('recalled');
    expect(icon(invalidPage)?.[1]).toBe('invalid');
    expect(icon(recalledPage)?.[2]).not.toBe(icon(invalidPage)?.[2]);
    expect(recalledPage).toContain('header{background:#b3261e}');
    expect(invalidPage).toContain('header{background:#b3261e}');
  });

  it('gives the national complaint line 12315 on an invalid label only', () => {
    for (const lang of LANGS) {
      const invalid = renderVerificationPage(verdictWithoutRecord('invalid', code, now, 'signature_mismatch'), {
        ...context,
        lang,
      });
      expect(invalid).toContain('<a href="tel:12315">12315</a>');
      expect(invalid).toContain(esc(PAGE_MESSAGES[lang].complaintLine.before));
      expect(render(lang)).not.toContain('12315');
    }
  });

  it('says neutrally, without a warning box, that a genuine lot has no test report on file', () => {
    for (const lang of LANGS) {
      const html = renderVerificationPage(
        { ...decideVerdict({ code, product, factory, batch, now }), testReport: { verdict: 'missing', keyClauses: [] } },
        { ...context, lang },
      );
      expect(html).toContain('<section id="test-report" class="plain" data-test-report="missing">');
      expect(html).toContain(TEST_REPORT_MESSAGES[lang].missing);
      expect(html).not.toMatch(/class="warn[^"]*"[^>]*data-test-report/);
    }
  });

  it('has no developer jargon in the footer, and the report form carries the full URI of the label', () => {
    for (const lang of LANGS) {
      const html = render(lang);
      const footer = /<footer>([\s\S]*?)<\/footer>/.exec(html)?.[1] ?? '';
      expect(footer).toBe(PAGE_MESSAGES[lang].footer);
      expect(footer).not.toMatch(/ES256|8030|jwks|GS1|well-known/i);
      expect(html).toContain(
        `<input type="hidden" name="code" value="https://verify.example${context.path}?8030=${context.digsig}">`,
      );
    }
  });
});

describe('a code sent as a path on the verification host', () => {
  it('is completed into the full URI; anything else is kept as sent', () => {
    const path = `/01/06952012345676/10/L1/21/S1?8030=${context.digsig}`;
    expect(absoluteCodeUri(path, 'https://verify.example/')).toBe(`https://verify.example${path}`);
    expect(absoluteCodeUri(`https://other.example${path}`, 'https://verify.example')).toBe(`https://other.example${path}`);
    // A scheme-relative URI names another host: never completed with ours.
    expect(absoluteCodeUri(`//evil.example${path}`, 'https://verify.example')).toBe(`//evil.example${path}`);
    expect(absoluteCodeUri('not a code', 'https://verify.example')).toBe('not a code');
  });
});
