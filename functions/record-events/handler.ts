import { recordEvents, summarize } from '#custody';
import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { pathOf } from '#kernel/http/uri-encoding';
import { ROUTES } from '#shared/app/routes';

/**
 * 200 when every event is recorded (or was already), 207 when some are rejected, and
 * when all are rejected the status of the first rejection (409 for a custody rule), so a
 * one-event call reads like any other request. A call that would outlast the function's
 * time answers 202 with the results so far; a job records the rest (GET its Location).
 */
export const handler = createHandler(ROUTES.recordEvents, async ({ principal, body, context }) => {
  const outcome = await recordEvents(principal, body.events, () => context.getRemainingTimeInMillis());
  if (outcome.kind === 'accepted') {
    const { jobId, results, pending } = outcome;
    return json(
      202,
      { jobId, status: 'running', results, summary: summarize(results), pending },
      { headers: { location: pathOf('v1', 'events', 'jobs', jobId) } },
    );
  }
  const { results } = outcome;
  const summary = summarize(results);
  const firstRejection = results.find((r) => r.error !== undefined)?.error?.status ?? 409;
  const statusCode = summary.rejected === 0 ? 200 : summary.rejected === results.length ? firstRejection : 207;
  return json(statusCode, { results, summary });
});
