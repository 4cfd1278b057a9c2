import { readEventJob } from '#custody';
import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { ROUTES } from '#shared/app/routes';

/** An accepted POST /v1/events call: its state, counts and one page of results. */
export const handler = createHandler(ROUTES.getEventJob, async ({ principal, params, query }) =>
  json(200, await readEventJob(principal, params.jobId, query)),
);
