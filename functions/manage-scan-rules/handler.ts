import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { createRouter } from '#kernel/http/router';
import { getScanRulesFor, replaceScanRulesFor } from '#scans';
import { ROUTES } from '#shared/app/routes';

/** A product's anomaly rules: its factory sets them, regulators read them too. */
export const handler = createRouter([
  [
    ROUTES.getScanRules,
    createHandler(ROUTES.getScanRules, async ({ principal, params }) => json(200, await getScanRulesFor(principal, params.gtin))),
  ],
  [
    ROUTES.putScanRules,
    createHandler(ROUTES.putScanRules, async ({ principal, params, body }) =>
      json(200, await replaceScanRulesFor(principal, params.gtin, body)),
    ),
  ],
]);
