import { createHandler } from '#shared/http/create-handler';
import { json } from '#shared/http/responses';
import { createRouter } from '#shared/http/router';
import { ROUTES } from '#shared/http/routes';
import { listPublishedDraws, readDraw } from '#shared/services/spot-check-service';

/** Every draw is public: anyone can check a regulator's draws, abandoned ones included. */
export const handler = createRouter([
  [
    ROUTES.listSpotCheckDraws,
    createHandler(ROUTES.listSpotCheckDraws, async ({ query }) => json(200, await listPublishedDraws(query))),
  ],
  [ROUTES.getSpotCheckDraw, createHandler(ROUTES.getSpotCheckDraw, async ({ params }) => json(200, await readDraw(params.id)))],
]);
