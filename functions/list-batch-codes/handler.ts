import { listBatchCodesFor } from '#issuance';
import { buildDigitalLink } from '#kernel/codes/digital-link';
import { getStringFromEnv } from '#kernel/config';
import { createHandler } from '#kernel/http/create-handler';
import { contentDisposition, linkValue } from '#kernel/http/header-values';
import { text } from '#kernel/http/responses';
import { pathOf, withQuery } from '#kernel/http/uri-encoding';
import { ROUTES } from '#shared/app/routes';

const verifyBaseUrl = getStringFromEnv({ key: 'VERIFY_BASE_URL' });

const CSV_HEADER = 'gtin,lot,serial,digsig,uri';

/**
 * One page per call (at most 10,000 codes, well inside Lambda's 6 MB response); the next
 * page is in the Link header. Serials and lots are URL-safe, so no CSV field needs quoting.
 */
export const handler = createHandler(ROUTES.listBatchCodes, async ({ principal, params, query }) => {
  const { batch, page } = await listBatchCodesFor(principal, params.id, query.cursor);
  const rows = page.codes.map((code) => {
    const full = { gtin: batch.gtin, lot: batch.lot, serial: code.serial, digsig: code.digsig };
    return { ...full, uri: buildDigitalLink(verifyBaseUrl, full) };
  });
  const body =
    query.format === 'csv'
      ? [
          ...(query.cursor === undefined ? [CSV_HEADER] : []),
          ...rows.map((r) => `${r.gtin},${r.lot},${r.serial},${r.digsig},${r.uri}`),
        ]
          .map((line) => `${line}\r\n`)
          .join('')
      : rows.map((row) => `${JSON.stringify(row)}\n`).join('');
  const next: Record<string, string> =
    page.cursor === undefined
      ? {}
      : {
          link: linkValue(withQuery(pathOf('v1', 'batches', batch.id, 'codes'), { format: query.format, cursor: page.cursor }), {
            rel: 'next',
          }),
        };
  return text(200, body, query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8', {
    headers: {
      ...next,
      'content-disposition': contentDisposition('attachment', `${batch.gtin}-${batch.lot}.${query.format}`),
    },
  });
});
