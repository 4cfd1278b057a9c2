// One file, a little over 300 lines: the page's markup kept together so it reads top to bottom;
// its strings, style, icons, dates and phone check live in the modules beside it.
import type { CustodyView, PublicOrg } from '#custody/contract';
import { type NameLanguage, regionName } from '#kernel/places/region-names';
import type { LocalizedNames } from '#registry/contract';
import type { ProductLink } from '#resolver/contract';
import type { ScanAlert } from '#scans/contract';
import type { VerificationResult, VerificationStatus } from '../domain/verification';
import type { ContainerVerificationResult } from '../services/verify-service';
import { CHECK_SCRIPT } from './page-check-script';
import { calendarDate, localDate, localDateTime } from './page-dates';
import { verdictIcon } from './page-icons';
import { type Light, PAGE_MESSAGES, type PageLanguage } from './page-messages';
import { PAGE_STYLE } from './page-style';

import { testReportSection } from './test-report-section';

export { PAGE_CSP } from './page-check-script';

const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

type Messages = (typeof PAGE_MESSAGES)[PageLanguage];

const COLORS: Record<Light, string> = {
  genuine: '#137333',
  sold: '#137333',
  inUse: '#137333',
  suspect: '#b06000',
  recalled: '#b3261e',
  expired: '#b3261e',
  blocked: '#b3261e',
  invalid: '#b3261e',
  withdrawn: '#b3261e',
  unknown: '#5f6368',
};

/**
 * The one place a verdict becomes a colour. "May be a copy" comes only from scan patterns:
 * a blocked code is its own red status, a suspect one turns a genuine unit amber, and every
 * red verdict stays red. A genuine unit that was sold or is in use is green, saying so: its
 * buyer, the employer's safety officer and the worker scan it after the sale every day.
 */
export const trafficLight = (status: VerificationStatus, custody: CustodyView | undefined, scanAlert?: ScanAlert): Light => {
  if (status === 'voided' || status === 'destroyed') return 'withdrawn';
  if (status !== 'genuine') return status;
  if (scanAlert?.level === 'suspect') return 'suspect';
  const decommissioned = custody?.alreadyDecommissioned?.status;
  return decommissioned === 'sold' ? 'sold' : decommissioned === 'in_use' ? 'inUse' : 'genuine';
};

const nameLanguage = (lang: PageLanguage): NameLanguage => (lang === 'en' ? 'en' : 'zh');

/** A name in the page's language when its owner gave one, else as registered. */
const localName = (lang: PageLanguage, named: { name: string; names?: LocalizedNames }): string =>
  named.names?.[nameLanguage(lang)] ?? named.name;

const place = (lang: PageLanguage, region: string): string => regionName(region, nameLanguage(lang));

/** Why the scans look wrong, in plain words, and what to do; shown with any verdict that carries a flag. */
const scanAlertNotice = (lang: PageLanguage, alert: ScanAlert | undefined): string => {
  if (alert === undefined) return '';
  const m = PAGE_MESSAGES[lang];
  const a = m.scanAlert;
  const rules = alert.rules.map((rule) => `<li data-rule="${rule}">${escapeHtml(a.rules[rule])}</li>`).join('');
  const since = alert.since === undefined ? '' : `<p>${escapeHtml(a.since(localDate(alert.since, lang)))}</p>`;
  return `<section class="warn${alert.level === 'blocked' ? ' red' : ''}" id="scan-alert" data-scan-alert="${alert.level}"><strong>${escapeHtml(
    a.title[alert.level],
  )}</strong>${rules === '' ? '' : `<ul>${rules}</ul>`}${since}<p>${escapeHtml(a.whatToDo[alert.level])} <a href="#report">${escapeHtml(
    a.reportLink,
  )}</a></p></section>`;
};

/** An organization as the public may see it: its name if it opted in, else its role; and its place. */
const orgText = (lang: PageLanguage, org: PublicOrg): string => {
  const m = PAGE_MESSAGES[lang];
  const where = place(lang, org.region);
  return org.name === undefined
    ? m.unnamedOrg(m.roles[org.role] ?? org.role, where)
    : m.orgWithPlace(localName(lang, { name: org.name, names: org.names }), where);
};

const whereNow = (lang: PageLanguage, custody: CustodyView | undefined): string | undefined => {
  if (custody === undefined) return undefined;
  const m = PAGE_MESSAGES[lang];
  const state = m.states[custody.state] ?? custody.label;
  const holder = custody.custodian;
  if (holder === undefined) return state;
  const where = place(lang, holder.region);
  return holder.name === undefined
    ? m.orgWithPlace(state, where)
    : `${state}${lang === 'en' ? ': ' : '：'}${m.orgWithPlace(localName(lang, { name: holder.name, names: holder.names }), where)}`;
};

const historyList = (lang: PageLanguage, custody: CustodyView | undefined): string => {
  const m = PAGE_MESSAGES[lang];
  const colon = lang === 'en' ? ': ' : '：';
  const items = (custody?.history ?? [])
    .map(
      (step) =>
        `<li>${escapeHtml(localDate(step.at, lang))}${colon}${escapeHtml(m.steps[step.step] ?? step.step.replace(/_/g, ' '))}${
          step.by ? `${lang === 'en' ? ', ' : '，'}${escapeHtml(orgText(lang, step.by))}` : ''
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

/**
 * Field names are the contract of POST /v1/reports; `website` is a honeypot people never see.
 * `code` is the label's full URI, as printed, so the report is filed under the product's
 * factory and province exactly like one an app sends.
 */
const reportForm = (m: Messages, codeUri: string): string => `<section id="report"><h2>${m.report.title}</h2>
<p class="note">${m.report.intro}</p>
<form method="post" action="/v1/reports" enctype="multipart/form-data">
<input type="hidden" name="code" value="${escapeHtml(codeUri)}">
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
  /** Facts said in the header, under the verdict (the sale of a sold unit). */
  lead?: string;
  body: string;
  checkedAt: string;
  /** The URI as scanned: the language switch links to its path, the report form carries it whole. */
  path: string;
  baseUrl: string;
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

/** A forged label: besides reporting it here, the national consumer complaint line. */
const complaintLine = (m: Messages, light: Light): string =>
  light === 'invalid'
    ? `<p class="warn red" data-notice="complaint-line">${escapeHtml(m.complaintLine.before)}<a href="tel:12315">12315</a>${escapeHtml(
        m.complaintLine.after,
      )}</p>`
    : '';

/** No external assets; every value is escaped here; the only script is CHECK_SCRIPT (CSP-hashed). */
const page = (input: PageInput): string => {
  const m = PAGE_MESSAGES[input.lang];
  const light = m.lights[input.light];
  const other: PageLanguage = input.lang === 'en' ? 'zh-CN' : 'en';
  const query = input.digsig === undefined ? `?lang=${other}` : `?8030=${encodeURIComponent(input.digsig)}&lang=${other}`;
  const codeUri = `${input.baseUrl.replace(/\/+$/, '')}${input.path}${input.digsig === undefined ? '' : `?8030=${input.digsig}`}`;
  const check = phoneCheck(m, input);
  const lead = input.lead === undefined ? '' : `<p class="lead">${escapeHtml(input.lead)}</p>`;
  return `<!doctype html>
<html lang="${input.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>TraceSeal: ${escapeHtml(light.title)}</title><style>${PAGE_STYLE}header{background:${COLORS[input.light]}}</style></head>
<body><nav><a href="${escapeHtml(`${input.path}${query}`)}" hreflang="${other}" lang="${other}">${m.switchTo}</a></nav>
<header data-status="${input.light}"><div class="verdict">${verdictIcon(input.light)}<h1>${escapeHtml(light.title)}</h1></div>${lead}<p>${escapeHtml(light.advice)}</p></header>
${complaintLine(m, input.light)}${input.body}
<section id="checks"><h2>${m.checks.title}</h2><ul><li>${escapeHtml(m.checks.server(localDateTime(input.checkedAt, input.lang)))}</li>${check}</ul></section>
${reportForm(m, codeUri)}
<footer>${escapeHtml(m.footer)}</footer>
${check === '' ? '' : `<script>${CHECK_SCRIPT}</script>`}
</body></html>`;
};

export interface PageContext {
  lang: PageLanguage;
  /** The request path and AI 8030 as scanned. */
  path: string;
  digsig: string | undefined;
  /** The verification host (VERIFY_BASE_URL) that served the page and printed the label. */
  baseUrl: string;
  /** The product's links (safety information, instructions), for a unit that checked out. */
  links?: readonly ProductLink[];
}

/** A recalled lot: why, what to do with the unit, and whom to ask. */
const recallNotice = (lang: PageLanguage, result: VerificationResult): string => {
  if (result.status !== 'recalled') return '';
  const r = PAGE_MESSAGES[lang].recall;
  const reason = result.batch?.recallReason;
  const contact = result.factory?.serviceContact;
  return `<section class="warn red" id="recall"><strong>${escapeHtml(r.title)}</strong>${
    reason === undefined ? '' : `<p data-recall="reason">${escapeHtml(r.reason(reason))}</p>`
  }<p data-recall="what-to-do">${escapeHtml(r.whatToDo)}</p>${
    contact === undefined ? '' : `<p data-recall="contact">${escapeHtml(r.contact(contact))}</p>`
  }</section>`;
};

/** The header's fact line for a sold unit or one in use: when, and by whom as far as the public may know. */
const decommissionLead = (lang: PageLanguage, light: Light, custody: CustodyView | undefined): string | undefined => {
  const fact = custody?.alreadyDecommissioned;
  if (fact === undefined || (light !== 'sold' && light !== 'inUse')) return undefined;
  const by = fact.by === undefined ? undefined : orgText(lang, fact.by);
  return PAGE_MESSAGES[lang].decommissioned[fact.status](localDate(fact.at, lang), by);
};

/** The page a worker sees after scanning a unit with a phone camera: verdict first, large and in colour. */
export const renderVerificationPage = (result: VerificationResult, context: PageContext): string => {
  const lang = context.lang;
  const m = PAGE_MESSAGES[lang];
  const f = m.facts;
  const today = result.checkedAt.slice(0, 10);
  const la = result.product?.laCertificate;
  const validity = la && calendarDate(la.validUntil, lang);
  const facts = factsTable([
    [f.product, result.product && localName(lang, result.product)],
    [f.standard, result.product?.standard],
    [
      f.laCertificate,
      la && validity && `${la.number} (${la.validUntil < today ? f.laExpired(validity) : f.laValidUntil(validity)})`,
    ],
    [f.manufacturer, result.factory && m.orgWithPlace(localName(lang, result.factory), place(lang, result.factory.region))],
    [f.lot, result.code.lot],
    [f.productionDate, result.batch && calendarDate(result.batch.productionDate, lang)],
    [f.endOfServiceLife, result.batch && calendarDate(result.batch.endOfServiceLife, lang)],
    [f.recalledOn, result.batch?.recalledAt && localDate(result.batch.recalledAt, lang)],
    [f.whereNow, whereNow(lang, result.custody)],
    [f.serial, result.code.serial],
    [f.gtin, result.code.gtin],
  ]);
  const failed = result.batch?.spotCheckFailed;
  const spotCheck =
    failed === undefined
      ? ''
      : `<p class="warn red" data-warning="spot-check-failed">${escapeHtml(m.spotCheckFailed(localDate(failed.at, lang), failed.testReportRef))}</p>`;
  const light = trafficLight(result.status, result.custody, result.scanAlert);
  const lead = decommissionLead(lang, light, result.custody);
  return page({
    lang,
    light,
    ...(lead === undefined ? {} : { lead }),
    body: `${recallNotice(lang, result)}${scanAlertNotice(lang, result.scanAlert)}${spotCheck}${facts}${testReportSection(lang, result.testReport)}${linksList(m, context.links ?? [])}${historyList(lang, result.custody)}`,
    checkedAt: result.checkedAt,
    path: context.path,
    baseUrl: context.baseUrl,
    digsig: context.digsig,
    unit: result.code,
  });
};

/** The same for a case or pallet label (no in-browser check: its signed string differs). */
export const renderContainerPage = (result: ContainerVerificationResult, context: PageContext): string => {
  const lang = context.lang;
  const m = PAGE_MESSAGES[lang];
  const kind = result.container && (m.facts.containerKinds[result.container.kind] ?? result.container.kind);
  const facts = factsTable([
    [
      m.facts.container,
      result.container && kind && m.facts.containerContents(kind, result.container.childCount, result.container.unitCount),
    ],
    [m.facts.whereNow, whereNow(lang, result.custody)],
    [m.facts.sscc, result.code.sscc],
  ]);
  return page({
    lang,
    light: trafficLight(result.status, result.custody),
    body: `${facts}${historyList(lang, result.custody)}`,
    checkedAt: result.checkedAt,
    path: context.path,
    baseUrl: context.baseUrl,
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
