import { createHandler } from '../../shared/http/create-handler';
import { json } from '../../shared/http/responses';
import { ROUTES } from '../../shared/http/routes';
import { listBatchesOfOrg } from '../../shared/store/batch-repository';

/** Served by the owner index (gsi1), never a scan. */
export const handler = createHandler(ROUTES.listBatches, async ({ principal, query }) => {
  const page = await listBatchesOfOrg(principal.orgId, { cursor: query.cursor, limit: query.limit });
  return json(200, { batches: page.batches, ...(page.cursor === undefined ? {} : { cursor: page.cursor }) });
});
