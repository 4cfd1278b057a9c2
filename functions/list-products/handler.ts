import { getProductWithLotsFor, listProductsWithLotsFor } from '#issuance';
import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { createRouter } from '#kernel/http/router';
import { ROUTES } from '#shared/app/routes';

/** A factory's products: the listing, and one of them. */
export const handler = createRouter([
  [
    ROUTES.listProducts,
    createHandler(ROUTES.listProducts, async ({ principal, query }) => {
      const page = await listProductsWithLotsFor(principal, { cursor: query.cursor, limit: query.limit });
      return json(200, { products: page.products, ...(page.cursor === undefined ? {} : { cursor: page.cursor }) });
    }),
  ],
  [
    ROUTES.getProduct,
    createHandler(ROUTES.getProduct, async ({ principal, params }) =>
      json(200, await getProductWithLotsFor(principal, params.gtin)),
    ),
  ],
]);
