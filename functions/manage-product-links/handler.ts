import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { createRouter } from '#kernel/http/router';
import { getProductLinksFor, replaceProductLinks } from '#resolver';
import { ROUTES } from '#shared/app/routes';

/** A factory's resolver links for its own product: read them, or replace the whole set. */
export const handler = createRouter([
  [
    ROUTES.getProductLinks,
    createHandler(ROUTES.getProductLinks, async ({ principal, params }) =>
      json(200, { gtin: params.gtin, links: await getProductLinksFor(principal, params.gtin) }),
    ),
  ],
  [
    ROUTES.putProductLinks,
    createHandler(ROUTES.putProductLinks, async ({ principal, params, body }) =>
      json(200, { gtin: params.gtin, links: await replaceProductLinks(principal, params.gtin, body.links) }),
    ),
  ],
]);
