import { createHandler } from '#shared/http/create-handler';
import { json } from '#shared/http/responses';
import { createRouter } from '#shared/http/router';
import { ROUTES } from '#shared/http/routes';
import { readComparison } from '#shared/services/spot-check-comparison';
import { listPublishedDraws, readDraw } from '#shared/services/spot-check-service';

/**
 * Every draw is public: anyone can check a regulator's draws, abandoned ones included. The
 * clause-by-clause comparison of a result is the regulators' (its counts are public).
 */
export const handler = createRouter([
  [
    ROUTES.listSpotCheckDraws,
    createHandler(ROUTES.listSpotCheckDraws, async ({ query }) => json(200, await listPublishedDraws(query))),
  ],
  [ROUTES.getSpotCheckDraw, createHandler(ROUTES.getSpotCheckDraw, async ({ params }) => json(200, await readDraw(params.id)))],
  [
    ROUTES.getSpotCheckComparison,
    createHandler(ROUTES.getSpotCheckComparison, async ({ params, principal }) =>
      json(200, await readComparison(principal, params.id, params.target)),
    ),
  ],
]);
