import type { VerificationResult, VerificationStatus } from '../domain/verification';

const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const COLORS: Record<VerificationStatus, string> = {
  genuine: '#137333',
  invalid: '#b3261e',
  unknown: '#b3261e',
  recalled: '#b3261e',
  expired: '#b06000',
};

const TITLES: Record<VerificationStatus, string> = {
  genuine: 'Genuine',
  invalid: 'Not genuine',
  unknown: 'Unknown code',
  recalled: 'Recalled',
  expired: 'Expired',
};

/**
 * The page a worker sees after scanning with a phone camera: verdict first, large and in
 * colour, then the facts. No scripts, no external assets; every value is escaped.
 */
export const renderVerificationPage = (result: VerificationResult): string => {
  const rows: [string, string | undefined][] = [
    ['Product', result.product?.name],
    ['Standard', result.product?.standard],
    ['LA certificate', result.product && `${result.product.laCertificate.number} (valid until ${result.product.laCertificate.validUntil})`],
    ['Manufacturer', result.factory && `${result.factory.name}, ${result.factory.region}`],
    ['Lot', result.code.lot],
    ['Production date', result.batch?.productionDate],
    ['End of service life', result.batch?.endOfServiceLife],
    ['Recalled on', result.batch?.recalledAt?.slice(0, 10)],
    ['Serial', result.code.serial],
    ['GTIN', result.code.gtin],
  ];
  const facts = rows
    .filter((row): row is [string, string] => row[1] !== undefined)
    .map(([label, value]) => `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>TraceSeal: ${TITLES[result.status]}</title>
<style>body{font-family:system-ui,sans-serif;margin:0;color:#1f1f1f}header{padding:24px;color:#fff;background:${COLORS[result.status]}}
h1{margin:0;font-size:2rem}p{margin:8px 0 0}table{border-collapse:collapse;margin:16px 24px}th,td{text-align:left;padding:6px 12px 6px 0;vertical-align:top}
th{color:#5f6368;font-weight:500}footer{margin:0 24px 24px;color:#5f6368;font-size:.85rem}</style></head>
<body><header data-status="${result.status}"><h1>${TITLES[result.status]}</h1><p>${escapeHtml(result.message)}</p></header>
<table>${facts}</table>
<footer>Checked ${escapeHtml(result.checkedAt)} by TraceSeal. Signature: ES256 (GS1 AI 8030), keys at /.well-known/jwks.json.</footer>
</body></html>`;
};

/** Browsers ask for text/html first; scanner apps and scripts ask for JSON or anything. */
export const prefersHtml = (accept: string | undefined): boolean => {
  if (accept === undefined) return false;
  const html = accept.indexOf('text/html');
  const jsonAt = accept.indexOf('application/json');
  return html !== -1 && (jsonAt === -1 || html < jsonAt);
};
