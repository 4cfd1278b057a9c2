import { getBatchWithProgressFor, issueBatch } from '#issuance';
import { buildDigitalLink } from '#kernel/codes/digital-link';
import { getStringFromEnv } from '#kernel/config';
import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { pathOf } from '#kernel/http/uri-encoding';
import { ROUTES } from '#shared/app/routes';

/** The public verification host that printed codes point at (the CloudFront domain in AWS). */
const verifyBaseUrl = getStringFromEnv({ key: 'VERIFY_BASE_URL' });

export const handler = createHandler(ROUTES.createBatch, async ({ principal, body, headers }) => {
  const { batch, codes, replayed, job } = await issueBatch(principal, body, headers['idempotency-key']);
  const self = pathOf('v1', 'batches', batch.id);
  const common = { location: self, ...(replayed ? { 'idempotent-replayed': 'true' } : {}) };
  if (job) {
    // 202 for a first call and its retries alike: the job is what was accepted, whatever its state.
    const current = await getBatchWithProgressFor(principal, batch.id);
    return json(202, { batch: current, links: { self } }, { headers: { ...common, 'retry-after': '2' } });
  }
  const codesPath = `${self}/codes`;
  return json(
    replayed ? 200 : 201,
    {
      batch,
      codes: codes.map((code) => buildDigitalLink(verifyBaseUrl, { gtin: batch.gtin, lot: batch.lot, ...code })),
      links: { csv: `${codesPath}?format=csv`, ndjson: `${codesPath}?format=ndjson` },
    },
    { headers: common },
  );
});
