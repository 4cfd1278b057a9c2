import { buildDigitalLink } from '#shared/codes/digital-link';
import { getStringFromEnv } from '#shared/config';
import { createHandler } from '#shared/http/create-handler';
import { json } from '#shared/http/responses';
import { ROUTES } from '#shared/http/routes';
import { issueBatch } from '#shared/services/batch-service';

/** The public verification host that printed codes point at (the CloudFront domain in AWS). */
const verifyBaseUrl = getStringFromEnv({ key: 'VERIFY_BASE_URL' });

export const handler = createHandler(ROUTES.createBatch, async ({ principal, body, headers }) => {
  const { batch, codes, replayed } = await issueBatch(principal, body, headers['idempotency-key']);
  const codesPath = `/v1/batches/${batch.id}/codes`;
  return json(
    replayed ? 200 : 201,
    {
      batch,
      codes: codes.map((code) => buildDigitalLink(verifyBaseUrl, { gtin: batch.gtin, lot: batch.lot, ...code })),
      links: { csv: `${codesPath}?format=csv`, ndjson: `${codesPath}?format=ndjson` },
    },
    { headers: { location: `/v1/batches/${batch.id}`, ...(replayed ? { 'idempotent-replayed': 'true' } : {}) } },
  );
});
