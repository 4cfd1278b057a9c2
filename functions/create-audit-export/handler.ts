import { createExport, readExport } from '#audit';
import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { pathOf } from '#kernel/http/uri-encoding';
import { ROUTES } from '#shared/app/routes';

/** Starts an export job; the worker writes it, GET /v1/audit/exports/{id} follows it. */
export const handler = createHandler(ROUTES.createExport, async ({ principal, body }) => {
  const job = await createExport(principal, { format: body.format, query: body.query as Record<string, string> });
  return json(202, await readExport(principal, job.id), { headers: { location: pathOf('v1', 'audit', 'exports', job.id) } });
});
