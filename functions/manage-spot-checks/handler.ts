import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { createRouter } from '#kernel/http/router';
import { pathOf } from '#kernel/http/uri-encoding';
import { ROUTES } from '#shared/app/routes';
import { fixInputs, openDraw, recallFromResult, recordResults, registerInspector, retireInspector, reveal } from '#spot-checks';

/** A regulator's spot-check writes: its inspectors, and commit, fix, reveal, results and recall. */
export const handler = createRouter([
  [
    ROUTES.registerInspector,
    createHandler(ROUTES.registerInspector, async ({ principal, body }) => {
      const inspector = await registerInspector(principal, body.name);
      return json(201, inspector);
    }),
  ],
  [
    ROUTES.deactivateInspector,
    createHandler(ROUTES.deactivateInspector, async ({ principal, params }) =>
      json(200, await retireInspector(principal, params.id)),
    ),
  ],
  [
    ROUTES.createSpotCheckDraw,
    createHandler(ROUTES.createSpotCheckDraw, async ({ principal, body }) => {
      const draw = await openDraw(principal, body);
      return json(201, draw, { headers: { location: pathOf('v1', 'spot-checks', 'draws', draw.id) } });
    }),
  ],
  [
    ROUTES.fixSpotCheckDraw,
    createHandler(ROUTES.fixSpotCheckDraw, async ({ principal, params }) => json(200, await fixInputs(principal, params.id))),
  ],
  [
    ROUTES.revealSpotCheckDraw,
    createHandler(ROUTES.revealSpotCheckDraw, async ({ principal, params, body }) =>
      json(200, await reveal(principal, params.id, body.secret)),
    ),
  ],
  [
    ROUTES.recordSpotCheckResults,
    createHandler(ROUTES.recordSpotCheckResults, async ({ principal, params, body }) =>
      json(201, { results: await recordResults(principal, params.id, body.results) }),
    ),
  ],
  [
    ROUTES.recallSpotCheckTarget,
    createHandler(ROUTES.recallSpotCheckTarget, async ({ principal, params }) => {
      const { status, eventId } = await recallFromResult(principal, params.id, params.target);
      return json(200, { status, eventId });
    }),
  ],
]);
