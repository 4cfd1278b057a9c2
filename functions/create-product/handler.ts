import { ROUTES } from '#shared/app/routes';
import { createHandler } from '#shared/kernel/http/create-handler';
import { json } from '#shared/kernel/http/responses';
import { pathOf } from '#shared/kernel/http/uri-encoding';
import { registerProduct } from '#shared/registry/services/registry-service';

export const handler = createHandler(ROUTES.createProduct, async ({ principal, body }) => {
  const product = await registerProduct(principal, body);
  return json(201, product, { headers: { location: pathOf('01', product.gtin) } });
});
