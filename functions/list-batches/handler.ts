import { listBatchesFor } from '#issuance';
import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { ROUTES } from '#shared/app/routes';

export const handler = createHandler(ROUTES.listBatches, async ({ principal, query }) => {
  const page = await listBatchesFor(principal, { cursor: query.cursor, limit: query.limit });
  return json(200, { batches: page.batches, ...(page.cursor === undefined ? {} : { cursor: page.cursor }) });
});
