/**
 * The test-report part of the verify page, in both languages (its strings live here, beside
 * page-messages.ts, typed the same way: a string in one language and not the other fails
 * the type check). Mismatched is red and unverified amber. A lot with no report on file is
 * said neutrally, without a warning box: that alone is nothing wrong with a genuine unit.
 */
import type { TestReportSummary } from '#test-reports/contract';
import type { PageLanguage } from './page-messages';

interface TestReportMessages {
  title: string;
  verified: (lab: string, date: string) => string;
  unverified: (date: string) => string;
  mismatched: string;
  missing: string;
  scope: { batch: (number: string) => string; product: (number: string) => string };
  pass: string;
  fail: string;
  pdfParticipants: string;
}

export const TEST_REPORT_MESSAGES: Record<PageLanguage, TestReportMessages> = {
  'zh-CN': {
    title: '检验报告',
    verified: (lab, date) => `已由检测机构 ${lab} 核实（报告日期 ${date}）。`,
    unverified: (date) => `检测机构尚未登记此报告（报告日期 ${date}），暂未核实。`,
    mismatched: '检验报告与检测机构登记的内容不一致，可能是伪造或借用的报告。请勿使用，并向监管部门举报。',
    missing: '此批次的检验报告尚未在本平台登记。如需查看，可向供应商索取。',
    scope: { batch: (number) => `批次检验报告 ${number}`, product: (number) => `型式检验报告 ${number}` },
    pass: '合格',
    fail: '不合格',
    pdfParticipants: '报告全文（PDF）仅供供应链参与方和监管部门查阅。',
  },
  en: {
    title: 'Test report',
    verified: (lab, date) => `Verified by the lab ${lab} (report dated ${date}).`,
    unverified: (date) => `The lab has not registered this report yet (dated ${date}): not verified.`,
    mismatched:
      'This test report differs from what the lab registered: it may be forged or borrowed. Do not rely on it; report it to the regulator.',
    missing: 'No test report for this lot is on file here. Ask the supplier if you need to see one.',
    scope: { batch: (number) => `Batch test report ${number}`, product: (number) => `Type test report ${number}` },
    pass: 'pass',
    fail: 'fail',
    pdfParticipants: 'The full report (PDF) is for supply-chain participants and regulators.',
  },
};

const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export const testReportSection = (lang: PageLanguage, report: TestReportSummary | undefined): string => {
  if (report === undefined) return '';
  const m = TEST_REPORT_MESSAGES[lang];
  const date = report.date ?? '';
  const verdict =
    report.verdict === 'verified'
      ? m.verified(report.lab ?? '', date)
      : report.verdict === 'unverified'
        ? m.unverified(date)
        : report.verdict === 'mismatched'
          ? m.mismatched
          : m.missing;
  const box =
    report.verdict === 'mismatched'
      ? 'warn red'
      : report.verdict === 'unverified'
        ? 'warn'
        : report.verdict === 'missing'
          ? 'plain'
          : 'ok';
  const scope =
    report.scope === undefined || report.number === undefined ? '' : `<p>${escapeHtml(m.scope[report.scope](report.number))}</p>`;
  const clauses = report.keyClauses
    .map((c) => {
      const value = c.value === undefined ? '' : ` ${c.value}${c.unit === undefined ? '' : ` ${c.unit}`}`;
      return `<li data-clause="${escapeHtml(c.clause)}">${escapeHtml(c.title[lang])}: ${c.result === 'pass' ? m.pass : m.fail}${escapeHtml(value)}</li>`;
    })
    .join('');
  const pdf = report.pdf === 'participants' ? `<p>${escapeHtml(m.pdfParticipants)}</p>` : '';
  // A missing report is said plainly, not stressed: it is no sign that the unit is wrong.
  const said = report.verdict === 'missing' ? escapeHtml(verdict) : `<strong>${escapeHtml(verdict)}</strong>`;
  return `<section id="test-report" class="${box}" data-test-report="${report.verdict}"><h2>${m.title}</h2><p>${said}</p>${scope}${clauses === '' ? '' : `<ul>${clauses}</ul>`}${pdf}</section>`;
};
