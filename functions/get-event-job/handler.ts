import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { ROUTES } from '#shared/app/routes';
import { readEventJob } from '#shared/custody/services/event-job-queries';

/** An accepted POST /v1/events call: its state, counts and one page of results. */
export const handler = createHandler(ROUTES.getEventJob, async ({ principal, params, query }) =>
  json(200, await readEventJob(principal, params.jobId, query)),
);
