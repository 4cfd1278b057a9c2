import type { CustodyView } from '#shared/custody/public-view';
import type { VerificationResult, VerificationStatus } from '#shared/domain/verification';
import type { ContainerVerificationResult } from '#shared/services/verify-service';

const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const COLORS: Record<VerificationStatus, string> = {
  genuine: '#137333',
  invalid: '#b3261e',
  unknown: '#b3261e',
  voided: '#b3261e',
  destroyed: '#b3261e',
  recalled: '#b3261e',
  expired: '#b06000',
};

const TITLES: Record<VerificationStatus, string> = {
  genuine: 'Genuine',
  invalid: 'Not genuine',
  unknown: 'Unknown code',
  voided: 'Voided label',
  destroyed: 'Destroyed unit',
  recalled: 'Recalled',
  expired: 'Expired',
};

const historyList = (custody: CustodyView | undefined): string => {
  const items = (custody?.history ?? [])
    .map(
      (step) =>
        `<li>${escapeHtml(step.at.slice(0, 10))}: ${escapeHtml(step.step.replace(/_/g, ' '))}${
          step.by ? `, ${escapeHtml(step.by.name)} (${escapeHtml(step.by.region)})` : ''
        }</li>`,
    )
    .join('');
  return items === '' ? '' : `<h2>Custody</h2><ol>${items}</ol>`;
};

const factsTable = (rows: [string, string | undefined][]): string =>
  `<table>${rows
    .filter((row): row is [string, string] => row[1] !== undefined)
    .map(([label, value]) => `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`)
    .join('')}</table>`;

/** No scripts, no external assets; every value is escaped by the callers above. */
const page = (status: VerificationStatus, message: string, body: string, checkedAt: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>TraceSeal: ${TITLES[status]}</title>
<style>body{font-family:system-ui,sans-serif;margin:0;color:#1f1f1f}header{padding:24px;color:#fff;background:${COLORS[status]}}
h1{margin:0;font-size:2rem}p{margin:8px 0 0}table{border-collapse:collapse;margin:16px 24px}th,td{text-align:left;padding:6px 12px 6px 0;vertical-align:top}
th{color:#5f6368;font-weight:500}.warn{margin:16px 24px;padding:12px;background:#fef7e0;border-left:4px solid #b06000}h2{margin:0 24px;font-size:1.1rem}ol{margin:8px 24px 16px}
footer{margin:0 24px 24px;color:#5f6368;font-size:.85rem}</style></head>
<body><header data-status="${status}"><h1>${TITLES[status]}</h1><p>${escapeHtml(message)}</p></header>
${body}
<footer>Checked ${escapeHtml(checkedAt)} by TraceSeal. Signature: ES256 (GS1 AI 8030), keys at /.well-known/jwks.json.</footer>
</body></html>`;

/** The page a worker sees after scanning a unit with a phone camera: verdict first, large and in colour. */
export const renderVerificationPage = (result: VerificationResult): string => {
  const facts = factsTable([
    ['Product', result.product?.name],
    ['Standard', result.product?.standard],
    [
      'LA certificate',
      result.product && `${result.product.laCertificate.number} (valid until ${result.product.laCertificate.validUntil})`,
    ],
    ['Manufacturer', result.factory && `${result.factory.name}, ${result.factory.region}`],
    ['Lot', result.code.lot],
    ['Production date', result.batch?.productionDate],
    ['End of service life', result.batch?.endOfServiceLife],
    ['Recalled on', result.batch?.recalledAt?.slice(0, 10)],
    [
      'Where it is',
      result.custody && `${result.custody.label}${result.custody.custodian ? ` (${result.custody.custodian.region})` : ''}`,
    ],
    ['Serial', result.code.serial],
    ['GTIN', result.code.gtin],
  ]);
  const warning =
    result.status === 'genuine' && result.custody?.alreadyDecommissioned !== undefined
      ? `<p class="warn" data-warning="already-decommissioned">Warning: this unit was already ${
          result.custody.alreadyDecommissioned.status === 'sold' ? 'sold to an end user' : 'put into use'
        } on ${escapeHtml(result.custody.alreadyDecommissioned.at.slice(0, 10))}. If you are buying it new, its label may be a copy.</p>`
      : '';
  return page(result.status, result.message, `${warning}${facts}${historyList(result.custody)}`, result.checkedAt);
};

/** The same for a case or pallet label. */
export const renderContainerPage = (result: ContainerVerificationResult): string => {
  const facts = factsTable([
    ['Container', result.container && `${result.container.kind}, ${result.container.childCount} item(s) inside`],
    [
      'Where it is',
      result.custody && `${result.custody.label}${result.custody.custodian ? ` (${result.custody.custodian.region})` : ''}`,
    ],
    ['SSCC', result.code.sscc],
  ]);
  return page(result.status, result.message, `${facts}${historyList(result.custody)}`, result.checkedAt);
};

/** Browsers ask for text/html first; scanner apps and scripts ask for JSON or anything. */
export const prefersHtml = (accept: string | undefined): boolean => {
  if (accept === undefined) return false;
  const html = accept.indexOf('text/html');
  const jsonAt = accept.indexOf('application/json');
  return html !== -1 && (jsonAt === -1 || html < jsonAt);
};
