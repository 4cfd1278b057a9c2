import type { CustodyView, PublicOrg } from '#shared/custody/public-view';
import type { ProductLink } from '#shared/domain/link-types';
import type { ScanAlert, VerificationResult, VerificationStatus } from '#shared/domain/verification';
import type { ContainerVerificationResult } from '#shared/services/verify-service';
import { CHECK_SCRIPT } from './page-check-script';
import { type Light, PAGE_MESSAGES, type PageLanguage } from './page-messages';
import { PAGE_STYLE } from './page-style';

import { testReportSection } from './test-report-section';

export { PAGE_CSP } from './page-check-script';

const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

type Messages = (typeof PAGE_MESSAGES)[PageLanguage];

const COLORS: Record<Light, string> = {
  genuine: '#137333',
  copy: '#b06000',
  suspect: '#b06000',
  recalled: '#b3261e',
  expired: '#b3261e',
  blocked: '#b3261e',
  invalid: '#b3261e',
  withdrawn: '#b3261e',
  unknown: '#5f6368',
};

/**
 * The one place a verdict becomes a colour. A blocked code is its own red status; a suspect
 * scan pattern turns a genuine unit amber like an already-sold one (the scan evidence wins
 * the wording: it is the stronger sign of a copy), and leaves every red verdict red.
 */
export const trafficLight = (status: VerificationStatus, custody: CustodyView | undefined, scanAlert?: ScanAlert): Light => {
  if (status === 'voided' || status === 'destroyed') return 'withdrawn';
  if (status !== 'genuine') return status;
  if (scanAlert?.level === 'suspect') return 'suspect';
  return custody?.alreadyDecommissioned === undefined ? 'genuine' : 'copy';
};

/** Why the scans look wrong, in plain words, and what to do; shown with any verdict that carries a flag. */
const scanAlertNotice = (m: Messages, alert: ScanAlert | undefined): string => {
  if (alert === undefined) return '';
  const a = m.scanAlert;
  const rules = alert.rules.map((rule) => `<li data-rule="${rule}">${escapeHtml(a.rules[rule])}</li>`).join('');
  const since = alert.since === undefined ? '' : `<p>${escapeHtml(a.since(alert.since.slice(0, 10)))}</p>`;
  return `<section class="warn${alert.level === 'blocked' ? ' red' : ''}" id="scan-alert" data-scan-alert="${alert.level}"><strong>${escapeHtml(
    a.title[alert.level],
  )}</strong>${rules === '' ? '' : `<ul>${rules}</ul>`}${since}<p>${escapeHtml(a.whatToDo[alert.level])} <a href="#report">${escapeHtml(
    a.reportLink,
  )}</a></p></section>`;
};

const orgText = (m: Messages, org: PublicOrg): string =>
  `${org.name === undefined ? (m.roles[org.role] ?? org.role) : org.name}, ${org.region}`;

const whereNow = (m: Messages, custody: CustodyView | undefined): string | undefined =>
  custody &&
  `${m.states[custody.state] ?? custody.label}${
    custody.custodian
      ? ` (${custody.custodian.name === undefined ? '' : `${custody.custodian.name}, `}${custody.custodian.region})`
      : ''
  }`;

const historyList = (m: Messages, custody: CustodyView | undefined): string => {
  const items = (custody?.history ?? [])
    .map(
      (step) =>
        `<li>${escapeHtml(step.at.slice(0, 10))}: ${escapeHtml(m.steps[step.step] ?? step.step.replace(/_/g, ' '))}${
          step.by ? `, ${escapeHtml(orgText(m, step.by))}` : ''
        }</li>`,
    )
    .join('');
  if (items === '') return '';
  const omitted =
    custody?.omittedSteps === undefined ? '' : `<p class="note">${escapeHtml(m.custody.omitted(custody.omittedSteps))}</p>`;
  return `<h2>${m.custody.title}</h2><ol>${items}</ol>${omitted}`;
};

const factsTable = (rows: [string, string | undefined][]): string =>
  `<table>${rows
    .filter((row): row is [string, string] => row[1] !== undefined)
    .map(([label, value]) => `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`)
    .join('')}</table>`;

const linksList = (m: Messages, links: readonly ProductLink[]): string => {
  const items = links
    .filter((link) => link.linkType === 'safetyInfo' || link.linkType === 'instructions')
    .map(
      (link) =>
        `<li data-link-type="${link.linkType}"><a href="${escapeHtml(link.href)}" rel="noopener noreferrer">${escapeHtml(
          link.title,
        )}</a> (${link.linkType === 'safetyInfo' ? m.links.safetyInfo : m.links.instructions})</li>`,
    )
    .join('');
  return items === '' ? '' : `<h2>${m.links.title}</h2><ul>${items}</ul>`;
};

/** Field names are the contract of POST /v1/reports; `website` is a honeypot people never see. */
const reportForm = (m: Messages, uri: string): string => `<section id="report"><h2>${m.report.title}</h2>
<p class="note">${m.report.intro}</p>
<form method="post" action="/v1/reports" enctype="multipart/form-data">
<input type="hidden" name="code" value="${escapeHtml(uri)}">
<label>${m.report.place}<input name="place" maxlength="200" required></label>
<label>${m.report.city}<input name="city" maxlength="100" required></label>
<label>${m.report.description}<textarea name="description" maxlength="2000" rows="3" required></textarea></label>
<label>${m.report.contact}<input name="contact" maxlength="200"></label>
<label>${m.report.photos}<input type="file" name="photos" multiple accept="image/jpeg,image/png"></label>
<label class="hp" aria-hidden="true">${m.report.website}<input name="website" tabindex="-1" autocomplete="off"></label>
<button type="submit">${m.report.submit}</button>
</form></section>`;

interface PageInput {
  lang: PageLanguage;
  light: Light;
  body: string;
  checkedAt: string;
  /** The URI as scanned: the report form carries it, the language switch links to it. */
  path: string;
  digsig: string | undefined;
  /** What the phone re-checks: a unit's identity. */
  unit?: { gtin: string; lot: string; serial: string };
}

const phoneCheck = (m: Messages, input: PageInput): string => {
  if (input.unit === undefined || input.digsig === undefined) return '';
  const c = m.checks;
  const data = { ok: c.phoneOk, bad: c.phoneBad, unavailable: c.phoneUnavailable, pending: c.phonePending };
  const attrs = Object.entries(data)
    .map(([key, value]) => ` data-${key}="${escapeHtml(value)}"`)
    .join('');
  return `<li id="phone-check" data-state="noscript" data-digsig="${escapeHtml(input.digsig)}" data-gtin="${escapeHtml(
    input.unit.gtin,
  )}" data-lot="${escapeHtml(input.unit.lot)}" data-serial="${escapeHtml(input.unit.serial)}"${attrs}>${escapeHtml(c.noScript)}</li>`;
};

/** No external assets; every value is escaped here; the only script is CHECK_SCRIPT (CSP-hashed). */
const page = (input: PageInput): string => {
  const m = PAGE_MESSAGES[input.lang];
  const light = m.lights[input.light];
  const other: PageLanguage = input.lang === 'en' ? 'zh-CN' : 'en';
  const query = input.digsig === undefined ? `?lang=${other}` : `?8030=${encodeURIComponent(input.digsig)}&lang=${other}`;
  const uri = `${input.path}${input.digsig === undefined ? '' : `?8030=${input.digsig}`}`;
  const check = phoneCheck(m, input);
  return `<!doctype html>
<html lang="${input.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>TraceSeal: ${escapeHtml(light.title)}</title><style>${PAGE_STYLE}header{background:${COLORS[input.light]}}</style></head>
<body><nav><a href="${escapeHtml(`${input.path}${query}`)}" hreflang="${other}" lang="${other}">${m.switchTo}</a></nav>
<header data-status="${input.light}"><h1>${escapeHtml(light.title)}</h1><p>${escapeHtml(light.advice)}</p></header>
${input.body}
<section id="checks"><h2>${m.checks.title}</h2><ul><li>${escapeHtml(m.checks.server(input.checkedAt))}</li>${check}</ul></section>
${reportForm(m, uri)}
<footer>TraceSeal · ES256 (GS1 AI 8030) · /.well-known/jwks.json</footer>
${check === '' ? '' : `<script>${CHECK_SCRIPT}</script>`}
</body></html>`;
};

export interface PageContext {
  lang: PageLanguage;
  /** The request path and AI 8030 as scanned. */
  path: string;
  digsig: string | undefined;
  /** The product's links (safety information, instructions), for a unit that checked out. */
  links?: readonly ProductLink[];
}

/** The page a worker sees after scanning a unit with a phone camera: verdict first, large and in colour. */
export const renderVerificationPage = (result: VerificationResult, context: PageContext): string => {
  const m = PAGE_MESSAGES[context.lang];
  const f = m.facts;
  const today = result.checkedAt.slice(0, 10);
  const la = result.product?.laCertificate;
  const facts = factsTable([
    [f.product, result.product?.name],
    [f.standard, result.product?.standard],
    [
      f.laCertificate,
      la && `${la.number} (${la.validUntil < today ? f.laExpired(la.validUntil) : f.laValidUntil(la.validUntil)})`,
    ],
    [f.manufacturer, result.factory && `${result.factory.name}, ${result.factory.region}`],
    [f.lot, result.code.lot],
    [f.productionDate, result.batch?.productionDate],
    [f.endOfServiceLife, result.batch?.endOfServiceLife],
    [f.recalledOn, result.batch?.recalledAt?.slice(0, 10)],
    [f.whereNow, whereNow(m, result.custody)],
    [f.serial, result.code.serial],
    [f.gtin, result.code.gtin],
  ]);
  const decommissioned = result.status === 'genuine' ? result.custody?.alreadyDecommissioned : undefined;
  const warning =
    decommissioned === undefined
      ? ''
      : `<p class="warn" data-warning="already-decommissioned">${escapeHtml(
          m.copyWarning(decommissioned.status, decommissioned.at.slice(0, 10)),
        )}</p>`;
  const failed = result.batch?.spotCheckFailed;
  const spotCheck =
    failed === undefined
      ? ''
      : `<p class="warn red" data-warning="spot-check-failed">${escapeHtml(m.spotCheckFailed(failed.at.slice(0, 10), failed.testReportRef))}</p>`;
  return page({
    lang: context.lang,
    light: trafficLight(result.status, result.custody, result.scanAlert),
    body: `${scanAlertNotice(m, result.scanAlert)}${spotCheck}${warning}${facts}${testReportSection(context.lang, result.testReport)}${linksList(m, context.links ?? [])}${historyList(m, result.custody)}`,
    checkedAt: result.checkedAt,
    path: context.path,
    digsig: context.digsig,
    unit: result.code,
  });
};

/** The same for a case or pallet label (no in-browser check: its signed string differs). */
export const renderContainerPage = (result: ContainerVerificationResult, context: PageContext): string => {
  const m = PAGE_MESSAGES[context.lang];
  const facts = factsTable([
    [
      m.facts.container,
      result.container &&
        m.facts.containerContents(result.container.kind, result.container.childCount, result.container.unitCount),
    ],
    [m.facts.whereNow, whereNow(m, result.custody)],
    [m.facts.sscc, result.code.sscc],
  ]);
  return page({
    lang: context.lang,
    light: trafficLight(result.status, result.custody),
    body: `${facts}${historyList(m, result.custody)}`,
    checkedAt: result.checkedAt,
    path: context.path,
    digsig: context.digsig,
  });
};

/** Browsers ask for text/html first; scanner apps and scripts ask for JSON or anything. */
export const prefersHtml = (accept: string | undefined): boolean => {
  if (accept === undefined) return false;
  const html = accept.indexOf('text/html');
  const jsonAt = accept.indexOf('application/json');
  return html !== -1 && (jsonAt === -1 || html < jsonAt);
};
