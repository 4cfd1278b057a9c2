import { createHandler } from '#shared/http/create-handler';
import { json } from '#shared/http/responses';
import { ROUTES } from '#shared/http/routes';
import { getJwks } from '#shared/keys/public-key-cache';

/** Every key that ever signed stays listed, so old labels keep verifying offline. */
export const handler = createHandler(ROUTES.getJwks, async () =>
  json(200, { keys: await getJwks() }, { cacheControl: 'public, max-age=300, s-maxage=300' }),
);
