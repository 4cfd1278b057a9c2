import { ROUTES } from '../../shared/http/routes';
import { createHandler } from '../../shared/http/create-handler';
import { json } from '../../shared/http/responses';
import { ingestEvents } from '../../shared/services/custody-service';

/**
 * 200 when every event is recorded (or was already), 207 when some are rejected, and
 * when all are rejected the status of the first rejection (409 for a custody rule), so a
 * one-event call reads like any other request.
 */
export const handler = createHandler(ROUTES.recordEvents, async ({ principal, body }) => {
  const results = await ingestEvents(principal, body.events);
  const count = (status: string) => results.filter((r) => r.status === status).length;
  const summary = { recorded: count('recorded'), duplicate: count('duplicate'), rejected: count('rejected') };
  const firstRejection = results.find((r) => r.error !== undefined)?.error?.status ?? 409;
  const statusCode = summary.rejected === 0 ? 200 : summary.rejected === results.length ? firstRejection : 207;
  return json(statusCode, { results, summary });
});
