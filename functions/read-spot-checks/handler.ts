import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { createRouter } from '#kernel/http/router';
import { ROUTES } from '#shared/app/routes';
import { inspectorsOf, listPublishedDraws, readComparison, readDraw, readDrawPopulation } from '#spot-checks';

/**
 * Every draw is public: anyone can check a regulator's draws, abandoned ones included. A
 * units draw's serials, the clause-by-clause comparison of a result (its counts are
 * public) and a regulator's inspector list are for the callers entitled to them.
 */
export const handler = createRouter([
  [
    ROUTES.listSpotCheckDraws,
    createHandler(ROUTES.listSpotCheckDraws, async ({ query }) => json(200, await listPublishedDraws(query))),
  ],
  [ROUTES.getSpotCheckDraw, createHandler(ROUTES.getSpotCheckDraw, async ({ params }) => json(200, await readDraw(params.id)))],
  [
    ROUTES.getSpotCheckPopulation,
    createHandler(ROUTES.getSpotCheckPopulation, async ({ params, principal }) =>
      json(200, await readDrawPopulation(principal, params.id)),
    ),
  ],
  [
    ROUTES.getSpotCheckComparison,
    createHandler(ROUTES.getSpotCheckComparison, async ({ params, principal }) =>
      json(200, await readComparison(principal, params.id, params.target)),
    ),
  ],
  [
    ROUTES.listInspectors,
    createHandler(ROUTES.listInspectors, async ({ principal }) => json(200, await inspectorsOf(principal))),
  ],
]);
