import { pathOf } from '#shared/domain/uri-encoding';
import { createHandler } from '#shared/http/create-handler';
import { json } from '#shared/http/responses';
import { ROUTES } from '#shared/http/routes';
import { registerProduct } from '#shared/services/registry-service';

export const handler = createHandler(ROUTES.createProduct, async ({ principal, body }) => {
  const product = await registerProduct(principal, body);
  return json(201, product, { headers: { location: pathOf('01', product.gtin) } });
});
