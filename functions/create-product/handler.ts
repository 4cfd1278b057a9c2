import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { pathOf } from '#kernel/http/uri-encoding';
import { registerProduct } from '#registry';
import { ROUTES } from '#shared/app/routes';

export const handler = createHandler(ROUTES.createProduct, async ({ principal, body }) => {
  const product = await registerProduct(principal, body);
  return json(201, product, { headers: { location: pathOf('01', product.gtin) } });
});
