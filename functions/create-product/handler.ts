import { createHandler } from '#kernel/http/create-handler';
import { json } from '#kernel/http/responses';
import { pathOf } from '#kernel/http/uri-encoding';
import { ROUTES } from '#shared/app/routes';
import { registerProduct } from '#shared/registry/services/registry-service';

export const handler = createHandler(ROUTES.createProduct, async ({ principal, body }) => {
  const product = await registerProduct(principal, body);
  return json(201, product, { headers: { location: pathOf('01', product.gtin) } });
});
